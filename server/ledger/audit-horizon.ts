// The settled horizon: a journal id below which no transaction can still commit a row. Ids are
// taken from a sequence before commit, so a transaction that took id 10 may commit after one that
// took 11; a checkpoint at the highest visible id would skip it. Every writer of journal rows holds
// a lock on the table from before it takes its id until it ends, so: read the sequence, note the
// writers holding that lock, and wait until they have ended.
import type { Db } from '../store/index.js';

const POLL_MS = 20;

/** The horizon, or null when a writer that may hold a lower id is still open after waitMs. */
export async function settledHorizon(db: Db, waitMs: number): Promise<bigint | null> {
  const seq = await db.query<{ last_value: bigint; is_called: boolean }>(`SELECT last_value, is_called FROM journal_id_seq`);
  const s = seq.rows[0]!;
  const below = s.is_called ? BigInt(s.last_value) + 1n : BigInt(s.last_value);
  // PGlite has one connection and runs one transaction at a time: nothing else is open
  if (db.kind === 'pglite') return below;
  const writers = await db.query<{ vxid: string }>(
    `SELECT DISTINCT virtualtransaction AS vxid FROM pg_locks
     WHERE relation = 'journal'::regclass AND mode = 'RowExclusiveLock' AND pid <> pg_backend_pid()`,
  );
  const open = writers.rows.map((r) => r.vxid);
  const deadline = Date.now() + waitMs;
  while (open.length > 0) {
    const still = await db.query<{ n: bigint }>(`SELECT count(*) AS n FROM pg_locks WHERE locktype = 'virtualxid' AND virtualxid = ANY($1::text[])`, [open]);
    if (Number(still.rows[0]?.n ?? 0n) === 0) break;
    if (Date.now() >= deadline) return null;
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
  return below;
}
