// The top-up flow: create an invoice, pay it, follow its status, then show the new token or the refill.
// Its invoice is watched by PendingTopupsProvider (on every page, across reloads and tabs), which
// redeems a new token with the invoice's claim secret once paid — no preimage is needed, so a
// phone wallet paying the QR works — and reads a paid refill's balance. Pasting the preimage
// stays as a fallback.
import { useCallback, useEffect, useState } from 'react';
import { api, type NewTopupInvoice } from '../../api/client';
import { toApiError, type ApiError } from '../../api/errors';
import type { TopupCreated, TopupStatusBody } from '../../../../contract/api';
import { useInvoiceStatus } from '../../hooks/useInvoiceStatus';
import { normalizePreimage } from '../../lib/lightning';
import type { PendingTopup } from '../../lib/pendingTopups';
import type { WalletPayment } from '../../lib/wallets';
import type { PendingState } from '../../state/PendingTopupsContext';
import { usePendingTopups } from '../../state/usePendingTopups';
import { useReveal } from '../../state/useReveal';

type TopupState = TopupStatusBody['status'];

export type Done = { kind: 'refill'; creditedSats: number; balanceSats: number | null } | { kind: 'new'; creditedSats: number };

export interface TopupFlow {
  invoice: TopupCreated | null;
  /** the token the invoice refills; null for a new token */
  refillToken: string | null;
  status: TopupState;
  statusError: ApiError | undefined;
  creating: boolean;
  createError: ApiError | null;
  paying: string | null;
  payError: string | null;
  claiming: boolean;
  claimError: ApiError | null;
  /** a new token is paid but could not be redeemed without its preimage: the user may paste it */
  needsPreimage: boolean;
  done: Done | null;
  create: (amountSats: number, refillToken: string | null) => Promise<void>;
  pay: (label: string, wallet: (invoice: string) => Promise<WalletPayment>) => Promise<void>;
  claim: (preimage: string) => Promise<void>;
  /** asks the server about this invoice now (a phone paid it, the page did not notice yet) */
  checkNow: () => void;
  /** shows a watched invoice of this browser again */
  show: (paymentHash: string) => void;
  reset: () => void;
}

const asInvoice = (p: PendingTopup): NewTopupInvoice => ({
  invoice: p.invoice,
  payment_hash: p.payment_hash,
  amount_sats: p.amount_sats,
  expires_at: p.expires_at,
  claim_secret: p.claim_secret,
});

function statusOf(s: PendingState): TopupState {
  if (s.kind === 'waiting') return 'pending';
  return s.kind === 'expired' ? 'expired' : 'paid';
}

export function useTopupFlow(): TopupFlow {
  const { reveal } = useReveal();
  const watched = usePendingTopups();
  // a reload, or a tab the browser discarded, comes back to the newest invoice still waited for
  const [invoice, setInvoice] = useState<NewTopupInvoice | null>(() => {
    const newest = watched.pending.at(-1);
    return newest ? asInvoice(newest) : null;
  });
  const [refillToken, setRefillToken] = useState<string | null>(() => watched.pending.at(-1)?.refill_token ?? null);
  const [creating, setCreating] = useState(false);
  const [createError, setCreateError] = useState<ApiError | null>(null);
  const [paying, setPaying] = useState<string | null>(null);
  const [payError, setPayError] = useState<string | null>(null);
  const [claiming, setClaiming] = useState(false);
  const [claimError, setClaimError] = useState<ApiError | null>(null);
  const [done, setDone] = useState<Done | null>(null);

  // a refill, and a new token with a claim secret, are followed by the watcher; an invoice without (an older server) by its own poll
  const watchedHash = invoice && (refillToken || invoice.claim_secret) ? invoice.payment_hash : null;
  const secretHash = watchedHash && !refillToken ? watchedHash : null;
  const watchedState = watchedHash ? watched.stateOf(watchedHash) : null;
  const polled = useInvoiceStatus(invoice && !watchedHash && !done ? invoice.payment_hash : null);
  const status = watchedState ? statusOf(watchedState) : polled.status;
  const redeemed = watchedState?.kind === 'redeemed' ? watchedState.result : null;
  const credited = watchedState?.kind === 'credited' ? watchedState : null;

  const reset = useCallback(() => {
    setInvoice(null);
    setRefillToken(null);
    setCreateError(null);
    setPayError(null);
    setClaimError(null);
    setDone(null);
  }, []);

  const create = useCallback(
    async (amountSats: number, token: string | null) => {
      reset();
      setCreating(true);
      try {
        const created = await api.createTopup(amountSats, token ?? undefined, true);
        const kept = { payment_hash: created.payment_hash, invoice: created.invoice, amount_sats: created.amount_sats, expires_at: created.expires_at };
        if (token) watched.add({ ...kept, claim_secret: '', refill_token: token });
        else if (created.claim_secret) watched.add({ ...kept, claim_secret: created.claim_secret });
        setInvoice(created);
        setRefillToken(token);
      } catch (e) {
        setCreateError(toApiError(e));
      } finally {
        setCreating(false);
      }
    },
    [reset, watched],
  );

  /** the fallback: the preimage from the wallet's payment details */
  const claim = useCallback(
    async (raw: string) => {
      if (!invoice) return;
      setClaiming(true);
      setClaimError(null);
      try {
        const result = await api.claimTopup(normalizePreimage(raw), refillToken ?? undefined);
        if (result.token) reveal({ token: result.token, source: 'topup', creditedSats: result.credited_sats });
        if (watchedHash) watched.forget(watchedHash);
        setDone(refillToken ? { kind: 'refill', creditedSats: result.credited_sats, balanceSats: result.balance_sats ?? null } : { kind: 'new', creditedSats: result.credited_sats });
      } catch (e) {
        setClaimError(toApiError(e));
      } finally {
        setClaiming(false);
      }
    },
    [invoice, refillToken, reveal, watchedHash, watched],
  );

  const show = useCallback(
    (paymentHash: string) => {
      const entry = watched.pending.find((p) => p.payment_hash === paymentHash);
      if (!entry) return;
      reset();
      setInvoice(asInvoice(entry));
      setRefillToken(entry.refill_token ?? null);
      watched.checkNow(paymentHash);
    },
    [watched, reset],
  );

  const checkNow = useCallback(() => {
    if (watchedHash) watched.checkNow(watchedHash);
    else polled.pollNow();
  }, [watchedHash, watched, polled]);

  const pay = useCallback(
    async (label: string, wallet: (invoice: string) => Promise<WalletPayment>) => {
      if (!invoice) return;
      setPaying(label);
      setPayError(null);
      try {
        await wallet(invoice.invoice); // no preimage needed: the claim secret redeems the token
        checkNow();
      } catch (e) {
        setPayError(e instanceof Error && e.message ? e.message : 'The wallet did not pay the invoice.');
      } finally {
        setPaying(null);
      }
    },
    [invoice, checkNow],
  );

  // a refill followed by its own poll (not watched) is credited by the poll itself: read the new balance and finish
  useEffect(() => {
    if (status !== 'paid' || !invoice || !refillToken || watchedHash || done) return;
    let live = true;
    api.getBalance(refillToken).then(
      (b) => live && setDone({ kind: 'refill', creditedSats: invoice.amount_sats, balanceSats: b.balance_sats }),
      () => live && setDone({ kind: 'refill', creditedSats: invoice.amount_sats, balanceSats: null }),
    );
    return () => {
      live = false;
    };
  }, [status, invoice, refillToken, watchedHash, done]);

  const watchError = watchedState?.kind === 'failed' ? watchedState.error : null;
  return {
    invoice,
    refillToken,
    status,
    statusError: polled.error,
    creating,
    createError,
    paying,
    payError,
    claiming: claiming || watchedState?.kind === 'paid',
    claimError: claimError ?? watchError,
    needsPreimage: status === 'paid' && !refillToken && !done && !redeemed && (!secretHash || watchError !== null),
    done:
      done ??
      (redeemed ? { kind: 'new', creditedSats: redeemed.credited_sats } : credited && invoice ? { kind: 'refill', creditedSats: invoice.amount_sats, balanceSats: credited.balanceSats } : null),
    create,
    pay,
    claim,
    checkNow,
    show,
    reset,
  };
}
