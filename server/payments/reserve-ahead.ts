// Reserving ahead (ABL_RESERVE_AHEAD; by default on PGlite, and on PostgreSQL while one instance serves it): per token, endpoint and hold
// amount (a flat price, or a metered ceiling rounded up to a shared step), this instance takes
// the holds of the next few calls in one statement and hands them out
// from memory, so most calls are forwarded without a round trip to the database first. Holds not
// handed out within idleMs go back to the balance. Each hold handed out is one call's: settled,
// released (a call not made or not served, shown as such in the history), renewed and swept as
// any other (ledger/reserve-ahead.ts). A pool for metered calls keeps one hold back as its change
// hold: the calls' change is added to it (no account row touched per settlement) and reaches the
// balance when the pool goes back, once the pool's calls have settled.
// What it changes (docs/architecture.md, "Reserving ahead"): until they go back, other instances
// count the holds as spent; this instance adds them back to the balances it shows.
import type { Ledger, Settled } from '../ledger/index.js';
import type { ServingInstances } from '../store/instances.js';
import { AheadAccounts, heldOutside, moneyMoving, type AccountView } from './ahead-accounts.js';

export interface ReserveAheadOptions {
  ledger: Pick<Ledger, 'reserveAhead' | 'releaseUnused' | 'release' | 'settledFor'>;
  /** the most holds taken at once */
  count: number;
  /** holds not handed out for this long go back */
  idleMs: number;
  /** a hold's lifetime before the sweep returns it (the gate's holdSeconds) */
  holdSeconds: number;
  /** Unix seconds */
  now: () => number;
  /** milliseconds, for idleness */
  nowMs: () => number;
  /** reserve ahead only while no other instance serves the database (the default on PostgreSQL) */
  onlyWhileAlone?: Pick<ServingInstances, 'id' | 'alone' | 'seenSince'>;
  log?: { warn(obj: object, msg: string): void };
}

export interface AheadHold {
  holdId: bigint;
  /** the token's account */
  accountId: bigint;
  /** the token's balance as this instance sees it: the database's, plus the holds it keeps unused */
  balanceMsat: bigint;
  lowBalanceMsat: bigint | null;
  /** the pool's change hold, for the settlement to add the change to (null: the change goes to the balance) */
  changeTo: bigint | null;
  /** the call was not made or not served: its hold goes back to the balance, as any call's; false if it was no longer held */
  release(): Promise<boolean>;
  /** the hold is being settled for chargeMsat (`done` resolves once committed): what it does not charge goes back to the balance */
  settling(chargeMsat: bigint, done: Promise<Settled>): void;
}

export interface HoldTerms {
  amountMsat: bigint;
  purpose: string;
  api: string;
  /** metered calls: the pool keeps one hold back for their change */
  keepChange?: boolean;
}

interface Pool {
  key: string;
  accountId: bigint;
  amountMsat: bigint;
  holdIds: bigint[];
  /** the hold kept back for the change of the pool's calls (never handed out), or null (none, or given back) */
  changeHoldId: bigint | null;
  /** its calls handed out and not yet settled or released (pools with a change hold) */
  outstanding: number;
  /** change committed to the change hold: counted as change here until the pool has gone back */
  keptMsat: bigint;
  /** the pool's holds, its change hold among them, are back (or could not be given back) */
  returned: boolean;
  /** Unix seconds: holds older than a quarter of their lifetime are not handed out */
  takenAt: number;
  usedAtMs: number;
}

const MAX_AGE_SECONDS = 60;
/** tokens the statement refused (child tokens, too poor) are not tried again for a while */
const REFUSED_KEEP_MS = 10_000;
const REFUSED_MAX = 10_000;

export class ReserveAhead {
  private readonly pools = new Map<string, Pool>();
  private readonly filling = new Map<string, Promise<Pool | null>>();
  private readonly accounts = new AheadAccounts();
  private readonly refused = new Map<string, number>();
  /** retired pools whose change hold waits for their calls to settle */
  private readonly changeWaiting = new Set<Pool>();
  /** gives back in flight, and whose account each is */
  private readonly returning = new Map<Promise<unknown>, bigint>();
  private readonly maxAgeSeconds: number;
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly opts: ReserveAheadOptions) {
    // a hold handed out lives long enough for any call (holdSeconds is above the longest upstream timeout)
    this.maxAgeSeconds = Math.min(MAX_AGE_SECONDS, Math.floor(opts.holdSeconds / 4));
    this.timer = setInterval(() => this.returnIdle(), opts.idleMs);
    this.timer.unref();
  }

  /** A hold for one call, from the pool or a fresh one; null: reserve it alone (the single path tells any refusal). */
  async take(tokenHash: Buffer, terms: HoldTerms): Promise<AheadHold | null> {
    if (this.opts.onlyWhileAlone && !this.opts.onlyWhileAlone.alone()) return null;
    const token = tokenHash.toString('hex');
    const key = `${token} ${terms.amountMsat} ${terms.purpose}`;
    for (let tries = 0; tries < 3; tries++) {
      const pool = this.pools.get(key);
      if (pool && this.fresh(pool) && pool.holdIds.length > 0) return this.handOut(pool);
      if (pool) this.retire(pool);
      if ((this.refused.get(token) ?? 0) > this.opts.nowMs()) return null;
      const filled = await this.fill(key, token, tokenHash, terms);
      if (!filled) return null;
      // just taken: hand one out even if others waiting on the same statement emptied it meanwhile
      if (filled.holdIds.length > 0) return this.handOut(filled);
    }
    return null;
  }

  /** How many holds this instance keeps unused (change holds among them), for every token: not calls in flight. */
  unusedHolds(): number {
    let n = 0;
    for (const pool of this.pools.values()) n += pool.holdIds.length + (pool.changeHoldId === null ? 0 : 1);
    return n + this.changeWaiting.size;
  }

  /** The token set a new low-balance threshold: the calls this instance serves from its pools say X-Balance-Low by it at once. */
  lowBalanceChanged(accountId: bigint, thresholdMsat: bigint | null): void {
    const view = this.accounts.get(accountId);
    if (view) view.lowBalanceMsat = thresholdMsat;
  }

  /** The account's money this instance holds outside its balance in the database (unused holds, and holds or change on their way back): shown balances add it. */
  heldHereMsat(accountId: bigint): bigint {
    const view = this.accounts.get(accountId);
    return view ? heldOutside(view) : 0n;
  }

  /**
   * A token's account as `read` finds it in the database, and the balance to show for it: the
   * database's plus what this instance holds outside it, as of one moment. A settlement or a give-back
   * that commits while `read` runs may or may not be in its snapshot (another connection), so the
   * read is made again once that work is done; under a steady flow of the token's own calls the
   * fourth read is shown, off by at most what those calls move meanwhile.
   */
  async readShown<T extends { id: bigint; balanceMsat: bigint }>(tokenHash: Buffer, read: () => Promise<T | null>): Promise<{ account: T; shownMsat: bigint } | null> {
    const token = tokenHash.toString('hex');
    for (let tries = 1; ; tries++) {
      const before = this.accounts.ofToken(token);
      const movedAt = before?.movedAt;
      const quiet = !this.moving(token, before);
      const account = await read();
      if (!account) return null;
      const after = this.accounts.ofToken(token);
      if ((quiet && after === before && after?.movedAt === movedAt) || tries === 4) {
        return { account, shownMsat: account.balanceMsat + (after ? heldOutside(after) : 0n) };
      }
      await Promise.allSettled([this.opts.ledger.settledFor(account.id), ...this.pendingFor(this.returning, account.id), ...this.fillsOf(token)]);
    }
  }

  /** Money of the token's account on its way between this instance and the database. */
  private moving(token: string, view: AccountView | undefined): boolean {
    return (view !== undefined && moneyMoving(view)) || this.fillsOf(token).length > 0;
  }

  private fillsOf(token: string): Promise<Pool | null>[] {
    const fills: Promise<Pool | null>[] = [];
    for (const [key, fill] of this.filling) if (key.startsWith(token)) fills.push(fill);
    return fills;
  }

  /**
   * Gives back the account's unused holds and waits until they are back: before anything else
   * reads or moves its money (history, a child token, a fee, a payout), which then sees it all.
   * False when there was nothing to give back (a balance read before is still true).
   */
  async giveBackFor(accountId: bigint): Promise<boolean> {
    const settled = this.opts.ledger.settledFor(accountId);
    if (!this.accounts.get(accountId)) return settled;
    for (const pool of this.pools.values()) if (pool.accountId === accountId) this.retire(pool, true);
    for (const pool of this.changeWaiting) if (pool.accountId === accountId) this.retire(pool, true);
    await Promise.all([settled, Promise.allSettled(this.pendingFor(this.returning, accountId))]);
    return true;
  }

  /** Gives back the holds of pools idle for idleMs, or too old to hand out; a change hold at half its lifetime (its calls' change then goes to the balance). */
  returnIdle(): void {
    const idleSince = this.opts.nowMs() - this.opts.idleMs;
    for (const pool of this.pools.values()) if (pool.usedAtMs <= idleSince || !this.fresh(pool)) this.retire(pool);
    // a call may outlive its pool's change hold (it renews its own hold, not that one): never wait for the sweep
    const changeHoldTakenBefore = this.opts.now() - Math.floor(this.opts.holdSeconds / 2);
    for (const pool of this.changeWaiting) if (pool.takenAt <= changeHoldTakenBefore) this.retire(pool, true);
  }

  /** Every unused hold back to its balance (another instance started serving the database): resolves once they are back. */
  async giveBackAll(): Promise<void> {
    this.retireAll();
    await Promise.allSettled([...this.returning.keys()]);
  }

  /** Every unused hold back to its balance (shutdown). */
  async close(): Promise<void> {
    clearInterval(this.timer);
    this.retireAll();
    await Promise.allSettled([...this.filling.values()]);
    this.retireAll();
    while (this.returning.size > 0) await Promise.allSettled([...this.returning.keys()]);
  }

  /** Every pool back, change holds too (calls still running send their change to the balance). */
  private retireAll(): void {
    for (const pool of this.pools.values()) this.retire(pool, true);
    for (const pool of this.changeWaiting) this.retire(pool, true);
  }

  private fresh(pool: Pool): boolean {
    return pool.takenAt + this.maxAgeSeconds > this.opts.now();
  }

  private fill(key: string, token: string, tokenHash: Buffer, terms: HoldTerms): Promise<Pool | null> {
    let pending = this.filling.get(key);
    if (!pending) {
      pending = this.reserve(key, token, tokenHash, terms).finally(() => this.filling.delete(key));
      this.filling.set(key, pending);
    }
    return pending;
  }

  private async reserve(key: string, token: string, tokenHash: Buffer, terms: HoldTerms): Promise<Pool | null> {
    const now = this.opts.now();
    const solo = this.opts.onlyWhileAlone;
    const r = await this.opts.ledger.reserveAhead({
      tokenHash,
      amountMsat: terms.amountMsat,
      purpose: terms.purpose,
      api: terms.api,
      now,
      expiresAt: now + this.opts.holdSeconds,
      count: this.opts.count,
      ...(solo ? { onlyIfAlone: { instanceId: solo.id, seenSince: solo.seenSince() } } : {}),
    });
    if (!r) {
      if (this.refused.size >= REFUSED_MAX) this.refused.clear();
      this.refused.set(token, this.opts.nowMs() + REFUSED_KEEP_MS);
      return null;
    }
    const holdIds = [...r.holdIds].reverse();
    const changeHoldId = terms.keepChange && holdIds.length > 1 ? holdIds.shift()! : null;
    const pool: Pool = { key, accountId: r.accountId, amountMsat: terms.amountMsat, holdIds, changeHoldId, outstanding: 0, keptMsat: 0n, returned: changeHoldId === null, takenAt: now, usedAtMs: this.opts.nowMs() };
    const old = this.pools.get(key);
    if (old) this.retire(old);
    this.pools.set(key, pool);
    this.accounts.poolAdded(token, r, terms.amountMsat * BigInt(r.holdIds.length));
    return pool;
  }

  /** Work on the account's money this instance has not seen finish. */
  private pendingFor(work: Map<Promise<unknown>, bigint>, accountId: bigint): Promise<unknown>[] {
    return [...work].filter(([, id]) => id === accountId).map(([done]) => done);
  }

  private handOut(pool: Pool): AheadHold {
    const holdId = pool.holdIds.pop()!;
    pool.usedAtMs = this.opts.nowMs();
    const view = this.accounts.handOut(pool.accountId, pool.amountMsat);
    if (!pool.returned) pool.outstanding++;
    return new HandedOutHold(this, pool, holdId, view);
  }

  /** (HandedOutHold) A handed-out hold not used: back to the balance as any call's; false if it was no longer held. */
  async releaseHandedOut(pool: Pool, holdId: bigint): Promise<boolean> {
    const view = this.accounts.get(pool.accountId);
    let balance: bigint | null = null;
    try {
      balance = await this.opts.ledger.release(holdId);
      return balance !== null;
    } finally {
      this.accounts.released(pool.accountId, view, balance);
      this.callDone(pool);
    }
  }

  /** (HandedOutHold) A handed-out hold being settled: its change is this instance's to show until the balance in the database has it. */
  settlingHandedOut(pool: Pool, chargeMsat: bigint, done: Promise<Settled>): void {
    const change = pool.amountMsat - chargeMsat;
    const after = this.accounts.get(pool.accountId);
    if (!this.accounts.settling(pool.accountId, after, change)) {
      if (pool.outstanding > 0) void done.then(() => this.callDone(pool), () => this.callDone(pool));
      return;
    }
    // runs before whatever waits on the ledger's settledFor (a promise chained on this one), so a read after it sees the change in the balance;
    // inline arrows: tsx names a closure bound to a name on every call (Object.defineProperty)
    done.then(
      (settled) => this.changeSettled(pool, after, change, settled),
      () => this.changeSettled(pool, after, change, false),
    );
  }

  /** A settlement committed (or failed): its change is on the pool's change hold until that goes back, else in the balance. */
  private changeSettled(pool: Pool, view: AccountView, change: bigint, settled: Settled): void {
    const kept = settled === 'kept' && !pool.returned;
    if (kept) pool.keptMsat += change;
    this.accounts.settled(pool.accountId, view, change, kept);
    this.callDone(pool);
  }

  /** One of the pool's calls is done with its hold: a retired pool's change hold goes back after the last. */
  private callDone(pool: Pool): void {
    if (pool.outstanding === 0) return;
    pool.outstanding--;
    if (pool.outstanding === 0 && this.changeWaiting.has(pool)) this.retire(pool, true);
  }

  /**
   * Gives back the pool's unused holds; its change hold too once none of its calls can still add to
   * it, or when `changeToo` (everything back now: a later settlement's change goes to the balance).
   */
  private retire(pool: Pool, changeToo = false): void {
    let view = this.accounts.get(pool.accountId);
    const holdIds: bigint[] = [];
    if (this.pools.get(pool.key) === pool) {
      this.pools.delete(pool.key);
      view = this.accounts.poolRetired(pool.accountId);
      holdIds.push(...pool.holdIds.splice(0));
    }
    if (pool.changeHoldId !== null) {
      if (changeToo || pool.outstanding === 0) {
        holdIds.push(pool.changeHoldId);
        pool.changeHoldId = null;
        this.changeWaiting.delete(pool);
      } else this.changeWaiting.add(pool);
    }
    if (holdIds.length === 0) return this.accounts.forgetIfUnused(pool.accountId);
    const amountMsat = pool.amountMsat * BigInt(holdIds.length);
    this.accounts.returning(view, amountMsat);
    this.track(this.returning, pool.accountId, this.giveBackNow(pool, holdIds, amountMsat, pool.changeHoldId === null));
  }

  /** Remembers work on an account's money until it is done. */
  private track(set: Map<Promise<unknown>, bigint>, accountId: bigint, work: Promise<unknown>): void {
    const done = work.finally(() => set.delete(done));
    set.set(done, accountId);
    done.catch(() => {}); // the caller handles the failure
  }

  /** withChange: the pool's change hold is among them (or it has none left) */
  private async giveBackNow(pool: Pool, holdIds: bigint[], amountMsat: bigint, withChange: boolean): Promise<void> {
    const { accountId } = pool;
    const view = this.accounts.get(accountId);
    let balance: bigint | null = null;
    try {
      balance = await this.opts.ledger.releaseUnused(holdIds);
    } catch (err) {
      // left held: the sweep returns them at their deadline
      this.opts.log?.warn({ err, holds: holdIds.length }, 'holds taken ahead could not be given back; the sweep will');
    } finally {
      // the change kept on the change hold went back with it (its later settlements' change goes to the balance)
      const keptMsat = withChange && !pool.returned ? pool.keptMsat : 0n;
      if (withChange) {
        pool.keptMsat = 0n;
        pool.returned = true;
      }
      this.accounts.returned(accountId, view, amountMsat, balance, keptMsat);
    }
  }
}

// a class, not an object of closures: one is made per paid call
class HandedOutHold implements AheadHold {
  readonly accountId: bigint;
  readonly balanceMsat: bigint;
  readonly lowBalanceMsat: bigint | null;
  constructor(
    private readonly owner: ReserveAhead,
    private readonly pool: Pool,
    readonly holdId: bigint,
    view: AccountView | undefined,
  ) {
    this.accountId = pool.accountId;
    this.balanceMsat = view ? view.balanceMsat + heldOutside(view) : 0n;
    this.lowBalanceMsat = view?.lowBalanceMsat ?? null;
  }

  /** read at settlement: null once the change hold has gone back */
  get changeTo(): bigint | null {
    return this.pool.changeHoldId;
  }

  release(): Promise<boolean> {
    return this.owner.releaseHandedOut(this.pool, this.holdId);
  }

  settling(chargeMsat: bigint, done: Promise<Settled>): void {
    this.owner.settlingHandedOut(this.pool, chargeMsat, done);
  }
}
