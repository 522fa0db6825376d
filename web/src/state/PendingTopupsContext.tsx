// Watches the top-up invoices this browser asked for (lib/pendingTopups: localStorage), on
// every page and in every tab: once one is paid — by this page's wallet buttons or by a phone
// that scanned the QR — it redeems the token with the invoice's claim secret and shows it (the
// token reveal); a paid refill reads its token's balance, so the header shows it at once. A reload, another tab or a discarded tab does the same from the stored entry;
// the entry goes when the user has saved the token (dismissed its reveal), the refill was paid or
// the invoice expired. An entry another tab removed before this one saw its outcome (that tab heard
// first) is still asked about here until it has, so every tab showing the invoice finishes it.
import { createContext, useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { api } from '../api/client';
import { toApiError, type ApiError } from '../api/errors';
import type { ClaimResponse } from '../../../contract/api';
import { addPendingTopup, loadPendingTopups, PENDING_TOPUPS_KEY, removedElsewhere, removePendingTopup, type PendingTopup } from '../lib/pendingTopups';
import { useReveal } from './useReveal';

const POLL_MS = 1500;

export type PendingState =
  | { kind: 'waiting' }
  /** paid: the token is being redeemed */
  | { kind: 'paid' }
  | { kind: 'redeemed'; result: ClaimResponse }
  /** a refill paid and credited: its token's balance now (null when it could not be read) */
  | { kind: 'credited'; balanceSats: number | null }
  /** the server refused the claim (e.g. the preimage was claimed first elsewhere) */
  | { kind: 'failed'; error: ApiError }
  | { kind: 'expired' };

export interface PendingTopupsApi {
  /** oldest first */
  pending: PendingTopup[];
  stateOf: (paymentHash: string) => PendingState;
  add: (entry: PendingTopup) => void;
  /** asks the server now (after a wallet paid, or a "Check now"); a failed claim is tried again */
  checkNow: (paymentHash?: string) => void;
  /** stops watching an invoice in this browser */
  forget: (paymentHash: string) => void;
}

export const PendingTopupsContext = createContext<PendingTopupsApi | null>(null);

const WAITING: PendingState = { kind: 'waiting' };
const TERMINAL = new Set<PendingState['kind']>(['redeemed', 'credited', 'failed', 'expired']);
/** seen through here: a failed claim is not, "Check now" tries it again */
const FINISHED = new Set<PendingState['kind']>(['redeemed', 'credited', 'expired']);

export function PendingTopupsProvider({ children }: { children: ReactNode }) {
  const { reveal, reveals } = useReveal();
  const [pending, setPending] = useState<PendingTopup[]>(() => loadPendingTopups());
  const pendingRef = useRef(pending);
  pendingRef.current = pending;
  // removed from storage by another tab before this one saw them finish: watched here, not listed
  const [orphans, setOrphans] = useState<PendingTopup[]>([]);
  const [states, setStates] = useState<Record<string, PendingState>>({});
  const [round, setRound] = useState(0);
  const statesRef = useRef(states);
  statesRef.current = states;

  const setState = useCallback((hash: string, s: PendingState) => setStates((all) => ({ ...all, [hash]: s })), []);
  const forget = useCallback((hash: string) => {
    setPending(removePendingTopup(hash));
    setOrphans((all) => (all.some((p) => p.payment_hash === hash) ? all.filter((p) => p.payment_hash !== hash) : all));
  }, []);
  const add = useCallback((entry: PendingTopup) => setPending(addPendingTopup(entry)), []);
  const checkNow = useCallback((hash?: string) => {
    if (hash !== undefined && statesRef.current[hash]?.kind === 'failed') setStates((all) => ({ ...all, [hash]: WAITING }));
    setRound((r) => r + 1);
  }, []);

  // another tab added or finished an invoice; one it finished first is still followed here to its outcome
  useEffect(() => {
    const onStorage = (e: StorageEvent): void => {
      if (e.key !== PENDING_TOPUPS_KEY && e.key !== null) return;
      const next = loadPendingTopups();
      const gone = removedElsewhere(pendingRef.current, next, (hash) => FINISHED.has(statesRef.current[hash]?.kind ?? 'waiting'));
      pendingRef.current = next;
      setPending(next);
      if (gone.length > 0) {
        const hashes = new Set(gone.map((p) => p.payment_hash));
        setOrphans((all) => [...all.filter((p) => !hashes.has(p.payment_hash)), ...gone]);
      }
    };
    window.addEventListener('storage', onStorage);
    return () => window.removeEventListener('storage', onStorage);
  }, []);

  const watchedHere = useMemo(() => {
    const listed = new Set(pending.map((p) => p.payment_hash));
    return [...pending, ...orphans.filter((p) => !listed.has(p.payment_hash))];
  }, [pending, orphans]);

  // one watcher per unfinished invoice: status until paid or expired, then the claim
  useEffect(() => {
    const controller = new AbortController();
    const { signal } = controller;
    const watch = async (entry: PendingTopup): Promise<void> => {
      const hash = entry.payment_hash;
      while (!signal.aborted) {
        try {
          const { status } = await api.getTopupStatus(hash, signal);
          if (status === 'expired') {
            setState(hash, { kind: 'expired' });
            forget(hash);
            return;
          }
          if (status === 'paid' && entry.refill_token) {
            // credited by the server already: the balance read tells the header at once
            const balance = await api.getBalance(entry.refill_token, signal).catch(() => null);
            if (signal.aborted) return;
            setState(hash, { kind: 'credited', balanceSats: balance?.balance_sats ?? null });
            forget(hash);
            return;
          }
          if (status === 'paid') {
            setState(hash, { kind: 'paid' });
            const result = await api.claimTopupWithSecret(hash, entry.claim_secret, signal);
            setState(hash, { kind: 'redeemed', result });
            if (result.token) reveal({ token: result.token, source: 'topup', creditedSats: result.credited_sats });
            return;
          }
        } catch (e) {
          if (signal.aborted) return;
          const error = toApiError(e);
          // a refusal is final (until "Check now"); no answer, a 5xx or a 429 is tried again
          if (error.status >= 400 && error.status < 500 && error.status !== 429) {
            setState(hash, { kind: 'failed', error });
            return;
          }
        }
        await pause(POLL_MS, signal);
      }
    };
    for (const entry of watchedHere) {
      if (!TERMINAL.has(statesRef.current[entry.payment_hash]?.kind ?? 'waiting')) void watch(entry);
    }
    return () => controller.abort();
  }, [watchedHere, round, reveal, setState, forget]);

  // the user saved the token (dismissed its reveal): the invoice is done with
  const shown = useRef(new Set<string>());
  useEffect(() => {
    const onScreen = new Set(reveals.map((r) => r.token));
    for (const [hash, s] of Object.entries(states)) {
      if (s.kind !== 'redeemed' || !s.result.token) continue;
      if (onScreen.has(s.result.token)) shown.current.add(s.result.token);
      else if (shown.current.has(s.result.token)) {
        shown.current.delete(s.result.token);
        forget(hash);
      }
    }
  }, [reveals, states, forget]);

  const stateOf = useCallback((hash: string): PendingState => states[hash] ?? WAITING, [states]);
  const value = useMemo(() => ({ pending, stateOf, add, checkNow, forget }), [pending, stateOf, add, checkNow, forget]);
  return <PendingTopupsContext.Provider value={value}>{children}</PendingTopupsContext.Provider>;
}

/** Waits between two polls; an abort ends the wait at once. */
function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = window.setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        window.clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });
}
