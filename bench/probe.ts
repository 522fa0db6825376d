// Preloaded into the server child (`node --import ./bench/probe.ts`): answers the benchmark over
// the IPC channel — process.memoryUsage() (after a full GC when asked and --expose-gc allows), and
// a V8 CPU profile of exactly the window the benchmark asks for (node:inspector, the profiler
// behind --cpu-prof). Without an IPC channel it does nothing; it never touches the server itself.
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';

type Question = { id: number; cmd: 'memory'; gc?: boolean } | { id: number; cmd: 'profile-start'; intervalUs: number } | { id: number; cmd: 'profile-stop'; file: string };

let session: Session | null = null;

const post = (s: Session, method: string, params: object = {}): Promise<any> =>
  new Promise((resolve, reject) => s.post(method, params, (err, result) => (err ? reject(err) : resolve(result))));

async function answer(q: Question): Promise<object> {
  switch (q.cmd) {
    case 'memory':
      if (q.gc && typeof globalThis.gc === 'function') {
        globalThis.gc();
        globalThis.gc();
      }
      return { memory: process.memoryUsage() };
    case 'profile-start':
      session = new Session();
      session.connect();
      await post(session, 'Profiler.enable');
      await post(session, 'Profiler.setSamplingInterval', { interval: q.intervalUs });
      await post(session, 'Profiler.start');
      return { started: true };
    case 'profile-stop': {
      if (!session) throw new Error('no profile running');
      const { profile } = await post(session, 'Profiler.stop');
      session.disconnect();
      session = null;
      writeFileSync(q.file, JSON.stringify(profile));
      return { file: q.file };
    }
  }
}

if (process.send) {
  process.on('message', (q: Question) => {
    if (typeof q?.id !== 'number') return;
    answer(q).then(
      (result) => process.send?.({ id: q.id, ...result }),
      (err: unknown) => process.send?.({ id: q.id, error: String(err) }),
    );
  });
  // the channel must not keep a stopping server alive
  process.channel?.unref();
}
