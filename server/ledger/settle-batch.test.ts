// Group commit of settlements on PostgreSQL: concurrent settles share statements, and each caller
// still gets its own hold's exact result, balances, daily caps and receipts as if settled one by one;
// and, on both stores, a settlement's change kept on a change hold (reserving ahead).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../store/migrate.js';
import { openPostgres } from '../store/postgres.js';
import { createPostgresSchema, openTestStore, STORE_KINDS, type TestStore } from '../store/testing.js';
import type { Db } from '../store/index.js';
import { createLedger, getBalance, hashToken, newToken, spendDayOf, type Ledger } from './index.js';
import { countingQueryable, fundedAccount as funded } from './testing.js';
import { createSettleBatcher, type SettleBatcher } from './settle-batch.js';

const NOW = 1_800_000_000;

async function hold(ledger: Ledger, tokenHash: Buffer, msat: bigint, api = 'openai'): Promise<bigint> {
  const r = await ledger.reserve({ tokenHash, amountMsat: msat, purpose: 'test', expiresAt: 2e9, now: NOW, api });
  if (!r.ok) throw new Error(`reserve failed: ${r.reason}`);
  return r.holdId;
}

const spentToday = async (db: Db, id: bigint) => (await db.query<{ spent_today_msat: bigint }>(`SELECT spent_today_msat FROM accounts WHERE id = $1`, [id])).rows[0]!.spent_today_msat;
/** a call's record: its usage names its number (a flat call, "_flat", has none) */
const call = (requestId: string) => ({ requestId, api: 'openai', endpoint: 'POST /v1/chat/completions', model: 'm', usage: requestId.endsWith('_flat') ? null : { prompt_tokens: Number(requestId.replace(/\D/g, '')) }, createdAt: NOW });

describe('batched settlements on PostgreSQL', () => {
  let db: Db;
  let drop: () => Promise<void>;
  let ledger: Ledger;
  let counted: ReturnType<typeof countingQueryable>;
  let batcher: SettleBatcher;
  beforeAll(async () => {
    const schema = await createPostgresSchema();
    drop = schema.drop;
    db = openPostgres({ connectionString: schema.url });
    await migrate(db);
    ledger = await createLedger(db, { now: () => NOW, settleBatch: false });
    counted = countingQueryable(db);
    batcher = createSettleBatcher(counted, { max: 16 });
  });
  afterAll(async () => {
    await db.close();
    await drop();
  });
  const settle = (holdId: bigint, chargeMsat: bigint, requestId?: string) =>
    batcher.settle({ holdId, chargeMsat, to: ledger.sys.revenue, ...(requestId ? { call: call(requestId) } : {}) });

  it('many concurrent settles on one and on several accounts share statements; each gets its result and the balances are exact', async () => {
    const one = await funded(db, ledger, 1_000_000n);
    const many = await Promise.all(Array.from({ length: 5 }, () => funded(db, ledger, 100_000n)));
    // a capped child token (its daily cap gets back what a metered call did not spend) and a child
    // revoked while its holds are open (their change goes to the parent)
    const capped = hashToken(newToken());
    const cappedId = await ledger.createChild({ parentId: one.id, tokenHash: capped, amountMsat: 50_000n, expiresAt: null, maxMsatPerDay: 40_000n, apis: null });
    const revoked = hashToken(newToken());
    const revokedId = await ledger.createChild({ parentId: many[0]!.id, tokenHash: revoked, amountMsat: 30_000n, expiresAt: null, maxMsatPerDay: null, apis: null });

    const onOne = await Promise.all(Array.from({ length: 20 }, () => hold(ledger, one.tokenHash, 10_000n)));
    const onMany = await Promise.all(many.flatMap((a) => [hold(ledger, a.tokenHash, 8_000n), hold(ledger, a.tokenHash, 8_000n)]));
    const onCapped = await Promise.all([hold(ledger, capped, 10_000n), hold(ledger, capped, 10_000n), hold(ledger, capped, 10_000n)]);
    const onRevoked = await Promise.all([hold(ledger, revoked, 10_000n), hold(ledger, revoked, 10_000n)]);
    expect(await spentToday(db, cappedId)).toBe(30_000n);
    await ledger.revokeChild({ parentId: many[0]!.id, childId: revokedId }); // 10,000 left on the child goes to its parent
    const before = counted.statements;

    // metered: each hold charged less than it held, the change back to its account
    const all = [
      ...onOne.map((h, i) => settle(h, 1_000n * BigInt(i % 7), `req_one_${i}`)),
      ...onMany.map((h) => settle(h, 3_000n)),
      ...onCapped.map((h) => settle(h, 4_000n, `req_cap_${h}`)),
      ...onRevoked.map((h) => settle(h, 2_500n, `req_rev_${h}_flat`)),
    ];
    expect(await Promise.all(all)).toEqual(all.map(() => true));
    const statements = counted.statements - before;
    expect(statements).toBeLessThanOrEqual(Math.ceil(all.length / 16) + 1);
    expect(statements).toBeGreaterThan(1); // capped at 16 per statement

    const chargedOne = onOne.reduce((sum, _h, i) => sum + 1_000n * BigInt(i % 7), 0n);
    expect(await getBalance(db, one.id)).toBe(1_000_000n - 50_000n - chargedOne);
    for (const a of many.slice(1)) expect(await getBalance(db, a.id)).toBe(100_000n - 6_000n);
    expect(await getBalance(db, many[0]!.id)).toBe(100_000n - 30_000n - 6_000n + 10_000n + 2n * 7_500n);
    expect(await getBalance(db, revokedId)).toBe(0n);
    expect(await getBalance(db, cappedId)).toBe(50_000n - 12_000n);
    expect(await spentToday(db, cappedId)).toBe(12_000n); // 30,000 reserved, 18,000 given back to today's cap
    const receipts = await db.query<{ n: bigint }>(`SELECT count(*) AS n FROM paid_calls WHERE request_id LIKE 'req_one_%' OR request_id LIKE 'req_cap_%'`);
    expect(receipts.rows[0]!.n).toBe(23n);
    expect(await ledger.paidCall(one.id, 'req_one_6')).toMatchObject({ chargedMsat: 6_000n });
    // each receipt has its own call's usage, a flat call's none
    const usages = await db.query<{ request_id: string; usage: { prompt_tokens: number } | null }>(`SELECT request_id, usage FROM paid_calls WHERE request_id ~ '^req_(one|cap|rev)_'`);
    expect(usages.rows).toHaveLength(25);
    for (const r of usages.rows) expect(r.usage).toEqual(r.request_id.endsWith('_flat') ? null : { prompt_tokens: Number(r.request_id.replace(/\D/g, '')) });
    expect((await ledger.audit()).problems).toEqual([]);
  });

  it('a daily cap counts a batch’s change only on the day it is on', async () => {
    const parent = await funded(db, ledger, 100_000n);
    const capped = hashToken(newToken());
    const id = await ledger.createChild({ parentId: parent.id, tokenHash: capped, amountMsat: 60_000n, expiresAt: null, maxMsatPerDay: 25_000n, apis: null });
    const yesterday = await ledger.reserve({ tokenHash: capped, amountMsat: 20_000n, purpose: 'test', expiresAt: 2e9, now: NOW - 86_400, api: 'openai' });
    const today = await Promise.all([hold(ledger, capped, 10_000n), hold(ledger, capped, 10_000n)]);
    if (!yesterday.ok) throw new Error('reserve failed');
    expect(await spentToday(db, id)).toBe(20_000n);
    expect(await Promise.all([settle(yesterday.holdId, 0n), ...today.map((h) => settle(h, 1_000n))])).toEqual([true, true, true]);
    expect(await spentToday(db, id)).toBe(2_000n); // yesterday's hold gives nothing back to today
    const day = await db.query<{ spend_day: number }>(`SELECT spend_day FROM accounts WHERE id = $1`, [id]);
    expect(day.rows[0]!.spend_day).toBe(spendDayOf(NOW));
    expect(await getBalance(db, id)).toBe(60_000n - 2_000n);
    expect((await ledger.audit()).problems).toEqual([]);
  });

  it('one hold settled twice in one batch or across two: one wins; a charge above its hold is that caller’s false', async () => {
    const a = await funded(db, ledger, 100_000n);
    const [h1, h2, h3] = await Promise.all([hold(ledger, a.tokenHash, 10_000n), hold(ledger, a.tokenHash, 10_000n), hold(ledger, a.tokenHash, 10_000n)]);
    const together = await Promise.all([settle(h1!, 4_000n), settle(h1!, 5_000n), settle(h2!, 10_001n), settle(h3!, 10_000n)]);
    expect(together.filter((x, i) => i < 2 && x)).toHaveLength(1);
    expect(together.slice(2)).toEqual([false, true]);
    expect(await settle(h1!, 1_000n)).toBe(false); // a later batch
    expect(await settle(h2!, 10_000n)).toBe(true); // the refused one is still held
    const charged = together[0] ? 4_000n : 5_000n;
    expect(await getBalance(db, a.id)).toBe(100_000n - charged - 20_000n);
    const rows = await db.query<{ n: bigint }>(`SELECT count(*) AS n FROM journal WHERE kind = 'charge' AND ref = $1`, [h1!.toString()]);
    expect(rows.rows[0]!.n).toBe(1n);
    expect((await ledger.audit()).problems).toEqual([]);
  });

  it('settles racing releases of the same holds: each hold resolves once, the balance is exactly the settled charges', async () => {
    const a = await funded(db, ledger, 200_000n);
    const holds = await Promise.all(Array.from({ length: 24 }, () => hold(ledger, a.tokenHash, 5_000n)));
    const settled = holds.map((h) => settle(h, 2_000n));
    const released = holds.map((h, i) => (i % 2 ? ledger.release(h) : Promise.resolve(null)));
    const [s, r] = await Promise.all([Promise.all(settled), Promise.all(released)]);
    holds.forEach((_h, i) => expect(Number(s[i]) + Number(r[i] !== null)).toBe(1));
    const wins = s.filter(Boolean).length;
    expect(wins).toBeGreaterThanOrEqual(12);
    expect(await getBalance(db, a.id)).toBe(200_000n - BigInt(wins) * 2_000n);
    expect((await ledger.audit()).problems).toEqual([]);
  });

  it('the ledger on PostgreSQL (batching by default): each settle’s charge is committed when its promise resolves', async () => {
    const batched = await createLedger(db, { now: () => NOW });
    const a = await funded(db, batched, 100_000n);
    const holds = await Promise.all(Array.from({ length: 10 }, () => hold(batched, a.tokenHash, 5_000n)));
    const results = await Promise.all(
      holds.map(async (h, i) => {
        const ok = await batched.settle(h, BigInt(i) * 100n);
        // its own charge is committed when its promise resolves
        // the held row gone, its journal row written
        const held = await db.query(`SELECT 1 FROM holds WHERE id = $1`, [h]);
        const charged = await db.query(`SELECT 1 FROM journal WHERE kind = 'charge' AND ref = $1`, [h.toString()]);
        return ok && held.rowCount === 0 && charged.rowCount === 1;
      }),
    );
    expect(results).toEqual(holds.map(() => true));
    expect(await batched.balanceOf(a.id)).toBe(100_000n - 4_500n);
    expect((await batched.audit()).problems).toEqual([]);
  });
});

describe.each(STORE_KINDS)('change kept on a hold (reserving ahead), on %s', (kind) => {
  let store: TestStore;
  let db: Db;
  let ledger: Ledger;
  beforeAll(async () => {
    store = await openTestStore(kind);
    db = store.db;
    ledger = await createLedger(db, { now: () => NOW });
  });
  afterAll(() => store.close());
  const amountOf = async (holdId: bigint) => (await db.query<{ amount_msat: bigint; state: string }>(`SELECT amount_msat, state FROM holds WHERE id = $1`, [holdId])).rows[0]!;

  it('a settlement naming a held change hold of its account adds its change there; the balance gets it when that hold goes back', async () => {
    const a = await funded(db, ledger, 100_000n);
    const [change, h1, h2, h3] = await Promise.all([hold(ledger, a.tokenHash, 10_000n), hold(ledger, a.tokenHash, 10_000n), hold(ledger, a.tokenHash, 10_000n), hold(ledger, a.tokenHash, 10_000n)]);
    const settled = await Promise.all([h1!, h2!, h3!].map((h, i) => ledger.settle(h, 1_000n * BigInt(i + 1), call(`req_kept_${h}`), { payer: a.id, changeTo: change! })));
    expect(settled).toEqual(['kept', 'kept', 'kept']);
    // 9,000 + 8,000 + 7,000 of change on the change hold; the balance row untouched
    expect(await amountOf(change!)).toEqual({ amount_msat: 10_000n + 24_000n, state: 'held' });
    expect(await getBalance(db, a.id)).toBe(60_000n);
    expect(await ledger.paidCall(a.id, `req_kept_${h2}`)).toMatchObject({ chargedMsat: 2_000n });
    expect((await ledger.audit()).problems).toEqual([]);
    expect(await ledger.releaseUnused([change!])).toBe(100_000n - 6_000n);
    expect((await ledger.audit()).problems).toEqual([]);
  });

  it('a change hold no longer held, of another account, or the hold itself: the change goes to the balance', async () => {
    const a = await funded(db, ledger, 100_000n);
    const other = await funded(db, ledger, 100_000n);
    const [gone, h1, h2, h3] = await Promise.all([hold(ledger, a.tokenHash, 10_000n), hold(ledger, a.tokenHash, 10_000n), hold(ledger, a.tokenHash, 10_000n), hold(ledger, a.tokenHash, 10_000n)]);
    const theirs = await hold(ledger, other.tokenHash, 10_000n);
    expect(await ledger.releaseUnused([gone!])).toBe(70_000n);
    const settled = await Promise.all([
      ledger.settle(h1!, 4_000n, undefined, { payer: a.id, changeTo: gone! }),
      ledger.settle(h2!, 4_000n, undefined, { payer: a.id, changeTo: theirs }),
      ledger.settle(h3!, 4_000n, undefined, { payer: a.id, changeTo: h3! }),
    ]);
    expect(settled).toEqual([true, true, true]);
    expect(await getBalance(db, a.id)).toBe(100_000n - 12_000n);
    expect(await amountOf(theirs)).toEqual({ amount_msat: 10_000n, state: 'held' });
    expect(await getBalance(db, other.id)).toBe(90_000n);
    expect((await ledger.audit()).problems).toEqual([]);
  });

  it('settlements racing the change hold going back: every change reaches the balance once, whichever commits first', async () => {
    const a = await funded(db, ledger, 1_000_000n);
    const change = await hold(ledger, a.tokenHash, 10_000n);
    const holds = await Promise.all(Array.from({ length: 24 }, () => hold(ledger, a.tokenHash, 10_000n)));
    const settling = holds.map((h) => ledger.settle(h, 3_000n, undefined, { payer: a.id, changeTo: change }));
    const back = ledger.releaseUnused([change]);
    const results = await Promise.all(settling);
    expect(results.every((r) => r === true || r === 'kept')).toBe(true);
    expect(await back).not.toBeNull();
    expect(await getBalance(db, a.id)).toBe(1_000_000n - 24n * 3_000n);
    expect((await ledger.audit()).problems).toEqual([]);
  });

  it('a crash leaves the change hold held with its change; the sweep gives it all back', async () => {
    const a = await funded(db, ledger, 100_000n);
    const change = (await ledger.reserve({ tokenHash: a.tokenHash, amountMsat: 10_000n, purpose: 'test', expiresAt: NOW + 60, now: NOW, api: 'openai' }));
    if (!change.ok) throw new Error(change.reason);
    const h = await hold(ledger, a.tokenHash, 10_000n);
    expect(await ledger.settle(h, 2_500n, undefined, { payer: a.id, changeTo: change.holdId })).toBe('kept');
    expect(await getBalance(db, a.id)).toBe(80_000n);
    expect(await ledger.sweepExpiredHolds(NOW + 61)).toBeGreaterThanOrEqual(1);
    expect(await getBalance(db, a.id)).toBe(100_000n - 2_500n);
    expect((await ledger.audit()).problems).toEqual([]);
  });
});

describe.each(STORE_KINDS)('settlements lingering for company, on %s', (kind) => {
  let store: TestStore;
  let ledger: Ledger;
  beforeAll(async () => {
    store = await openTestStore(kind);
    // a linger far longer than any test: a read that waited for it would time out
    ledger = await createLedger(store.db, { now: () => NOW, settleBatch: { lingerMs: 60_000 } });
  });
  afterAll(() => store.close());

  it('a receipt or history read sends the settlements it waits for at once, together; so does shutting down', async () => {
    const a = await funded(store.db, ledger, 100_000n);
    const holds = await Promise.all([1, 2, 3].map(() => hold(ledger, a.tokenHash, 10_000n)));
    const settling = holds.map((h, i) => ledger.settle(h, 1_000n, call(`req_linger_${i}_flat`), { payer: a.id, mayLinger: true }));
    expect(await ledger.settledFor(a.id)).toBe(true);
    expect(await Promise.all(settling)).toEqual([true, true, true]);
    expect((await ledger.paidCall(a.id, 'req_linger_2_flat'))?.chargedMsat).toBe(1_000n);
    expect(await getBalance(store.db, a.id)).toBe(100_000n - 3_000n);
    const last = await hold(ledger, a.tokenHash, 10_000n);
    const lingering = ledger.settle(last, 2_000n, call('req_linger_9_flat'), { payer: a.id, mayLinger: true });
    await ledger.drain();
    expect(await lingering).toBe(true);
    expect((await ledger.audit()).problems).toEqual([]);
  });
});
