import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTestStore, STORE_KINDS, type TestStore } from '../store/testing.js';
import { createLedger, type Ledger } from './index.js';
import { fundedAccount } from './testing.js';

/** A funded token and `calls` paid calls of 1 000 msat on it, through the ledger's own reserve/settle. */
async function traffic(store: TestStore, ledger: Ledger, calls: number): Promise<bigint> {
  const acct = await fundedAccount(store.db, ledger, 100_000n);
  const tokenHash = acct.tokenHash;
  for (let i = 0; i < calls; i++) {
    const r = await ledger.reserve({ tokenHash, amountMsat: 2_000n, purpose: 'test', expiresAt: 2e9 });
    if (!r.ok) throw new Error('reserve failed');
    await ledger.settle(r.holdId, 1_000n);
  }
  return acct.id;
}

const incremental = (ledger: Ledger) => ledger.audit({ mode: 'incremental', fenceWaitMs: 5_000 });

describe.each(STORE_KINDS)('incremental audit on %s', (kind) => {
  let store: TestStore;
  let ledger: Ledger;
  beforeEach(async () => {
    store = await openTestStore(kind);
    ledger = await createLedger(store.db);
  });
  afterEach(() => store.close());

  it('checkpoints what it verified and then reads only what came after', async () => {
    await traffic(store, ledger, 5);
    const first = await incremental(ledger);
    expect(first.problems).toEqual([]);
    const below = first.checkpoint!.belowJournalId;
    const { rows } = await store.db.query<{ n: bigint }>(`SELECT max(id) AS n FROM journal`);
    expect(below).toBe(rows[0]!.n + 1n);

    await traffic(store, ledger, 2);
    const second = await incremental(ledger);
    expect(second.problems).toEqual([]);
    expect(second.mode).toBe('incremental');
    expect(second.journalEntries).toBe(3); // a deposit and two calls of one row each (the compact journal)
    expect(second.checkpoint!.belowJournalId).toBeGreaterThan(below);
    expect(second.totals).toEqual((await ledger.audit()).totals);
  });

  it('catches a rewritten old row by the checkpoint hash, where balances alone would not', async () => {
    await traffic(store, ledger, 3);
    expect((await incremental(ledger)).ok).toBe(true);
    const { rows } = await store.db.query<{ id: bigint }>(`SELECT min(id) AS id FROM journal WHERE kind = 'charge'`);
    await traffic(store, ledger, 3);
    expect((await incremental(ledger)).ok).toBe(true);
    await traffic(store, ledger, 1);
    // the memo of an old settlement: no balance, total or sum changes
    await store.db.query(`UPDATE journal SET memo = 'rewritten' WHERE id = $1`, [rows[0]!.id]);
    const report = await incremental(ledger);
    expect(report.ok).toBe(false);
    expect(report.problems.join('\n')).toMatch(/changed after checkpoint \d+ verified them/);
    // nothing is checkpointed past a failed audit
    expect((await incremental(ledger)).ok).toBe(false);
    expect((await ledger.audit({ mode: 'full' })).problems.join('\n')).toMatch(/changed after checkpoint/);
  });

  it('catches a deleted old row', async () => {
    await traffic(store, ledger, 3);
    expect((await incremental(ledger)).ok).toBe(true);
    await traffic(store, ledger, 2);
    const { rows } = await store.db.query<{ id: bigint }>(`SELECT min(id) AS id FROM journal WHERE kind = 'charge'`);
    await store.db.tx(async (q) => {
      await q.query(`DELETE FROM entries WHERE journal_id = $1`, [rows[0]!.id]);
      await q.query(`DELETE FROM journal WHERE id = $1`, [rows[0]!.id]);
    });
    const report = await incremental(ledger);
    expect(report.ok).toBe(false);
    expect(report.problems.join('\n')).toMatch(/changed after checkpoint/);
  });

  it('checks every old segment in turn, newest and longest-unverified first', async () => {
    const ids: bigint[] = [];
    for (let i = 0; i < 4; i++) {
      await traffic(store, ledger, 1);
      const { rows } = await store.db.query<{ id: bigint }>(`SELECT max(id) AS id FROM journal`);
      ids.push(rows[0]!.id);
      expect((await incremental(ledger)).ok).toBe(true);
    }
    // a row in the second of four segments: within as many audits as there are segments
    await store.db.query(`UPDATE entries SET amount_msat = amount_msat + 1 WHERE journal_id = $1 AND amount_msat > 0`, [ids[1]]);
    let caught = false;
    for (let i = 0; i < 4 && !caught; i++) caught = !(await incremental(ledger)).ok;
    expect(caught).toBe(true);
  });

  it('catches an unbalanced row written after the checkpoint, and a balance that disagrees', async () => {
    const acct = await traffic(store, ledger, 2);
    expect((await incremental(ledger)).ok).toBe(true);
    const { rows } = await store.db.query<{ id: bigint }>(`INSERT INTO journal (kind) VALUES ('forged') RETURNING id`);
    await store.db.query(`INSERT INTO entries (journal_id, account_id, amount_msat) VALUES ($1, $2, 700)`, [rows[0]!.id, ledger.sys.revenue]);
    await store.db.query(`UPDATE accounts SET balance_msat = balance_msat + 5 WHERE id = $1`, [acct]);
    const problems = (await incremental(ledger)).problems.join('\n');
    expect(problems).toContain(`journal ${rows[0]!.id} does not balance (700 msat)`);
    expect(problems).toMatch(/user balances sum to \d+ msat, the journal says \d+ msat/);
  });

  it('the full audit also checks the sums the checkpoint recorded', async () => {
    await traffic(store, ledger, 2);
    expect((await ledger.audit()).ok).toBe(true);
    await store.db.query(`UPDATE audit_balances SET below_msat = below_msat + 1 WHERE account_id = $1`, [ledger.sys.revenue]);
    expect((await ledger.audit({ mode: 'full' })).problems.join('\n')).toMatch(/the checkpoint records/);
  });
});

describe('incremental audit on postgres with a transaction that commits late', () => {
  let store: TestStore;
  afterEach(() => store.close());

  it('does not checkpoint past a row whose id was taken earlier but committed later, and then audits it', async () => {
    store = await openTestStore('postgres');
    const ledger = await createLedger(store.db);
    await traffic(store, ledger, 2);
    expect((await incremental(ledger)).ok).toBe(true);

    const late = new pg.Client({ connectionString: store.url! });
    await late.connect();
    try {
      await late.query('BEGIN');
      const { rows } = await late.query<{ id: string }>(`INSERT INTO journal (kind) VALUES ('late') RETURNING id`);
      const lateId = BigInt(rows[0]!.id);
      // unbalanced on purpose: the audit must see this row once it commits
      await late.query(`INSERT INTO entries (journal_id, account_id, amount_msat) VALUES ($1, $2, 300)`, [lateId, ledger.sys.revenue]);
      await traffic(store, ledger, 2); // later ids, committed first

      const during = await ledger.audit({ mode: 'incremental', fenceWaitMs: 0 });
      expect(during.ok).toBe(true);
      expect(during.checkpoint!.belowJournalId).toBeLessThanOrEqual(lateId);

      await late.query('COMMIT');
      const after = await incremental(ledger);
      expect(after.problems).toContain(`journal ${lateId} does not balance (300 msat)`);
    } finally {
      await late.end();
    }
  });

  it('waits for a writer that is still open and then checkpoints past its row', async () => {
    store = await openTestStore('postgres');
    const ledger = await createLedger(store.db);
    const late = new pg.Client({ connectionString: store.url! });
    await late.connect();
    try {
      await late.query('BEGIN');
      const { rows } = await late.query<{ id: string }>(`INSERT INTO journal (kind) VALUES ('late') RETURNING id`);
      await late.query(`INSERT INTO entries (journal_id, account_id, amount_msat) VALUES ($1, $2, 300), ($1, $3, -300)`, [rows[0]!.id, ledger.sys.revenue, ledger.sys.lightning]);
      await traffic(store, ledger, 1);
      const audit = ledger.audit({ mode: 'incremental', fenceWaitMs: 60_000 });
      // the audit is waiting on the open writer (its lock query is seen) before it commits; asked
      // outside the open transaction, which would see one snapshot of the activity view
      await waitFor(async () => {
        const r = await store.db.query<{ n: bigint }>(`SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND query LIKE '%virtualxid = ANY%' AND pid <> pg_backend_pid()`);
        return r.rows[0]!.n > 0n;
      });
      await late.query('COMMIT');
      const report = await audit;
      expect(report.problems).toEqual([]);
      expect(report.checkpoint!.belowJournalId).toBeGreaterThan(BigInt(rows[0]!.id));
    } finally {
      await late.end();
    }
  });
});

async function waitFor(cond: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 2_000; i++) {
    if (await cond()) return;
    await new Promise((r) => setImmediate(r));
  }
  throw new Error('condition never held');
}
