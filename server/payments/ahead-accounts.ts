// What this instance holds of each account's money outside the balance in the database, while it
// reserves ahead for the account's token (reserve-ahead.ts): unused holds, change on its way or kept
// on a change hold, holds on their way back. Shown balances add it; the view lives while any of it
// is here, or a call it handed out runs, so memory stays bounded by the tokens in use.

/** What this instance knows of an account with holds in its pools. */
export interface AccountView {
  /** its token (hex): one per account */
  readonly token: string;
  /** bumped whenever money moves between this view and the database (readShown) */
  movedAt: number;
  /** the database's balance, as the last statement on it returned */
  balanceMsat: bigint;
  /** the holds this instance keeps unused for it */
  pooledMsat: bigint;
  /** change of its settlements on their way to the database, or kept on a change hold */
  changeMsat: bigint;
  /** its settlements with change on their way to the database: the change may land in its balance any moment */
  settling: number;
  /** unused holds on their way back to its balance */
  returningMsat: bigint;
  /** holds handed out to calls not yet settled or released: the view lives until they are, so their change is counted */
  handedOut: number;
  lowBalanceMsat: bigint | null;
  /** its pools on this instance */
  pools: number;
}

/** The account's money this instance holds outside the balance the database shows. */
export function heldOutside(view: AccountView): bigint {
  return view.pooledMsat + view.changeMsat + view.returningMsat;
}

/** Some of it is on its way between this instance and the database: a settlement's change, or holds going back. */
export function moneyMoving(view: AccountView): boolean {
  return view.settling > 0 || view.returningMsat > 0n;
}

export class AheadAccounts {
  private readonly byId = new Map<bigint, AccountView>();
  private readonly byToken = new Map<string, AccountView>();
  private moves = 0;

  get(accountId: bigint): AccountView | undefined {
    return this.byId.get(accountId);
  }

  ofToken(token: string): AccountView | undefined {
    return this.byToken.get(token);
  }

  /** A new pool of the account: what the statement said of its balance, and the holds now kept. */
  poolAdded(token: string, r: { accountId: bigint; balanceMsat: bigint; lowBalanceMsat: bigint | null }, pooledMsat: bigint): void {
    const { accountId } = r;
    const view = this.byId.get(accountId) ?? { token, movedAt: 0, balanceMsat: 0n, pooledMsat: 0n, changeMsat: 0n, settling: 0, returningMsat: 0n, handedOut: 0, lowBalanceMsat: null, pools: 0 };
    this.moved(view);
    view.balanceMsat = r.balanceMsat;
    view.pooledMsat += pooledMsat;
    view.lowBalanceMsat = r.lowBalanceMsat;
    view.pools++;
    this.byId.set(accountId, view);
    this.byToken.set(token, view);
  }

  /** One of its pooled holds handed out to a call: the view after. */
  handOut(accountId: bigint, amountMsat: bigint): AccountView | undefined {
    const view = this.byId.get(accountId);
    if (view) {
      view.pooledMsat -= amountMsat;
      view.handedOut++;
    }
    return view;
  }

  /** A handed-out hold was released (balance: the statement's, null if it was no longer held). */
  released(accountId: bigint, view: AccountView | undefined, balanceMsat: bigint | null): void {
    if (view) {
      if (balanceMsat !== null) view.balanceMsat = balanceMsat;
      view.handedOut--;
    }
    this.forgetIfUnused(accountId);
  }

  /** A handed-out hold is being settled with this change: shown at once; false when there is nothing to count (settledChange not to be called). */
  settling(accountId: bigint, view: AccountView | undefined, changeMsat: bigint): view is AccountView {
    if (view) view.handedOut--;
    if (!view || changeMsat === 0n) {
      this.forgetIfUnused(accountId);
      return false;
    }
    view.changeMsat += changeMsat;
    view.settling++;
    this.moved(view);
    return true;
  }

  /** A settlement committed (or failed): its change stays here while kept on a change hold, else the balance has it. */
  settled(accountId: bigint, view: AccountView, changeMsat: bigint, kept: boolean): void {
    view.settling--;
    this.moved(view);
    if (kept) return;
    view.changeMsat -= changeMsat;
    view.balanceMsat += changeMsat;
    this.forgetIfUnused(accountId);
  }

  /** A pool left this instance's pools (its holds go back, or it had none left). */
  poolRetired(accountId: bigint): AccountView | undefined {
    const view = this.byId.get(accountId);
    if (view) view.pools--;
    return view;
  }

  /** Unused holds on their way back: counted as held here until the statement returns them, so a balance read meanwhile is whole. */
  returning(view: AccountView | undefined, amountMsat: bigint): void {
    if (!view) return;
    view.pooledMsat -= amountMsat;
    view.returningMsat += amountMsat;
    this.moved(view);
  }

  /** They are back (balance: the statement's, null when it failed and the sweep will), with the change kept on their change hold. */
  returned(accountId: bigint, view: AccountView | undefined, amountMsat: bigint, balanceMsat: bigint | null, keptMsat: bigint): void {
    if (view) {
      if (balanceMsat !== null) view.balanceMsat = balanceMsat;
      view.returningMsat -= amountMsat;
      view.changeMsat -= keptMsat;
      this.moved(view);
    }
    this.forgetIfUnused(accountId);
  }

  /** An account with nothing here, no pool left and no call running is forgotten. */
  forgetIfUnused(accountId: bigint): void {
    const view = this.byId.get(accountId);
    if (view && heldOutside(view) === 0n && view.handedOut === 0 && view.pools === 0) {
      this.byId.delete(accountId);
      this.byToken.delete(view.token);
    }
  }

  private moved(view: AccountView): void {
    view.movedAt = ++this.moves;
  }
}
