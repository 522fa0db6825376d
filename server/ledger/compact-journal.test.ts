// The compact journal (017): a reservation writes no journal lines, a settlement one journal row
// whose entries take the charge to revenue, a release one row without lines; the audit counts open
// holds from `holds`, and the migration carries holds journalled the old way over exactly.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadMigrations, migrate } from '../store/migrate.js';
import { openPglite } from '../store/pglite.js';
import { openPostgres } from '../store/postgres.js';
import { createPostgresSchema, openTestStore, STORE_KINDS, type TestStore } from '../store/testing.js';
import type { Db } from '../store/index.js';
import { createLedger, getBalance, hashToken, newToken, type Ledger } from './index.js';
import { fundedAccount as funded } from './testing.js';

const count = async (db: Db, sql: string, params: unknown[] = []) => Number((await db.query<{ n: bigint }>(sql, params)).rows[0]!.n);
const journalRows = (db: Db) => count(db, `SELECT count(*) AS n FROM journal`);
const entryRows = (db: Db) => count(db, `SELECT count(*) AS n FROM entries`);

describe.each(STORE_KINDS)('the compact journal on %s', (kind) => {
  let store: TestStore;
  let ledger: Ledger;
  beforeAll(async () => {
    store = await openTestStore(kind);
    ledger = await createLedger(store.db);
  });
  afterAll(() => store.close());

  it('a paid call writes one journal row of two entries; a reservation none; a release one row without lines', async () => {
    const a = await funded(store.db, ledger, 100_000n);
    const [j0, e0] = [await journalRows(store.db), await entryRows(store.db)];
    const r = await ledger.reserve({ tokenHash: a.tokenHash, amountMsat: 30_000n, purpose: 'test', expiresAt: 2e9 });
    if (!r.ok) throw new Error('reserve failed');
    expect([await journalRows(store.db), await entryRows(store.db)]).toEqual([j0, e0]);
    expect((await ledger.audit()).problems).toEqual([]); // the open hold is counted from holds
    expect(await ledger.settle(r.holdId, 12_000n, { requestId: 'req_compact', api: 'openai', endpoint: 'POST /x', model: null, usage: null, createdAt: 1 })).toBe(true);
    expect([await journalRows(store.db), await entryRows(store.db)]).toEqual([j0 + 1, e0 + 2]);
    const lines = await store.db.query<{ account_id: bigint; amount_msat: bigint }>(
      `SELECT e.account_id, e.amount_msat FROM entries e JOIN journal j ON j.id = e.journal_id WHERE j.kind = 'charge' AND j.ref = $1 ORDER BY e.amount_msat`,
      [r.holdId.toString()],
    );
    expect(lines.rows).toEqual([{ account_id: a.id, amount_msat: -12_000n }, { account_id: ledger.sys.revenue, amount_msat: 12_000n }]);
    expect(await getBalance(store.db, a.id)).toBe(88_000n);

    const r2 = await ledger.reserve({ tokenHash: a.tokenHash, amountMsat: 30_000n, purpose: 'test', expiresAt: 2e9 });
    if (!r2.ok) throw new Error('reserve failed');
    expect(await ledger.release(r2.holdId)).toBe(88_000n);
    expect([await journalRows(store.db), await entryRows(store.db)]).toEqual([j0 + 2, e0 + 2]);
    const report = await ledger.audit();
    expect(report.problems).toEqual([]);
    expect(report.totals.heldMsat).toBe(0n);
  });

  it('the audit notices an open hold changed behind the balance’s back, and the metrics count it as held', async () => {
    const a = await funded(store.db, ledger, 10_000n);
    const r = await ledger.reserve({ tokenHash: a.tokenHash, amountMsat: 4_000n, purpose: 'test', expiresAt: 2e9 });
    if (!r.ok) throw new Error('reserve failed');
    const totals = await ledger.totals();
    const { totals: audited } = await ledger.audit();
    expect(totals).toMatchObject({ user_balances: audited.userBalancesMsat, holds: audited.heldMsat });
    expect(audited.heldMsat).toBeGreaterThanOrEqual(4_000n);
    await store.db.query(`UPDATE holds SET amount_msat = amount_msat + 1 WHERE id = $1`, [r.holdId]);
    expect((await ledger.audit()).problems.join('\n')).toMatch(new RegExp(`account ${a.id}: balance 6000 msat \\+ held 4001 msat, journal says 10000 msat`));
    await store.db.query(`UPDATE holds SET amount_msat = amount_msat - 1 WHERE id = $1`, [r.holdId]);
    expect(await ledger.settle(r.holdId, 4_000n)).toBe(true);
    expect((await ledger.audit()).problems).toEqual([]);
  });

  it('a revoked child token’s hold settles with its change to the parent, and the audit stays clean', async () => {
    const parent = await funded(store.db, ledger, 50_000n);
    const childHash = hashToken(newToken());
    const childId = await ledger.createChild({ parentId: parent.id, tokenHash: childHash, amountMsat: 20_000n, expiresAt: null, maxMsatPerDay: null, apis: null });
    const settled = await ledger.reserve({ tokenHash: childHash, amountMsat: 8_000n, purpose: 'test', expiresAt: 2e9 });
    const released = await ledger.reserve({ tokenHash: childHash, amountMsat: 5_000n, purpose: 'test', expiresAt: 2e9 });
    if (!settled.ok || !released.ok) throw new Error('reserve failed');
    await ledger.revokeChild({ parentId: parent.id, childId });
    expect(await getBalance(store.db, parent.id)).toBe(37_000n); // 30,000 + the 7,000 left on the child
    expect(await ledger.settle(settled.holdId, 3_000n)).toBe(true);
    expect(await ledger.release(released.holdId)).not.toBeNull();
    expect(await getBalance(store.db, parent.id)).toBe(47_000n);
    expect(await getBalance(store.db, childId)).toBe(0n);
    expect((await ledger.audit()).problems).toEqual([]);
  });
});

describe('settlements that skip the WAL flush (ABL_PG_ASYNC_SETTLE) on PostgreSQL', () => {
  let db: Db;
  let drop: () => Promise<void>;
  beforeAll(async () => {
    const schema = await createPostgresSchema();
    drop = schema.drop;
    db = openPostgres({ connectionString: schema.url, asyncSettlements: true });
    await migrate(db);
  });
  afterAll(async () => {
    await db.close();
    await drop();
  });

  it('a balance read right after a settlement shows its charge, concurrent calls never overdraw, the audit is clean', async () => {
    const ledger = await createLedger(db);
    const a = await funded(db, ledger, 100_000n);
    const r = await ledger.reserve({ tokenHash: a.tokenHash, amountMsat: 30_000n, purpose: 'test', expiresAt: 2e9 });
    if (!r.ok) throw new Error('reserve failed');
    expect(await ledger.settle(r.holdId, 10_000n)).toBe(true);
    expect(await ledger.balanceOf(a.id)).toBe(90_000n); // read on another connection: visible at once
    const results = await Promise.all(Array.from({ length: 30 }, () => ledger.reserve({ tokenHash: a.tokenHash, amountMsat: 7_000n, purpose: 'race', expiresAt: 2e9 })));
    const won = results.flatMap((x) => (x.ok ? [x] : []));
    expect(won).toHaveLength(12); // floor(90000 / 7000)
    await Promise.all(won.map((x, i) => (i % 2 ? ledger.settle(x.holdId, 7_000n) : ledger.release(x.holdId))));
    expect(await ledger.balanceOf(a.id)).toBe(90_000n - 6n * 7_000n);
    expect((await ledger.audit()).problems).toEqual([]);
  });
});

// The reservation and settlement statements as they were before 017, to build history the old way.
async function oldReserve(db: Db, sys: Ledger['sys'], accountId: bigint, msat: bigint): Promise<bigint> {
  return db.tx(async (q) => {
    await q.query(`UPDATE accounts SET balance_msat = balance_msat - $2 WHERE id = $1`, [accountId, msat]);
    const h = await q.query<{ id: bigint }>(`INSERT INTO holds (account_id, amount_msat, purpose, expires_at) VALUES ($1, $2, 'POST /x', 2000000000) RETURNING id`, [accountId, msat]);
    const id = h.rows[0]!.id;
    const j = await q.query<{ id: bigint }>(`INSERT INTO journal (kind, ref) VALUES ('reserve', $1) RETURNING id`, [id.toString()]);
    await q.query(`INSERT INTO entries (journal_id, account_id, amount_msat) VALUES ($1, $2, $3), ($1, $4, $5)`, [j.rows[0]!.id, accountId, -msat, sys.holds, msat]);
    return id;
  });
}

async function oldSettle(db: Db, sys: Ledger['sys'], holdId: bigint, accountId: bigint, held: bigint, charge: bigint): Promise<void> {
  await db.tx(async (q) => {
    await q.query(`UPDATE holds SET state = 'settled', resolved_at = now() WHERE id = $1`, [holdId]);
    await q.query(`UPDATE accounts SET balance_msat = balance_msat + $2 WHERE id = $1`, [accountId, held - charge]);
    const j = await q.query<{ id: bigint }>(`INSERT INTO journal (kind, ref) VALUES ('settle', $1) RETURNING id`, [holdId.toString()]);
    await q.query(`INSERT INTO entries (journal_id, account_id, amount_msat) VALUES ($1, $2, $3), ($1, $4, $5), ($1, $6, $7)`, [
      j.rows[0]!.id, sys.holds, -held, sys.revenue, charge, accountId, held - charge,
    ]);
  });
}

describe.each(STORE_KINDS)('migration 017 on %s', (kind) => {
  let db: Db;
  let drop: () => Promise<void> = async () => {};
  beforeAll(async () => {
    if (kind === 'pglite') db = await openPglite(null);
    else {
      const schema = await createPostgresSchema();
      db = openPostgres({ connectionString: schema.url });
      drop = schema.drop;
    }
  });
  afterAll(async () => {
    await db.close();
    await drop();
  });

  it('carries holds journalled the old way over exactly: audit clean, balances and history unchanged, the open hold settles once', async () => {
    const all = loadMigrations();
    await migrate(db, all.filter((m) => m.version < 17));
    const before = await createLedger(db);
    const a = await funded(db, before, 100_000n);
    const done = await oldReserve(db, before.sys, a.id, 30_000n);
    await oldSettle(db, before.sys, done, a.id, 30_000n, 10_000n);
    const open = await oldReserve(db, before.sys, a.id, 30_000n);
    expect(await getBalance(db, a.id)).toBe(60_000n);

    expect(await migrate(db, all)).toContain('017_compact_journal.sql');
    const ledger = await createLedger(db);
    const report = await ledger.audit();
    expect(report.problems).toEqual([]);
    expect(report.totals).toMatchObject({ heldMsat: 30_000n, userBalancesMsat: 60_000n, revenueMsat: 10_000n });
    expect(await ledger.totals()).toMatchObject({ holds: 30_000n, user_balances: 60_000n, revenue: 10_000n });
    const page = await ledger.history({ accountId: a.id, limit: 10, cursor: null, from: null, to: null });
    expect(page.rows.map((r) => [r.kind, r.call?.status ?? null, r.amountMsat, r.balanceAfterMsat])).toEqual([
      ['call', 'pending', -30_000n, 60_000n],
      ['call', 'settled', -10_000n, 90_000n],
      ['topup', null, 100_000n, 100_000n],
    ]);

    expect(await ledger.settle(open, 30_000n)).toBe(true);
    expect(await ledger.settle(open, 30_000n)).toBe(false);
    expect(await getBalance(db, a.id)).toBe(60_000n);
    const after = await ledger.audit();
    expect(after.problems).toEqual([]);
    expect(after.totals).toMatchObject({ heldMsat: 0n, revenueMsat: 40_000n });
  });
});
