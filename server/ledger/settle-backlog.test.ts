// Settlements that fall behind (the store slower than the calls): past SETTLE_BACKLOG waiting,
// settleRoom() makes new paid calls wait (payments/gate.ts) until batches have taken enough; each
// settlement still commits once, and the audit is clean. A test transaction holds them back.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SETTLE_BACKLOG, type Ledger } from './index.js';
import { fundedAccount as funded, openSettlementBlocker, type SettlementBlocker } from './testing.js';

const PRICE = 1_000n;
// no sweep runs here: the holds' deadline and the calls' time are fixed, far from any clock
const EXPIRES_AT = 2e9;
const CALLED_AT = 1_700_000_000;

describe('settlements behind, on PostgreSQL', () => {
  let rig: SettlementBlocker;
  let ledger: Ledger;
  beforeAll(async () => {
    rig = await openSettlementBlocker();
    ledger = rig.ledger;
  });
  afterAll(() => rig.close());

  it('past the backlog new calls are told to wait, until the batches catch up; every settlement commits once', async () => {
    const count = SETTLE_BACKLOG + 80;
    const a = await funded(rig.store.db, ledger, PRICE * BigInt(count) * 2n);
    const holds = await Promise.all(Array.from({ length: count }, () => ledger.reserve({ tokenHash: a.tokenHash, amountMsat: PRICE, purpose: 'test', expiresAt: EXPIRES_AT })));
    expect(ledger.settleRoom()).toBeNull();
    await rig.holdBack();
    const settled = holds.map((h, i) => {
      if (!h.ok) throw new Error('reserve failed');
      return ledger.settle(h.holdId, PRICE, { requestId: `backlog-${i}`, api: 'openai', endpoint: '/v1/embeddings', model: null, usage: null, createdAt: CALLED_AT }, { payer: a.id, mayLinger: true });
    });
    await new Promise<void>((r) => setImmediate(r)); // the first batch is taken, and waits for the lock
    const room = ledger.settleRoom();
    expect(room).not.toBeNull();
    let roomy = false;
    void room!.then(() => void (roomy = true));
    await new Promise<void>((r) => setImmediate(r));
    expect(roomy).toBe(false);
    await rig.letGo();
    await room;
    expect(await Promise.all(settled)).toEqual(holds.map(() => true));
    expect(ledger.settleRoom()).toBeNull();
    expect(await ledger.balanceOf(a.id)).toBe(PRICE * BigInt(count));
    expect((await ledger.audit()).problems).toEqual([]);
  });
});
