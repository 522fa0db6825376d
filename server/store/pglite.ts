// Embedded PostgreSQL (PGlite, WASM) in a data directory, on a worker thread of its own
// (pglite-thread.ts), so its statements run beside the server's event loop, not on it. One
// connection: every query and transaction is serialised by PGlite itself.
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Db, Queryable, QueryResult } from './db.js';
import { pgErrorCode, toDriverParams } from './db.js';
import { lockEmbeddedStore } from './pglite-lock.js';
import { createPglitePrepared } from './pglite-prepared.js';
import { createPgliteVacuum, PGLITE_VACUUM, type VacuumOptions } from './pglite-vacuum.js';
import type { ThreadReply, ThreadRequest } from './pglite-thread.js';

type Request = ThreadRequest extends infer T ? (T extends { id: number } ? Omit<T, 'id'> : never) : never;

interface Thread {
  call(req: Request): Promise<Extract<ThreadReply, { ok: true }>>;
  close(): Promise<void>;
}

/** The worker thread and its replies; it runs TypeScript through the same loader as the server. */
async function startThread(dataDir: string | null): Promise<Thread> {
  // a worker's execArgv cannot name a loader on Node 20: the thread registers tsx, then imports its module
  const tsxApi = pathToFileURL(createRequire(import.meta.url).resolve('tsx/package.json').replace(/package\.json$/, 'dist/esm/api/index.mjs')).href;
  const main = new URL('./pglite-thread.ts', import.meta.url).href;
  const worker = new Worker(`import(${JSON.stringify(tsxApi)}).then((tsx) => tsx.register()).then(() => import(${JSON.stringify(main)}))`, {
    eval: true,
    workerData: { dataDir },
  });
  const waiting = new Map<number, { resolve: (r: Extract<ThreadReply, { ok: true }>) => void; reject: (err: unknown) => void }>();
  let next = 1;
  let gone: Error | null = null;
  const fail = (err: Error) => {
    gone ??= err;
    for (const w of waiting.values()) w.reject(err);
    waiting.clear();
  };
  const ready = new Promise<void>((resolve, reject) => {
    waiting.set(0, { resolve: () => resolve(), reject });
  });
  worker.on('message', (m: ThreadReply) => {
    const w = waiting.get(m.id);
    if (!w) return;
    waiting.delete(m.id);
    if (m.ok) w.resolve(m);
    else w.reject(Object.assign(new Error(String(m.error.message)), m.error));
  });
  worker.on('error', (err) => fail(err));
  worker.on('exit', (code) => fail(new Error(`the PGlite thread exited (${code})`)));
  await ready;
  const call: Thread['call'] = (req) => {
    if (gone) return Promise.reject(gone);
    const id = next++;
    return new Promise((resolve, reject) => {
      waiting.set(id, { resolve, reject });
      worker.postMessage({ ...req, id });
    });
  };
  return {
    call,
    async close() {
      if (!gone) await call({ op: 'close' }).catch(() => {});
      fail(new Error('the store is closed'));
      await worker.terminate();
    },
  };
}

/** vacuum: which tables, and after how many rows (pglite-vacuum.ts); PGLITE_VACUUM by default, false for none */
export async function openPglite(dataDir: string | null, opts: { preparedStatements?: boolean; vacuum?: VacuumOptions | false } = {}): Promise<Db> {
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const lock = dataDir ? lockEmbeddedStore(dataDir) : null;
  let thread: Thread;
  try {
    thread = await startThread(dataDir);
  } catch (err) {
    lock?.release();
    throw err;
  }

  // one statement, or several without parameters, at the top level or inside transaction `tx`
  const raw = (tx?: number) => ({
    query: async <R>(sql: string, params?: unknown[]) => {
      const r = await thread.call({ op: 'query', sql, ...(params ? { params } : {}), ...(tx === undefined ? {} : { tx }) });
      return { rows: (r.rows ?? []) as R[], affectedRows: r.affectedRows ?? 0 };
    },
    exec: async (sql: string) => void (await thread.call({ op: 'exec', sql, ...(tx === undefined ? {} : { tx }) })),
    // the simple protocol: one message where an unnamed statement takes parse, describe, bind and execute
    simple: async <R>(sql: string) => {
      const r = await thread.call({ op: 'simple', sql, ...(tx === undefined ? {} : { tx }) });
      return { rows: (r.rows ?? []) as R[], affectedRows: r.affectedRows ?? 0 };
    },
  });

  const top0 = raw();
  const conforming = (await top0.query<{ standard_conforming_strings: string }>('SHOW standard_conforming_strings')).rows[0]?.standard_conforming_strings === 'on';
  // literals are written for standard-conforming strings only (a backslash is then just a backslash)
  const prepared = opts.preparedStatements !== false && conforming ? createPglitePrepared() : null;
  const vacuumOpts = opts.vacuum ?? PGLITE_VACUUM;
  const vacuum = vacuumOpts
    ? createPgliteVacuum(vacuumOpts, async (sql) => {
        await top0.exec(sql);
        const size = await top0.query<{ n: number }>(`SELECT reltuples::float8 AS n FROM pg_class WHERE oid = $1::regclass`, [vacuumOpts.tables[0]]);
        return size.rows[0]?.n ?? 0;
      })
    : null;

  const wrap = (q: ReturnType<typeof raw>, inTx: boolean): Queryable => ({
    async query<R>(sql: string, params?: readonly unknown[]): Promise<QueryResult<R>> {
      const values = toDriverParams(params);
      const execute = prepared && values && values.length > 0 ? await prepared.execute(sql, values, inTx ? null : q.exec) : null;
      let res;
      try {
        res = execute ? await q.simple<R>(execute) : await q.query<R>(sql, values);
      } catch (err) {
        // "cached plan must not change result type" (a migration changed a table under it): run it as sent
        if (!execute || pgErrorCode(err) !== '0A000') throw err;
        res = await q.query<R>(sql, values);
      }
      // affectedRows is 0 for a SELECT; rows cover RETURNING and SELECT alike
      const rowCount = Math.max(res.affectedRows, res.rows.length);
      vacuum?.counted(rowCount);
      return { rows: res.rows, rowCount };
    },
    exec: q.exec,
  });

  const top = wrap(top0, false);
  let txs = 0;
  return {
    kind: 'pglite',
    query: top.query,
    exec: top.exec,
    async tx<T>(fn: (q: Queryable) => Promise<T>): Promise<T> {
      const tx = ++txs;
      await thread.call({ op: 'begin', tx });
      let result: T;
      try {
        result = await fn(wrap(raw(tx), true));
      } catch (err) {
        await thread.call({ op: 'rollback', tx }).catch(() => {});
        throw err;
      }
      await thread.call({ op: 'commit', tx });
      return result;
    },
    settlements: top,
    async close() {
      await vacuum?.settled();
      await thread.close();
      lock?.release();
    },
  };
}
