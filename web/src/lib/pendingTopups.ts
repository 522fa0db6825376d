// Top-up invoices this browser asked for and has not finished with, kept in localStorage so
// that a reload, another tab or a discarded tab still gets the token once the invoice is paid
// (a phone wallet paying the QR never tells this page anything). A new token's entry holds the
// invoice's claim secret, which redeems only that invoice's token; it is removed once the user
// has saved the token, or when the invoice expired unpaid. A refill's entry names the token it
// refills (credited by the server once paid, no claim): removed once it is paid or expired.
export interface PendingTopup {
  payment_hash: string;
  /** a new token's claim secret; '' for a refill */
  claim_secret: string;
  /** the token a refill invoice credits; absent for a new token */
  refill_token?: string;
  invoice: string;
  amount_sats: number;
  /** Unix seconds */
  expires_at: number;
}

export const PENDING_TOPUPS_KEY = 'abl.pendingTopups';

function isPendingTopup(v: unknown): v is PendingTopup {
  if (typeof v !== 'object' || v === null) return false;
  const p = v as Record<string, unknown>;
  return (
    typeof p.payment_hash === 'string' &&
    typeof p.claim_secret === 'string' &&
    typeof p.invoice === 'string' &&
    typeof p.amount_sats === 'number' &&
    typeof p.expires_at === 'number' &&
    (p.refill_token === undefined || typeof p.refill_token === 'string')
  );
}

/** Reads a stored list; anything unreadable counts as nothing stored. */
export function parsePendingTopups(raw: string | null): PendingTopup[] {
  if (!raw) return [];
  try {
    const list: unknown = JSON.parse(raw);
    return Array.isArray(list) ? list.filter(isPendingTopup) : [];
  } catch {
    return [];
  }
}

export function loadPendingTopups(): PendingTopup[] {
  try {
    return parsePendingTopups(window.localStorage.getItem(PENDING_TOPUPS_KEY));
  } catch {
    return []; // storage blocked: this tab still works, only a reload loses the entry
  }
}

function store(list: PendingTopup[]): void {
  try {
    if (list.length === 0) window.localStorage.removeItem(PENDING_TOPUPS_KEY);
    else window.localStorage.setItem(PENDING_TOPUPS_KEY, JSON.stringify(list));
  } catch {
    // storage blocked or full: the entry lives in this tab's memory only
  }
}

/** Adds (or replaces) an entry; returns the new list. */
export function addPendingTopup(entry: PendingTopup): PendingTopup[] {
  const list = [...loadPendingTopups().filter((p) => p.payment_hash !== entry.payment_hash), entry];
  store(list);
  return list;
}

/** Removes an entry; returns the new list. */
export function removePendingTopup(paymentHash: string): PendingTopup[] {
  const list = loadPendingTopups().filter((p) => p.payment_hash !== paymentHash);
  store(list);
  return list;
}

/**
 * Another tab changed the stored list from `before` to `after`: the entries it removed that this
 * tab had not finished with (`finishedHere` false). Another tab removes a refill as soon as it
 * sees it paid, and a new token once its user saved it; this tab, maybe showing that invoice,
 * keeps asking about them itself until it has seen the outcome too.
 */
export function removedElsewhere(before: PendingTopup[], after: PendingTopup[], finishedHere: (paymentHash: string) => boolean): PendingTopup[] {
  const kept = new Set(after.map((p) => p.payment_hash));
  return before.filter((p) => !kept.has(p.payment_hash) && !finishedHere(p.payment_hash));
}
