// A test client for server-sent events: reads frames as they arrive and lets a test wait for
// the next event that passes a check (no sleeps: it waits on the stream itself).
import { request } from 'undici';

export interface SseEvent {
  id: string;
  event: string;
  data: any;
}

export interface SseClient {
  status: number;
  /** the JSON error body of a refused stream */
  error: any;
  /** every event received so far, in order */
  received: SseEvent[];
  /** resolves when the stream ends (the server closed it, or the test did) */
  ended: Promise<void>;
  /** resolves with the first event (received or still to come) that passes `check` */
  next(check: (e: SseEvent) => boolean): Promise<SseEvent>;
  close(): void;
}

export async function openSse(url: string, headers: Record<string, string>): Promise<SseClient> {
  const abort = new AbortController();
  const res = await request(url, { headers: { accept: 'text/event-stream', ...headers }, signal: abort.signal });
  const received: SseEvent[] = [];
  const waiters: { check: (e: SseEvent) => boolean; resolve: (e: SseEvent) => void }[] = [];
  let ended: Promise<void> = Promise.resolve();
  if (res.statusCode === 200) {
    ended = (async () => {
      let buf = '';
      try {
        for await (const chunk of res.body) {
          buf += chunk.toString('utf8');
          let cut: number;
          while ((cut = buf.indexOf('\n\n')) >= 0) {
            const frame = buf.slice(0, cut);
            buf = buf.slice(cut + 2);
            const fields = Object.fromEntries(frame.split('\n').filter((l) => !l.startsWith(':') && l.includes(': ')).map((l) => [l.slice(0, l.indexOf(': ')), l.slice(l.indexOf(': ') + 2)]));
            if (!fields.event) continue;
            const e = { id: fields.id ?? '', event: fields.event, data: JSON.parse(fields.data ?? 'null') };
            received.push(e);
            for (const w of waiters.splice(0)) (w.check(e) ? w.resolve(e) : waiters.push(w));
          }
        }
      } catch {
        // closed by the test
      }
    })();
  }
  const error = res.statusCode === 200 ? null : await res.body.json();
  return {
    status: res.statusCode,
    error,
    received,
    ended,
    next(check) {
      const done = received.find(check);
      if (done) return Promise.resolve(done);
      return new Promise((resolve) => waiters.push({ check, resolve }));
    },
    close: () => abort.abort(),
  };
}
