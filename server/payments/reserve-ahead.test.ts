// Reserving ahead, on PGlite and PostgreSQL: one statement takes a token's next calls' holds,
// calls are served from them with no statement of their own, unused holds go back when idle, on
// shutdown or at their deadline after a crash, and no balance is ever spent twice — across two
// instances too. The audit is clean after each.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLedger, findAccountByTokenHash, getBalance, hashToken, newToken, type Ledger, type Settled } from '../ledger/index.js';
import { SettlementsInFlight } from '../ledger/settlements-in-flight.js';
import { fundedAccount as funded } from '../ledger/testing.js';
import type { Db } from '../store/index.js';
import { openTestStore, STORE_KINDS, type TestStore } from '../store/testing.js';
import { ReserveAhead, type AheadHold, type HoldTerms, type ReserveAheadOptions } from './reserve-ahead.js';
import { shownAfterAlone } from './shown-after-alone.js';

const NOW = 1_800_000_000;
const PRICE = 30_000n;
const TERMS: HoldTerms = { amountMsat: PRICE, purpose: 'POST /api/v1/openai/v1/chat/completions', api: 'openai' };

/** A clock both in seconds and milliseconds, moved by the test. */
function testClock() {
  let ms = NOW * 1000;
  return { now: () => Math.floor(ms / 1000), nowMs: () => ms, advance: (byMs: number) => void (ms += byMs) };
}

/** The ledger, with the statements that take holds ahead and give them back counted; `inFlight`: settlements the test holds back. */
function counted(ledger: Ledger, inFlight?: SettlementsInFlight) {
  const c = {
    fills: 0,
    returns: 0,
    reserveAhead: (p: Parameters<Ledger['reserveAhead']>[0]) => {
      c.fills++;
      return ledger.reserveAhead(p);
    },
    releaseUnused: (ids: readonly bigint[]) => {
      c.returns++;
      return ledger.releaseUnused(ids);
    },
    release: (holdId: bigint) => ledger.release(holdId),
    settledFor: (accountId: bigint) => (inFlight ? inFlight.settledFor(accountId) : ledger.settledFor(accountId)),
  };
  return c;
}

const heldBy = async (db: Db, accountId: bigint) =>
  (await db.query<{ n: number; s: bigint }>(`SELECT count(*)::integer AS n, coalesce(sum(amount_msat), 0)::bigint AS s FROM holds WHERE account_id = $1 AND state = 'held'`, [accountId])).rows[0]!;

describe.each(STORE_KINDS)('reserving ahead on %s', (kind) => {
  let store: TestStore;
  let db: Db;
  let ledger: Ledger;
  const clock = testClock();
  const open: ReserveAhead[] = [];
  const ahead = (l: ReserveAheadOptions['ledger'], count = 8, idleMs = 2000) => {
    const r = new ReserveAhead({ ledger: l, count, idleMs, holdSeconds: 900, now: clock.now, nowMs: clock.nowMs });
    open.push(r);
    return r;
  };
  beforeAll(async () => {
    store = await openTestStore(kind);
    db = store.db;
    ledger = await createLedger(db, { now: clock.now });
  });
  afterAll(async () => {
    for (const r of open) await r.close();
    await store.close();
  });

  it('takes eight calls’ holds in one statement and serves the next seven from memory; the balance it shows is the true one', async () => {
    const a = await funded(db, ledger, 10_000_000n);
    const l = counted(ledger);
    const pool = ahead(l);
    const first = await pool.take(a.tokenHash, TERMS);
    expect(first).not.toBeNull();
    expect(l.fills).toBe(1);
    expect(await heldBy(db, a.id)).toEqual({ n: 8, s: PRICE * 8n });
    // the database counts all eight held; what this instance shows counts only the one handed out
    expect(await getBalance(db, a.id)).toBe(10_000_000n - 8n * PRICE);
    expect(first!.balanceMsat).toBe(10_000_000n - PRICE);
    expect(pool.heldHereMsat(a.id)).toBe(7n * PRICE);

    const holds = new Set([first!.holdId]);
    for (let i = 2; i <= 8; i++) {
      const h = await pool.take(a.tokenHash, TERMS);
      holds.add(h!.holdId);
      expect(h!.balanceMsat).toBe(10_000_000n - BigInt(i) * PRICE);
      await ledger.settle(h!.holdId, PRICE);
    }
    expect(holds.size).toBe(8);
    expect(l.fills).toBe(1);
    // the ninth call takes the next eight
    await pool.take(a.tokenHash, TERMS);
    expect(l.fills).toBe(2);
    expect((await ledger.audit()).problems).toEqual([]);
  });

  it('a small balance is reserved a quarter at a time, down to one call, and never below zero', async () => {
    const a = await funded(db, ledger, 5n * PRICE);
    const pool = ahead(counted(ledger));
    const first = await pool.take(a.tokenHash, TERMS);
    // a quarter of 5 calls' worth rounds down to one: only the call itself is held
    expect(pool.heldHereMsat(a.id)).toBe(0n);
    expect(first!.balanceMsat).toBe(4n * PRICE);
    const taken = [first!];
    for (let i = 0; i < 6; i++) {
      const h = await pool.take(a.tokenHash, TERMS);
      if (h) taken.push(h);
      else {
        // too poor to take ahead: the single reservation (the gate's next step) refuses it with the reason
        const r = await ledger.reserve({ tokenHash: a.tokenHash, amountMsat: PRICE, purpose: 'x', expiresAt: NOW + 900, now: clock.now(), api: 'openai' });
        expect(r).toEqual({ ok: false, reason: 'insufficient', balanceMsat: 0n });
      }
    }
    expect(taken).toHaveLength(5);
    expect(await getBalance(db, a.id)).toBe(0n);
    for (const h of taken) await ledger.settle(h.holdId, PRICE);
    expect((await ledger.audit()).problems).toEqual([]);
  });

  it('a call not made releases its hold, shown as such; idle holds go back to the balance, left out of the history', async () => {
    const a = await funded(db, ledger, 10_000_000n);
    const l = counted(ledger);
    const pool = ahead(l);
    const h = await pool.take(a.tokenHash, TERMS);
    expect(await h!.release()).toBe(true);
    expect(await h!.release()).toBe(false);
    expect(pool.heldHereMsat(a.id)).toBe(7n * PRICE);
    expect(await getBalance(db, a.id)).toBe(10_000_000n - 7n * PRICE);
    const next = await pool.take(a.tokenHash, TERMS);
    expect(next!.holdId).not.toBe(h!.holdId);
    // what this instance shows counts the released hold back too
    expect(next!.balanceMsat).toBe(10_000_000n - PRICE);
    await ledger.settle(next!.holdId, PRICE);

    clock.advance(1999);
    pool.returnIdle();
    expect(l.returns).toBe(0);
    clock.advance(1);
    pool.returnIdle();
    await pool.close();
    expect(l.returns).toBe(1);
    expect(pool.heldHereMsat(a.id)).toBe(0n);
    expect(await getBalance(db, a.id)).toBe(10_000_000n - PRICE);
    expect((await heldBy(db, a.id)).n).toBe(0);
    const page = await ledger.history({ accountId: a.id, limit: 50, cursor: null, from: null, to: null });
    expect(page.rows.filter((r) => r.kind === 'call').map((r) => r.call!.status)).toEqual(['settled', 'released']);
    expect((await ledger.audit()).problems).toEqual([]);
  });

  it('a settlement’s change counts in the balance this instance shows at once, and in the database once committed', async () => {
    const a = await funded(db, ledger, 10_000_000n);
    const inFlight = new SettlementsInFlight();
    const pool = ahead(counted(ledger, inFlight));
    const h = (await pool.take(a.tokenHash, TERMS))!;
    let commit!: () => void;
    const committed = new Promise<void>((resolve) => (commit = resolve));
    const settlement = committed.then(() => ledger.settle(h.holdId, 10_000n));
    inFlight.track(a.id, settlement);
    h.settling(10_000n, settlement);
    // charged 10 sats of 30: the other 20 are the user's again before the database says so
    expect(pool.heldHereMsat(a.id)).toBe(7n * PRICE + 20_000n);
    expect(await getBalance(db, a.id)).toBe(10_000_000n - 8n * PRICE);
    // a receipt asked for now waits for the commit
    let receiptReady = false;
    const waited = inFlight.settledFor(a.id).then(() => (receiptReady = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(receiptReady).toBe(false);
    const given = pool.giveBackFor(a.id); // waits for the settlement too
    commit();
    await waited;
    // settled: the held row gone, its charge journalled
    expect((await db.query(`SELECT 1 FROM holds WHERE id = $1`, [h.holdId])).rowCount).toBe(0);
    expect((await db.query(`SELECT 1 FROM journal WHERE kind = 'charge' AND ref = $1`, [h.holdId.toString()])).rowCount).toBe(1);
    expect(await given).toBe(true);
    expect(pool.heldHereMsat(a.id)).toBe(0n);
    expect(await getBalance(db, a.id)).toBe(10_000_000n - 10_000n);
    const next = (await pool.take(a.tokenHash, TERMS))!;
    expect(next.balanceMsat).toBe(10_000_000n - 10_000n - PRICE);
    await ledger.settle(next.holdId, PRICE);
    expect((await ledger.audit()).problems).toEqual([]);
  });

  it('the balance it shows is whole at every step: while unused holds go back, and for a call settled after its pool went back', async () => {
    const a = await funded(db, ledger, 10_000_000n);
    let giveBack!: () => void;
    const held = new Promise<void>((resolve) => (giveBack = resolve));
    const l = { ...counted(ledger), releaseUnused: (ids: readonly bigint[]) => held.then(() => ledger.releaseUnused(ids)) };
    const pool = ahead(l);
    const shown = async () => (await getBalance(db, a.id)) + pool.heldHereMsat(a.id);
    const h = (await pool.take(a.tokenHash, TERMS))!;
    expect(await shown()).toBe(10_000_000n - PRICE);
    // the pool goes idle: its seven holds are on their way back, still the user's in what is shown
    clock.advance(2000);
    pool.returnIdle();
    expect(await shown()).toBe(10_000_000n - PRICE);
    giveBack();
    await pool.giveBackFor(a.id);
    expect((await heldBy(db, a.id)).n).toBe(1);
    expect(await shown()).toBe(10_000_000n - PRICE);
    // the call handed out before settles now, charged 10 sats of 30: its change shows at once
    let commit!: () => void;
    const settlement = new Promise<void>((resolve) => (commit = resolve)).then(() => ledger.settle(h.holdId, 10_000n));
    h.settling(10_000n, settlement);
    expect(await shown()).toBe(10_000_000n - 10_000n);
    commit();
    await settlement;
    expect(await shown()).toBe(10_000_000n - 10_000n);
    expect(pool.heldHereMsat(a.id)).toBe(0n);
    expect((await ledger.audit()).problems).toEqual([]);
  });

  it('a balance read is of one moment: a settlement or a give-back that commits while the database answers it is waited for and read again', async () => {
    const a = await funded(db, ledger, 10_000_000n);
    const inFlight = new SettlementsInFlight();
    const pool = ahead(counted(ledger, inFlight));
    let reads = 0;
    /** the database's answer, and `meanwhile` done after its snapshot, before the answer is seen */
    const readWith = (meanwhile: () => Promise<void>) => async () => {
      const snapshot = await findAccountByTokenHash(db, a.tokenHash, clock.now());
      if (++reads === 1) await meanwhile();
      return snapshot;
    };
    // a settlement committed after the snapshot, its change counted before the answer: would show 20 sats short
    const h1 = (await pool.take(a.tokenHash, TERMS))!;
    let commit!: () => void;
    const settlement = new Promise<void>((resolve) => (commit = resolve)).then(() => ledger.settle(h1.holdId, 10_000n));
    inFlight.track(a.id, settlement);
    h1.settling(10_000n, settlement);
    const first = await pool.readShown(a.tokenHash, readWith(async () => {
      commit();
      await settlement;
    }));
    expect(first!.shownMsat).toBe(10_000_000n - 10_000n);
    expect(reads).toBe(2);
    // a settlement committed before the snapshot, its change counted after the answer was seen: would show 20 sats too many
    const h2 = (await pool.take(a.tokenHash, TERMS))!;
    let countChange!: () => void;
    const changeCounted = new Promise<Settled>((resolve) => (countChange = () => resolve(true)));
    inFlight.track(a.id, changeCounted);
    h2.settling(10_000n, changeCounted);
    reads = 0;
    const second = await pool.readShown(a.tokenHash, async () => {
      if (reads === 0) await ledger.settle(h2.holdId, 10_000n);
      const snapshot = await findAccountByTokenHash(db, a.tokenHash, clock.now());
      if (++reads === 1) setImmediate(countChange);
      return snapshot;
    });
    expect(second!.shownMsat).toBe(10_000_000n - 20_000n);
    expect(reads).toBe(2);
    // a call's hold reserved alone beside the pool, its statement after a settlement committed whose change is counted after: would show 20 sats too many
    const h3 = (await pool.take(a.tokenHash, TERMS))!;
    let countChange3!: () => void;
    const changeCounted3 = new Promise<Settled>((resolve) => (countChange3 = () => resolve(true)));
    inFlight.track(a.id, changeCounted3);
    h3.settling(10_000n, changeCounted3);
    await ledger.settle(h3.holdId, 10_000n);
    const alone = await ledger.reserve({ tokenHash: a.tokenHash, amountMsat: PRICE, purpose: 'POST /alone', expiresAt: NOW + 900 });
    if (!alone.ok) throw new Error('reserved');
    setImmediate(countChange3);
    expect(await shownAfterAlone(pool, { tokenHash: a.tokenHash, accountId: a.id, statementMsat: alone.balanceMsat, readBalance: () => getBalance(db, a.id) })).toBe(10_000_000n - 30_000n - PRICE);
    await ledger.release(alone.holdId);
    // the idle pool goes back after the snapshot: would show its six holds short
    reads = 0;
    const third = await pool.readShown(a.tokenHash, readWith(async () => {
      clock.advance(2000);
      pool.returnIdle();
      await pool.giveBackFor(a.id);
    }));
    expect(third!.shownMsat).toBe(10_000_000n - 30_000n);
    expect(reads).toBe(2);
    expect(pool.heldHereMsat(a.id)).toBe(0n);
    expect(await getBalance(db, a.id)).toBe(10_000_000n - 30_000n);
    // nothing of the token's here: one read
    reads = 0;
    expect((await pool.readShown(a.tokenHash, readWith(async () => {})))!.shownMsat).toBe(10_000_000n - 30_000n);
    expect(reads).toBe(1);
    expect(await pool.readShown(hashToken(newToken()), async () => null)).toBeNull();
    expect((await ledger.audit()).problems).toEqual([]);
  });

  it('a metered pool keeps one hold back for its calls’ change: no balance row written per settlement, the balance shown whole at every step', async () => {
    const a = await funded(db, ledger, 10_000_000n);
    let giveBack!: () => void;
    const held = new Promise<void>((resolve) => (giveBack = resolve));
    const pool = ahead({ ...counted(ledger), releaseUnused: (ids: readonly bigint[]) => held.then(() => ledger.releaseUnused(ids)) });
    const METERED: HoldTerms = { ...TERMS, keepChange: true };
    const shown = async () => (await getBalance(db, a.id)) + pool.heldHereMsat(a.id);
    const settle = (h: AheadHold, charge: bigint) => {
      const done = ledger.settle(h.holdId, charge, undefined, { payer: a.id, ...(h.changeTo ? { changeTo: h.changeTo } : {}) });
      h.settling(charge, done);
      return done;
    };
    const [h1, h2, h3] = [(await pool.take(a.tokenHash, METERED))!, (await pool.take(a.tokenHash, METERED))!, (await pool.take(a.tokenHash, METERED))!];
    expect(h1.changeTo).not.toBeNull();
    expect([h1.holdId, h2.holdId, h3.holdId]).not.toContain(h1.changeTo);
    expect(pool.unusedHolds()).toBe(4 + 1); // eight taken, three handed out, one kept for the change
    expect(await settle(h1, 10_000n)).toBe('kept');
    expect(await settle(h2, 5_000n)).toBe('kept');
    // the balance row has not moved since the eight holds were taken; the change sits on the change hold
    expect(await getBalance(db, a.id)).toBe(10_000_000n - 8n * PRICE);
    expect((await db.query<{ amount_msat: bigint }>(`SELECT amount_msat FROM holds WHERE id = $1`, [h1.changeTo])).rows[0]!.amount_msat).toBe(PRICE + 20_000n + 25_000n);
    expect(await shown()).toBe(10_000_000n - 15_000n - PRICE);
    // the pool goes idle with h3 still running; h3's change is kept while the change hold is on its way back
    clock.advance(2000);
    pool.returnIdle();
    expect(await shown()).toBe(10_000_000n - 15_000n - PRICE);
    expect(await settle(h3, 1_000n)).toBe('kept');
    expect(await shown()).toBe(10_000_000n - 16_000n);
    giveBack();
    await pool.giveBackFor(a.id);
    expect(await getBalance(db, a.id)).toBe(10_000_000n - 16_000n);
    expect(pool.heldHereMsat(a.id)).toBe(0n);
    // a call of a pool already back: its change goes to the balance
    const h4 = (await pool.take(a.tokenHash, METERED))!;
    await pool.giveBackFor(a.id);
    expect(await settle(h4, 2_000n)).toBe(true);
    expect(await shown()).toBe(10_000_000n - 18_000n);
    expect(pool.heldHereMsat(a.id)).toBe(0n);
    expect((await heldBy(db, a.id)).n).toBe(0);
    expect((await ledger.audit()).problems).toEqual([]);
  });

  it('a metered pool used up while its calls run keeps its change hold until they have settled, then gives it back', async () => {
    const a = await funded(db, ledger, 10_000_000n);
    const pool = ahead(counted(ledger), 2); // one hold to hand out, one kept for the change
    const METERED: HoldTerms = { ...TERMS, keepChange: true };
    const h1 = (await pool.take(a.tokenHash, METERED))!;
    const change = h1.changeTo!;
    const h2 = (await pool.take(a.tokenHash, METERED))!; // the first pool is used up: a second one is taken
    expect(h2.changeTo).not.toBe(change);
    const settled = ledger.settle(h1.holdId, 10_000n, undefined, { payer: a.id, changeTo: h1.changeTo! });
    h1.settling(10_000n, settled);
    expect(await settled).toBe('kept');
    await pool.giveBackFor(a.id);
    expect((await db.query<{ state: string }>(`SELECT state FROM holds WHERE id = $1`, [change])).rows[0]!.state).toBe('released');
    await ledger.settle(h2.holdId, PRICE);
    expect(await getBalance(db, a.id)).toBe(10_000_000n - 10_000n - PRICE);
    expect(pool.heldHereMsat(a.id)).toBe(0n);
    expect((await heldBy(db, a.id)).n).toBe(0);
    expect((await ledger.audit()).problems).toEqual([]);
  });

  it('a change hold still waiting for a long call at half its lifetime goes back; that call’s change then goes to the balance', async () => {
    const a = await funded(db, ledger, 10_000_000n);
    const pool = ahead(counted(ledger), 2);
    const h = (await pool.take(a.tokenHash, { ...TERMS, keepChange: true }))!;
    const change = h.changeTo!;
    clock.advance(2000);
    pool.returnIdle(); // idle, but h still runs: its change hold waits
    const state = async () => (await db.query<{ state: string }>(`SELECT state FROM holds WHERE id = $1`, [change])).rows[0]!.state;
    expect(await state()).toBe('held');
    clock.advance(449_000 - 2000); // holdSeconds 900: not yet half
    pool.returnIdle();
    expect(await state()).toBe('held');
    clock.advance(1000);
    pool.returnIdle();
    expect(h.changeTo).toBeNull();
    await expect.poll(state).toBe('released');
    const settled = ledger.settle(h.holdId, 10_000n, undefined, { payer: a.id });
    h.settling(10_000n, settled);
    expect(await settled).toBe(true);
    expect((await getBalance(db, a.id)) + pool.heldHereMsat(a.id)).toBe(10_000_000n - 10_000n);
    expect((await ledger.audit()).problems).toEqual([]);
  });

  it('holds older than a quarter of their lifetime (at most a minute) are not handed out: they go back and fresh ones are taken', async () => {
    const a = await funded(db, ledger, 10_000_000n);
    const l = counted(ledger);
    const pool = ahead(l, 8, 3_600_000);
    const first = await pool.take(a.tokenHash, TERMS);
    await ledger.settle(first!.holdId, PRICE);
    clock.advance(60_000);
    const next = await pool.take(a.tokenHash, TERMS);
    expect(l.fills).toBe(2);
    await pool.close();
    await ledger.settle(next!.holdId, PRICE);
    expect(await getBalance(db, a.id)).toBe(10_000_000n - 2n * PRICE);
    expect((await ledger.audit()).problems).toEqual([]);
  });

  it('a child token, an unknown token: nothing is taken ahead (the single reservation checks its limits call by call)', async () => {
    const parent = await funded(db, ledger, 10_000_000n);
    const childToken = newToken();
    await ledger.createChild({ parentId: parent.id, tokenHash: hashToken(childToken), amountMsat: 1_000_000n, expiresAt: null, maxMsatPerDay: null, apis: null });
    const l = counted(ledger);
    const pool = ahead(l);
    expect(await pool.take(hashToken(childToken), TERMS)).toBeNull();
    expect(await pool.take(hashToken(newToken()), TERMS)).toBeNull();
    // a refusal is remembered for a while: no statement per call
    expect(await pool.take(hashToken(childToken), TERMS)).toBeNull();
    expect(l.fills).toBe(2);
    expect((await ledger.audit()).problems).toEqual([]);
  });

  it('a crash leaves the unused holds held until their deadline; the sweep then gives them back', async () => {
    const a = await funded(db, ledger, 10_000_000n);
    // an instance that dies: never closed, its memory gone
    const crashed = new ReserveAhead({ ledger, count: 8, idleMs: 2000, holdSeconds: 900, now: clock.now, nowMs: clock.nowMs });
    const h = await crashed.take(a.tokenHash, TERMS);
    await ledger.settle(h!.holdId, PRICE);
    expect(await getBalance(db, a.id)).toBe(10_000_000n - 8n * PRICE);
    await ledger.sweepExpiredHolds(clock.now() + 901);
    expect(await getBalance(db, a.id)).toBe(10_000_000n - PRICE);
    expect((await ledger.audit()).problems).toEqual([]);
    // what the dead instance would still do cannot spend the holds twice
    await crashed.close();
    expect(await getBalance(db, a.id)).toBe(10_000_000n - PRICE);
  });

  it('two instances and many concurrent calls on one token: every call paid once, no balance below zero, the rest given back', async () => {
    const calls = 100;
    const a = await funded(db, ledger, 70n * PRICE + 5_000n);
    const one = ahead(ledger, 16);
    const two = ahead(ledger, 16);
    const served: bigint[] = [];
    let refused = 0;
    await Promise.all(
      Array.from({ length: calls }, async (_x, i) => {
        const pool = i % 2 === 0 ? one : two;
        const h = await pool.take(a.tokenHash, TERMS);
        const holdId = h ? h.holdId : await ledger.reserve({ tokenHash: a.tokenHash, amountMsat: PRICE, purpose: 'x', expiresAt: NOW + 900, now: clock.now(), api: 'openai' }).then((r) => (r.ok ? r.holdId : null));
        if (holdId === null) return void refused++;
        expect(await ledger.settle(holdId, PRICE)).toBe(true);
        served.push(holdId);
      }),
    );
    await one.close();
    await two.close();
    expect(new Set(served).size).toBe(served.length);
    expect(served.length + refused).toBe(calls);
    // a refusal can meet money the other instance still holds unused (at most its sixteen holds)
    expect(served.length).toBeLessThanOrEqual(70);
    expect(served.length).toBeGreaterThanOrEqual(70 - 16);
    expect(await getBalance(db, a.id)).toBe(70n * PRICE + 5_000n - BigInt(served.length) * PRICE);
    expect((await heldBy(db, a.id)).n).toBe(0);
    expect((await ledger.audit()).problems).toEqual([]);
  });
});
