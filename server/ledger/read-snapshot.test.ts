// Figures read by several statements are read at one moment: money moving on another connection
// between those statements is either all in what they show or not at all.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db, Queryable } from '../store/index.js';
import { openTestStore, type TestStore } from '../store/testing.js';
import { listChildren } from './children.js';
import { createLedger, hashToken, newToken, postJournal, type Ledger } from './index.js';
import { fundedAccount } from './testing.js';

describe('reads at one moment', () => {
  let store: TestStore;
  let ledger: Ledger;
  const now = Math.floor(Date.now() / 1000);
  beforeAll(async () => {
    store = await openTestStore('postgres');
    ledger = await createLedger(store.db, { now: () => now }); // one day for every read, whatever the wall clock does
  });
  afterAll(() => store.close());

  /** store.db, with `meanwhile` run once on another connection right after the first statement that reads `table` once armed */
  const movingAfter = (table: string, meanwhile: () => Promise<unknown>, armed = true): Db & { moved: () => boolean; arm: () => void } => {
    let moved = !armed;
    const watch = (q: Queryable): Queryable => ({
      ...q,
      query: async (sql, params) => {
        const res = await q.query(sql, params);
        if (!moved && sql.includes(`FROM ${table}`)) {
          moved = true;
          await meanwhile();
        }
        return res as never;
      },
    });
    return { ...store.db, ...watch(store.db), tx: (fn) => store.db.tx((q) => fn(watch(q))), moved: () => moved, arm: () => void (moved = false) };
  };

  it('a child token’s spent today counts a call settling meanwhile once, as held or as settled', async () => {
    const parent = await fundedAccount(store.db, ledger, 400_000n);
    const childToken = hashToken(newToken());
    const childId = await ledger.createChild({ parentId: parent.id, tokenHash: childToken, amountMsat: 200_000n, expiresAt: null, maxMsatPerDay: null, apis: null });
    const held = await ledger.reserve({ tokenHash: childToken, amountMsat: 30_000n, purpose: 'POST /openai/v1/chat/completions', expiresAt: now + 600, now, api: 'openai' });
    if (!held.ok) throw new Error('not reserved');
    const db = movingAfter('paid_calls', () =>
      ledger.settle(held.holdId, 30_000n, { requestId: 'req_listed', api: 'openai', endpoint: 'POST /v1/chat/completions', model: null, usage: null, createdAt: now }),
    );
    const [row] = await listChildren(db, parent.id, now, childId);
    expect(db.moved()).toBe(true);
    expect(row!.spentTodayMsat).toBe(30_000n);
    // and read again afterwards: settled, still once
    expect((await ledger.listChildren(parent.id, childId))[0]!.spentTodayMsat).toBe(30_000n);
  });

  it('a usage page’s balances lead from the balance it starts with to the first deposit, though a refill lands meanwhile', async () => {
    const a = await fundedAccount(store.db, ledger, 100_000n);
    const call = await ledger.reserve({ tokenHash: a.tokenHash, amountMsat: 30_000n, purpose: 'POST /openai/v1/chat/completions', expiresAt: now + 600, now, api: 'openai' });
    if (!call.ok) throw new Error('not reserved');
    const refill = () => postJournal(store.db, { kind: 'deposit', lines: [{ accountId: ledger.sys.lightning, amountMsat: -50_000n }, { accountId: a.id, amountMsat: 50_000n }] });
    const moving = movingAfter('accounts', refill, false);
    const onMoving = await createLedger(moving, { now: () => now }); // its own reads of accounts before the page's
    moving.arm();
    const page = await onMoving.history({ accountId: a.id, limit: 10, cursor: null, from: null, to: null });
    expect(moving.moved()).toBe(true);
    const rows = page.rows.map((r) => ({ amount: r.amountMsat, after: r.balanceAfterMsat }));
    // the call in flight, then the deposit: each row's balance is the one below it plus its amount
    expect(rows).toEqual([
      { amount: -30_000n, after: 70_000n },
      { amount: 100_000n, after: 100_000n },
    ]);
    // the refill is on the next read
    expect((await ledger.history({ accountId: a.id, limit: 10, cursor: null, from: null, to: null })).rows.map((r) => r.balanceAfterMsat)).toEqual([120_000n, 150_000n, 100_000n]);
  });
});
