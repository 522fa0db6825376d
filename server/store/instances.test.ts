import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLedger, type Ledger } from '../ledger/index.js';
import { fundedAccount as funded } from '../ledger/testing.js';
import { ServingInstances, STALE_SECONDS } from './instances.js';
import { openTestStore, type TestStore } from './testing.js';

describe('instances serving one PostgreSQL database', () => {
  let store: TestStore;
  let ledger: Ledger;
  let clock = 1_800_000_000;
  const now = () => clock;
  beforeAll(async () => {
    store = await openTestStore('postgres');
    ledger = await createLedger(store.db, { now });
  });
  afterAll(async () => {
    await store.close();
  });

  it('one alone knows it; a second makes neither alone; one that leaves or is not seen for a while is gone', async () => {
    const a = new ServingInstances(store.db, now);
    const b = new ServingInstances(store.db, now);
    expect(await a.register()).toBe(true);
    expect(a.alone()).toBe(true);
    expect(await b.register()).toBe(false);
    expect(await a.beat()).toBe(false);
    await b.leave();
    expect(await a.beat()).toBe(true);
    // an instance that crashed says nothing more: gone after STALE_SECONDS
    expect(await b.register()).toBe(false);
    clock += STALE_SECONDS - 1;
    expect(await a.beat()).toBe(false);
    clock += 2;
    expect(await a.beat()).toBe(true);
    await a.leave();
  });

  it('holds are reserved ahead only while no other instance was seen lately', async () => {
    const a = new ServingInstances(store.db, now);
    const b = new ServingInstances(store.db, now);
    await a.register();
    const acct = await funded(store.db, ledger, 10_000_000n);
    const ask = () =>
      ledger.reserveAhead({ tokenHash: acct.tokenHash, amountMsat: 30_000n, purpose: 'x', api: 'openai', now: clock, expiresAt: clock + 900, count: 8, onlyIfAlone: { instanceId: a.id, seenSince: a.seenSince() } });
    expect((await ask())?.holdIds).toHaveLength(8);
    await b.register();
    expect(await ask()).toBeNull();
    clock += STALE_SECONDS + 1;
    expect((await ask())?.holdIds).toHaveLength(8);
    await a.leave();
    expect((await ledger.audit()).problems).toEqual([]);
  });
});
