// The instance-wide event poller on real PostgreSQL: an event whose transaction commits after a
// later id was already handed out still reaches its listener, once; a listener hears only what
// concerns it. The test waits on the listener itself, never on a timer of its own.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestStore, type TestStore } from '../store/testing.js';
import { createLedger, createUserAccount, hashToken, newToken } from '../ledger/index.js';
import { createEventHub, type EventHub } from './event-hub.js';
import { insertEvent, type EventRow } from './events-store.js';

describe('the event hub on PostgreSQL', () => {
  let store: TestStore;
  let hub: EventHub;
  beforeAll(async () => {
    store = await openTestStore('postgres');
    await createLedger(store.db);
    // the hub's clock stands still: however slow the machine, the held event stays inside its look-back
    hub = createEventHub(store.db, { pollMs: 20, nowMs: () => 0 });
  });
  afterAll(async () => {
    hub.close();
    await store.close();
  });

  it('delivers an event committed out of id order, once, only to whom it concerns', async () => {
    const [me, other] = await Promise.all([1, 2].map(() => store.db.tx((q) => createUserAccount(q, hashToken(newToken())))));
    await hub.ready();
    const got: EventRow[] = [];
    const waiters: (() => void)[] = [];
    const unsubscribe = hub.subscribe({ accountId: me!.id, withPublic: false, send: (e) => (got.push(e), waiters.splice(0).forEach((w) => w())) });
    const until = (n: number) => new Promise<void>((resolve) => (got.length >= n ? resolve() : waiters.push(() => until(n).then(resolve))));

    // a transaction takes an id and holds its commit while a later one commits and is handed out
    let commitSlow!: () => void;
    const held = new Promise<void>((r) => (commitSlow = r));
    let slowInserted!: () => void;
    const inserted = new Promise<void>((r) => (slowInserted = r));
    const slow = store.db.tx(async (q) => {
      await insertEvent(q, { name: 'task.delivered', taskId: null, audience: [me!.id], data: { n: 'slow' }, now: 1 });
      slowInserted();
      await held;
    });
    // its id is taken before the later ones (a loaded machine may otherwise start it last)
    await inserted;
    await store.db.tx((q) => insertEvent(q, { name: 'quote.created', taskId: null, audience: [other!.id], data: { n: 'not mine' }, now: 1 }));
    await store.db.tx((q) => insertEvent(q, { name: 'task.completed', taskId: null, audience: [me!.id], data: { n: 'fast' }, now: 1 }));
    hub.nudge();
    await until(1);
    commitSlow();
    await slow;
    hub.nudge();
    await until(2);
    expect(got.map((e) => e.data.n)).toEqual(['fast', 'slow']);
    expect(got[1]!.id).toBeLessThan(got[0]!.id);
    // later polls never hand the same event out again
    await store.db.tx((q) => insertEvent(q, { name: 'task.refunded', taskId: null, audience: [me!.id], data: { n: 'last' }, now: 1 }));
    await until(3);
    expect(got.map((e) => e.data.n)).toEqual(['fast', 'slow', 'last']);
    unsubscribe();
  });
});
