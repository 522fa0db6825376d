import { describe, expect, it } from 'vitest';
import { createBalanceStore } from './balanceStore';

describe('the balance store', () => {
  it('keeps the latest balance told of each token and tells its listeners when one changes', () => {
    const store = createBalanceStore();
    let heard = 0;
    const stop = store.subscribe(() => heard++);
    expect(store.get('abl_a')).toBeUndefined();
    store.tell('abl_a', 18_080, store.ticket());
    store.tell('abl_b', 5, store.ticket());
    store.tell('abl_a', 17_899, store.ticket());
    expect([store.get('abl_a'), store.get('abl_b'), heard]).toEqual([17_899, 5, 3]);
    store.tell('abl_a', 17_899, store.ticket()); // the same figure again: nothing to redraw
    expect(heard).toBe(3);
    stop();
    store.tell('abl_a', 17_394, store.ticket());
    expect([store.get('abl_a'), heard]).toEqual([17_394, 3]);
  });

  it('lets no answer to an older request overwrite what a newer one told', () => {
    const store = createBalanceStore();
    const poll = store.ticket(); // a balance read leaves…
    const call = store.ticket(); // …then a paid call, which answers first
    store.tell('abl_a', 17_899, call);
    store.tell('abl_a', 18_080, poll);
    expect(store.get('abl_a')).toBe(17_899);
  });

  it('keeps the msat an answer named, and forgets it when a newer answer named whole sats only', () => {
    const store = createBalanceStore();
    let heard = 0;
    store.subscribe(() => heard++);
    store.tell('abl_a', 99, store.ticket(), 99_743); // GET /balance
    expect([store.get('abl_a'), store.getMsat('abl_a')]).toEqual([99, 99_743]);
    store.tell('abl_a', 99, store.ticket()); // a paid call's X-Balance-Sats: the msat it left is not known
    expect([store.get('abl_a'), store.getMsat('abl_a'), heard]).toEqual([99, undefined, 2]);
  });
});
