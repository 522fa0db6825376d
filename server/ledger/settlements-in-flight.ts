// Settlements this instance sent and has not seen commit, per paying account. A flat-priced answer
// returns before its settlement commits (its hold already secured the price), so a read of the
// account's receipts or history waits for these first: a call's receipt is there once its answer is.

export class SettlementsInFlight {
  private readonly byAccount = new Map<bigint, Set<Promise<unknown>>>();

  /** `done` settles once the settlement committed or failed (the caller handles a failure) */
  track(accountId: bigint, done: Promise<unknown>): void {
    let pending = this.byAccount.get(accountId);
    if (!pending) this.byAccount.set(accountId, (pending = new Set()));
    const tracked: Promise<void> = done.then(
      () => this.forget(accountId, tracked),
      () => this.forget(accountId, tracked),
    );
    pending.add(tracked);
  }

  /** true while a settlement of the account is on its way */
  has(accountId: bigint): boolean {
    return this.byAccount.has(accountId);
  }

  /** Waits for the account's settlements sent so far (later ones are not waited for): true if there were any. */
  async settledFor(accountId: bigint): Promise<boolean> {
    const pending = this.byAccount.get(accountId);
    if (!pending) return false;
    await Promise.all([...pending]);
    return true;
  }

  /** Waits for every settlement sent so far (shutdown). */
  async drain(): Promise<void> {
    await Promise.all([...this.byAccount.values()].flatMap((pending) => [...pending]));
  }

  private forget(accountId: bigint, tracked: Promise<unknown>): void {
    const pending = this.byAccount.get(accountId);
    if (!pending) return;
    pending.delete(tracked);
    if (pending.size === 0) this.byAccount.delete(accountId);
  }
}
