// Statements that lock several accounts (batched reservations, batched settlements returning
// change) lock them in id order, so batches running at once — on one instance or on several —
// never wait on each other in a circle: PostgreSQL would find the deadlock only after its
// deadlock_timeout (a second), abort one and every call in it would wait for the retry.
// Shown from outside: with the lower account locked elsewhere, a batch that needs both waits for
// it without having locked the higher one.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../store/migrate.js';
import { openPostgres } from '../store/postgres.js';
import { createPostgresSchema } from '../store/testing.js';
import type { Db } from '../store/index.js';
import { createLedger, getBalance, type Ledger } from './index.js';
import { createSettleBatcher } from './settle-batch.js';
import { fundedAccount } from './testing.js';

const NOW = 1_800_000_000;

describe('accounts locked in id order (PostgreSQL)', () => {
  let db: Db;
  let url: string;
  let drop: () => Promise<void>;
  let ledger: Ledger;
  beforeAll(async () => {
    const schema = await createPostgresSchema();
    ({ url, drop } = schema);
    db = openPostgres({ connectionString: url });
    await migrate(db);
    ledger = await createLedger(db, { now: () => NOW });
  });
  afterAll(async () => {
    await db.close();
    await drop();
  });

  /** Two funded accounts, the lower id first. */
  async function twoAccounts() {
    const a = await fundedAccount(db, ledger, 100_000n);
    const b = await fundedAccount(db, ledger, 100_000n);
    return a.id < b.id ? [a, b] : [b, a];
  }

  /**
   * Runs `work` while another session holds the lower account's row lock; once `work` waits for
   * that lock, tells whether the higher account could still be locked (true: not taken by `work`).
   */
  async function higherFreeWhileLowerHeld<T>(lowerId: bigint, higherId: bigint, work: () => Promise<T>): Promise<{ higherFree: boolean; result: T }> {
    const holder = new pg.Client({ connectionString: url });
    const probe = new pg.Client({ connectionString: url });
    await holder.connect();
    await probe.connect();
    try {
      await holder.query('BEGIN');
      await holder.query('SELECT id FROM accounts WHERE id = $1 FOR UPDATE', [lowerId]);
      const holderPid = (await holder.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
      const running = work();
      // wait until the work's statement waits on the holder's lock (a condition, polled)
      for (;;) {
        const waiting = await probe.query<{ n: number }>('SELECT count(*)::int AS n FROM pg_stat_activity WHERE $1 = ANY (pg_blocking_pids(pid))', [holderPid]);
        if (waiting.rows[0]!.n > 0) break;
        await new Promise((r) => setImmediate(r));
      }
      await probe.query('BEGIN');
      let higherFree = true;
      try {
        await probe.query('SELECT id FROM accounts WHERE id = $1 FOR UPDATE NOWAIT', [higherId]);
      } catch (err) {
        if ((err as { code?: string }).code !== '55P03') throw err; // lock_not_available
        higherFree = false;
      }
      await probe.query('ROLLBACK');
      await holder.query('COMMIT');
      return { higherFree, result: await running };
    } finally {
      await holder.end();
      await probe.end();
    }
  }

  it('a batch of reservations waits for the lower account before it locks the higher one', async () => {
    const [low, high] = await twoAccounts();
    const reserve = (tokenHash: Buffer) => ledger.reserve({ tokenHash, amountMsat: 5_000n, purpose: 'test', expiresAt: 2e9, now: NOW, api: 'openai' });
    // the higher account first in the batch: the order of the input must not be the order of the locks
    const { higherFree, result } = await higherFreeWhileLowerHeld(low!.id, high!.id, () => Promise.all([reserve(high!.tokenHash), reserve(low!.tokenHash)]));
    expect(higherFree).toBe(true);
    expect(result.map((r) => r.ok)).toEqual([true, true]);
    expect(await getBalance(db, low!.id)).toBe(95_000n);
    expect(await getBalance(db, high!.id)).toBe(95_000n);
  });

  it('a batch of settlements returning change waits for the lower account before it locks the higher one', async () => {
    const [low, high] = await twoAccounts();
    const hold = async (tokenHash: Buffer) => {
      const r = await ledger.reserve({ tokenHash, amountMsat: 10_000n, purpose: 'test', expiresAt: 2e9, now: NOW, api: 'openai' });
      if (!r.ok) throw new Error(r.reason);
      return r.holdId;
    };
    const highHold = await hold(high!.tokenHash);
    const lowHold = await hold(low!.tokenHash);
    const batcher = createSettleBatcher(db, { max: 16 });
    // charged 3,000 of 10,000: 7,000 goes back to each account, so the statement updates both
    const settle = (holdId: bigint) => batcher.settle({ holdId, chargeMsat: 3_000n, to: ledger.sys.revenue });
    const { higherFree, result } = await higherFreeWhileLowerHeld(low!.id, high!.id, () => Promise.all([settle(highHold), settle(lowHold)]));
    expect(higherFree).toBe(true);
    expect(result).toEqual([true, true]);
    expect(await getBalance(db, low!.id)).toBe(97_000n);
    expect(await getBalance(db, high!.id)).toBe(97_000n);
  });
});
