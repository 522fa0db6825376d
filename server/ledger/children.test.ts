// A child token's "spent today" is read in one snapshot: a call settling while it is read is
// counted once, as held or as settled, never as neither.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db, Queryable } from '../store/index.js';
import { openTestStore, type TestStore } from '../store/testing.js';
import { listChildren } from './children.js';
import { createLedger, hashToken, newToken, type Ledger } from './index.js';
import { fundedAccount } from './testing.js';

describe('a child token listed while its call settles', () => {
  let store: TestStore;
  let ledger: Ledger;
  beforeAll(async () => {
    store = await openTestStore('postgres');
    ledger = await createLedger(store.db);
  });
  afterAll(() => store.close());

  it('counts the call as held or as settled, whichever the listing’s one moment saw', async () => {
    const now = Math.floor(Date.now() / 1000);
    const parent = await fundedAccount(store.db, ledger, 400_000n);
    const childToken = hashToken(newToken());
    const childId = await ledger.createChild({ parentId: parent.id, tokenHash: childToken, amountMsat: 200_000n, expiresAt: null, maxMsatPerDay: null, apis: null });
    const held = await ledger.reserve({ tokenHash: childToken, amountMsat: 30_000n, purpose: 'POST /openai/v1/chat/completions', expiresAt: now + 600, now, api: 'openai' });
    if (!held.ok) throw new Error('not reserved');
    // the settlement commits on another connection right after the listing has read the day's settled calls
    let settled = false;
    const settleAfterCallsRead = (q: Queryable): Queryable => ({
      ...q,
      query: async (sql, params) => {
        const res = await q.query(sql, params);
        if (!settled && sql.includes('FROM paid_calls')) {
          settled = true;
          await ledger.settle(held.holdId, 30_000n, { requestId: 'req_listed', api: 'openai', endpoint: 'POST /v1/chat/completions', model: null, usage: null, createdAt: now });
        }
        return res as never;
      },
    });
    const db: Db = { ...store.db, ...settleAfterCallsRead(store.db), tx: (fn) => store.db.tx((q) => fn(settleAfterCallsRead(q))) };
    const [row] = await listChildren(db, parent.id, now, childId);
    expect(settled).toBe(true);
    expect(row!.spentTodayMsat).toBe(30_000n);
    // and read again afterwards: settled, still once
    expect((await ledger.listChildren(parent.id, childId))[0]!.spentTodayMsat).toBe(30_000n);
  });
});
