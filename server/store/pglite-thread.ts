// The embedded PGlite on a worker thread of its own (pglite.ts is the other end): its statements
// run in WASM, and here they run beside the server's event loop instead of on it. Messages carry
// one statement, or a transaction's begin, commit or rollback; PGlite's own lock serialises them.
import { parentPort, workerData } from 'node:worker_threads';
import { PGlite, type Transaction } from '@electric-sql/pglite';

export type ThreadRequest =
  | { id: number; op: 'query'; sql: string; params?: unknown[]; tx?: number }
  | { id: number; op: 'exec'; sql: string; tx?: number }
  // one statement without parameters over the simple protocol, its rows returned (an EXECUTE of a prepared one)
  | { id: number; op: 'simple'; sql: string; tx?: number }
  | { id: number; op: 'begin' | 'commit' | 'rollback'; tx: number }
  | { id: number; op: 'close' };

export type ThreadReply = { id: number; ok: true; rows?: unknown[]; affectedRows?: number } | { id: number; ok: false; error: Record<string, unknown> };

const toBigInt = (v: string): bigint | string => (/^-?\d+$/.test(v) ? BigInt(v) : v);

const port = parentPort!;
const { dataDir } = workerData as { dataDir: string | null };
const db = new PGlite(dataDir ?? 'memory://', { parsers: { 20: toBigInt, 1700: toBigInt } });

// open transactions: PGlite's handle, how to end it, and its end (the commit, or the rollback)
const open = new Map<number, { t: Transaction; end(commit: boolean): void }>();
const ends = new Map<number, Promise<void>>();
const ROLLBACK = Symbol('rollback');

/** An error's fields (code, detail, constraint…), which a structured clone of the Error would drop. */
function errorFields(err: unknown): Record<string, unknown> {
  if (!(err instanceof Error)) return { message: String(err) };
  const fields: Record<string, unknown> = { message: err.message, name: err.name };
  for (const [k, v] of Object.entries(err)) if (v === null || ['string', 'number', 'boolean'].includes(typeof v)) fields[k] = v;
  return fields;
}

const reply = (msg: ThreadReply): void => port.postMessage(msg);

/** Resolves once the transaction holds PGlite's lock; its end is kept in `ends`. */
function begin(tx: number): Promise<void> {
  return new Promise<void>((started, failed) => {
    const end = db
      .transaction(async (t) => {
        await new Promise<void>((resolve, reject) => {
          open.set(tx, { t, end: (commit) => (commit ? resolve() : reject(ROLLBACK)) });
          started();
        });
      })
      .then(
        () => {},
        (err: unknown) => {
          if (err !== ROLLBACK) throw err;
        },
      )
      .finally(() => open.delete(tx));
    ends.set(tx, end);
    end.catch(failed);
  });
}

async function handle(m: ThreadRequest): Promise<ThreadReply> {
  switch (m.op) {
    case 'query': {
      const q = m.tx === undefined ? db : open.get(m.tx)?.t;
      if (!q) throw new Error('no such transaction');
      const res = await q.query(m.sql, m.params);
      return { id: m.id, ok: true, rows: res.rows, affectedRows: res.affectedRows ?? 0 };
    }
    case 'exec': {
      const q = m.tx === undefined ? db : open.get(m.tx)?.t;
      if (!q) throw new Error('no such transaction');
      await q.exec(m.sql);
      return { id: m.id, ok: true };
    }
    case 'simple': {
      const q = m.tx === undefined ? db : open.get(m.tx)?.t;
      if (!q) throw new Error('no such transaction');
      const res = (await q.exec(m.sql)).at(-1);
      return { id: m.id, ok: true, rows: res?.rows ?? [], affectedRows: res?.affectedRows ?? 0 };
    }
    case 'begin':
      await begin(m.tx);
      return { id: m.id, ok: true };
    case 'commit':
    case 'rollback': {
      const o = open.get(m.tx);
      const end = ends.get(m.tx);
      if (!o || !end) throw new Error('no such transaction');
      ends.delete(m.tx);
      o.end(m.op === 'commit');
      await end;
      return { id: m.id, ok: true };
    }
    case 'close':
      await db.close();
      return { id: m.id, ok: true };
  }
}

await db.waitReady;
port.on('message', (m: ThreadRequest) => {
  handle(m).then(reply, (err: unknown) => reply({ id: m.id, ok: false, error: errorFields(err) }));
});
port.postMessage({ id: 0, ok: true });
