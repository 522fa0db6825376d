// The balance of each token as the latest answer told it (GET /balance, a paid call's X-Balance-Sats,
// a withdrawal, a claim), so the header shows it at once instead of at its next poll.
// A plain store, not a context: the API client, outside React, feeds it.

/** What the API client tells: numbered requests, and the balances their answers named. */
export interface BalanceSink {
  /** numbers a request as it leaves, before its answer */
  ticket: () => number;
  /** the answer to request `ticket` said `token` holds `sats` (and exactly `msat`, when it said so) */
  tell: (token: string, sats: number, ticket: number, msat?: number) => void;
}

export interface BalanceStore extends BalanceSink {
  /** the latest balance told of `token`, undefined before any */
  get: (token: string) => number | undefined;
  /** the same balance to the msat, when the answer that told it said so (X-Balance-Sats does not) */
  getMsat: (token: string) => number | undefined;
  subscribe: (listener: () => void) => () => void;
}

export function createBalanceStore(): BalanceStore {
  let tickets = 0;
  const known = new Map<string, { sats: number; msat: number | undefined; ticket: number }>();
  const listeners = new Set<() => void>();
  return {
    ticket: () => ++tickets,
    tell(token, sats, ticket, msat) {
      const before = known.get(token);
      // an answer to an older request may have read the balance before a newer request moved it
      if (before && before.ticket > ticket) return;
      known.set(token, { sats, msat, ticket });
      if (before?.sats !== sats || before.msat !== msat) for (const listener of listeners) listener();
    },
    get: (token) => known.get(token)?.sats,
    getMsat: (token) => known.get(token)?.msat,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

/** The app's store, fed by the app's API client. */
export const balanceStore: BalanceStore = createBalanceStore();
