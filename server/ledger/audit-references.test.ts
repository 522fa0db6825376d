// The references no foreign key checks on the rows each paid call writes (migrations 024 and 025):
// the audit finds an entry whose journal row or account is missing, an open hold whose account is,
// and (full) any such hold and a receipt whose account is missing, or whose hold (where its row
// remains: a settlement deletes it) belongs to another account or is still open; a clean ledger
// with receipts reads clean.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTestStore, STORE_KINDS, type TestStore } from '../store/testing.js';
import { createLedger, type Ledger } from './index.js';
import { fundedAccount } from './testing.js';

describe.each(STORE_KINDS)('the audit checks paid calls\' references on %s', (kind) => {
  let store: TestStore;
  let ledger: Ledger;
  let acct: bigint;
  let holdId: bigint;
  let tokenHash: Buffer;
  beforeEach(async () => {
    store = await openTestStore(kind);
    ledger = await createLedger(store.db);
    const a = await fundedAccount(store.db, ledger, 100_000n);
    acct = a.id;
    tokenHash = a.tokenHash;
    for (let i = 0; i < 3; i++) {
      const r = await ledger.reserve({ tokenHash: a.tokenHash, amountMsat: 2_000n, purpose: 'test', expiresAt: 2e9 });
      if (!r.ok) throw new Error('reserve failed');
      holdId = r.holdId;
      await ledger.settle(r.holdId, 1_000n, { requestId: `req-${i}`, api: 'openai', endpoint: 'chat', model: null, usage: null, createdAt: 1_700_000_000 });
    }
  });
  afterEach(() => store.close());

  const full = () => ledger.audit({ mode: 'full' });
  const incremental = () => ledger.audit({ mode: 'incremental', fenceWaitMs: 5_000 });

  it('paid calls with their receipts audit clean, both ways', async () => {
    expect((await full()).problems).toEqual([]);
    expect((await incremental()).problems).toEqual([]);
    expect((await store.db.query(`SELECT 1 FROM paid_calls`)).rowCount).toBe(3);
  });

  it('an entry for an account that does not exist, or under a journal row that does not, is found by both audits', async () => {
    expect((await incremental()).ok).toBe(true);
    const { rows } = await store.db.query<{ id: bigint }>(`INSERT INTO journal (kind) VALUES ('forged') RETURNING id`);
    const j = rows[0]!.id;
    // balanced, so only the references are wrong
    await store.db.query(`INSERT INTO entries (journal_id, account_id, amount_msat) VALUES ($1, $2, 700), ($1, 999999, -700)`, [j, ledger.sys.revenue]);
    await store.db.query(`INSERT INTO entries (journal_id, account_id, amount_msat) VALUES ($1, $2, 5), ($1, $2, -5)`, [j + 1000n, ledger.sys.revenue]);
    for (const report of [await incremental(), await full()]) {
      expect(report.ok).toBe(false);
      expect(report.problems).toContain(`journal ${j} has an entry for account 999999, which does not exist`);
      expect(report.problems).toContain(`an entry names journal ${j + 1000n}, which does not exist`);
    }
  });

  it('an open hold of an account that does not exist is found by both audits, a settled one by the full audit', async () => {
    const { rows } = await store.db.query<{ id: bigint }>(
      `INSERT INTO holds (account_id, amount_msat, purpose, expires_at, state) VALUES (999998, 500, 'test', 2000000000, 'held'), (999999, 500, 'test', 2000000000, 'settled') RETURNING id`,
    );
    const [open, settled] = rows.map((r) => r.id);
    const incrementalProblems = (await incremental()).problems;
    expect(incrementalProblems).toContain(`hold ${open} names account 999998, which does not exist`);
    expect(incrementalProblems.some((p) => p.startsWith(`hold ${settled} `))).toBe(false);
    const fullProblems = (await full()).problems;
    expect(fullProblems).toContain(`hold ${open} names account 999998, which does not exist`);
    expect(fullProblems).toContain(`hold ${settled} names account 999999, which does not exist`);
  });

  it('a receipt of a missing account, naming a hold of another account or a hold still open, is found by the full audit', async () => {
    const open = await ledger.reserve({ tokenHash, amountMsat: 2_000n, purpose: 'test', expiresAt: 2e9 });
    if (!open.ok) throw new Error('reserve failed');
    // a settled hold's row is gone (its journal row and receipt keep it): its receipts audit clean
    expect((await store.db.query(`SELECT 1 FROM holds WHERE id = $1`, [holdId])).rowCount).toBe(0);
    await store.db.query(
      `INSERT INTO paid_calls (request_id, account_id, hold_id, api, endpoint, max_charge_msat, charged_msat, created_at) VALUES
       ('ghost', 999999, $3, 'openai', 'chat', 1, 1, 0), ('stolen', $2, $4, 'openai', 'chat', 1, 1, 0), ('early', $1, $4, 'openai', 'chat', 1, 1, 0)`,
      [acct, ledger.sys.revenue, holdId, open.holdId],
    );
    const report = await full();
    expect(report.problems).toHaveLength(3);
    expect(report.problems).toEqual(
      expect.arrayContaining([
        'the receipt of ghost names account 999999, which does not exist',
        `the receipt of stolen names account ${ledger.sys.revenue}, its hold ${open.holdId} account ${acct}`,
        `the receipt of early names hold ${open.holdId}, which is still open`,
      ]),
    );
  });
});
