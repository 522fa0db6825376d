import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Ledger } from '../ledger/index.js';
import { fundedAccount as funded, openSettlementBlocker, type SettlementBlocker } from '../ledger/testing.js';
import type { TestStore } from '../store/testing.js';
import { usageHistory } from './history.js';
import { callUsage } from './usage.js';

const PRICE = 30_000n;

// A flat-priced answer goes before its settlement commits. Here a test transaction holds the
// settlement back (SHARE lock on paid_calls: reads pass, the settlement's insert waits).
describe('a receipt or history read right after an answer, on PostgreSQL', () => {
  let rig: SettlementBlocker;
  let store: TestStore;
  let ledger: Ledger;
  beforeAll(async () => {
    rig = await openSettlementBlocker();
    ({ store, ledger } = rig);
  });
  afterAll(() => rig.close());

  /** A call whose settlement is sent while the test holds it back; resolves once it is blocked. */
  async function callSettling(requestId: string) {
    const a = await funded(store.db, ledger, 1_000_000n);
    const r = await ledger.reserve({ tokenHash: a.tokenHash, amountMsat: PRICE, purpose: '/v1/chat/completions', expiresAt: Math.floor(Date.now() / 1000) + 900 });
    if (!r.ok) throw new Error('reserve failed');
    await rig.holdBack();
    const call = { requestId, api: 'openai', endpoint: '/v1/chat/completions', model: 'gpt-4o-mini', usage: null, createdAt: Math.floor(Date.now() / 1000) };
    const settled = ledger.settle(r.holdId, PRICE, call, { payer: a.id });
    return { a, settled };
  }

  /** The ledger as a read sees it, telling when the read starts waiting for settlements. */
  function watched() {
    let entered!: () => void;
    const waiting = new Promise<void>((resolve) => (entered = resolve));
    const l: Ledger = { ...ledger, settledFor: (id) => (entered(), ledger.settledFor(id)) };
    return { l, waiting };
  }

  it('GET /api/v1/usage/{id} waits for the call’s settlement and returns its receipt, not a 404', async () => {
    const { a, settled } = await callSettling('req-receipt-1');
    const { l, waiting } = watched();
    const receipt = callUsage(l, { token: a.token, l402: null }, 'req-receipt-1');
    // whichever comes first: the read waits for the settlement, or it answered without it
    await Promise.race([waiting, receipt.catch(() => {})]);
    await rig.letGo();
    await expect(receipt).resolves.toMatchObject({ request_id: 'req-receipt-1', status: 'settled', charged_msat: Number(PRICE) });
    expect(await settled).toBe(true);
  });

  it('the first page of GET /api/v1/usage shows the call settled, with the balance after it', async () => {
    const { a, settled } = await callSettling('req-history-1');
    const { l, waiting } = watched();
    const page = usageHistory({ ledger: l, cursorKey: Buffer.alloc(32) }, a.token, { limit: 10, cursor: null, from: null, to: null });
    await Promise.race([waiting, page.catch(() => {})]);
    await rig.letGo();
    const rows = (await page).data;
    expect(rows[0]).toMatchObject({ kind: 'call', request_id: 'req-history-1', status: 'settled', charged_msat: Number(PRICE), balance_after_msat: Number(1_000_000n - PRICE) });
    expect(await settled).toBe(true);
    expect((await ledger.audit()).problems).toEqual([]);
  });
});
