// "I paid but have no token": the invoices this browser is waiting for (their tokens appear by
// themselves once paid), and claiming any paid invoice by hand — with its preimage, or with the
// payment hash and claim secret a POST /api/v1/topup answered.
import { useId, useState, type FormEvent } from 'react';
import { api } from '../../api/client';
import { toApiError, type ApiError } from '../../api/errors';
import type { ClaimResponse } from '../../../../contract/api';
import { ErrorNotice } from '../../components/ErrorNotice';
import { Field } from '../../components/Field';
import { claimSecretRefusal, type ClaimRefusalWords } from '../../lib/claimSecret';
import { formatSats } from '../../lib/format';
import { isPreimage, normalizePreimage } from '../../lib/lightning';
import { paymentHashOf, preimageClaimWords, type PaidInvoiceKind } from '../../lib/preimageClaim';
import type { PendingState } from '../../state/PendingTopupsContext';
import { usePendingTopups } from '../../state/usePendingTopups';
import { useReveal } from '../../state/useReveal';

const HASH = /^[0-9a-f]{64}$/;

/** A refused claim, with the words that fit what was entered (a claim secret's are not a preimage's). */
interface Refusal {
  error: ApiError;
  words: ClaimRefusalWords | null;
}

function stateText(s: PendingState): string {
  switch (s.kind) {
    case 'waiting':
      return 'Not paid yet — watched: the token appears here once it is paid.';
    case 'paid':
      return 'Paid — getting your token…';
    case 'redeemed':
      return 'Paid — your token is shown at the top of the page.';
    case 'credited':
      return 'Paid — credited to the token it refills.';
    case 'failed':
      return `Not redeemed: ${s.error.message}`;
    case 'expired':
      return 'Expired unpaid.';
  }
}

/** A claim's answer, and for one by preimage that showed no token, what the invoice was. */
interface Claimed {
  result: ClaimResponse;
  again?: boolean;
  paid?: { kind: PaidInvoiceKind; hash: string | null };
}

/** Claims with the preimage; with no token in the answer, asks the invoice's status whether it was a refill. */
async function claimWithPreimage(preimage: string): Promise<Claimed> {
  const result = await api.claimTopup(preimage);
  if (result.token) return { result };
  const hash = await paymentHashOf(preimage);
  const status = hash ? await api.getTopupStatus(hash).catch(() => null) : null;
  return { result, paid: { kind: status ? (status.refill ? 'refill' : 'new') : 'unknown', hash } };
}

/** Claims with the claim secret; `again` when the invoice's status said it was claimed already. */
async function claimWithSecret(paymentHash: string, claimSecret: string): Promise<{ result: ClaimResponse; again: boolean }> {
  const before = await api.getTopupStatus(paymentHash);
  return { result: await api.claimTopupWithSecret(paymentHash, claimSecret), again: before.claimed };
}

export function ClaimPaidInvoice({ onShow }: { onShow: (paymentHash: string) => void }) {
  const id = useId();
  const watched = usePendingTopups();
  const { reveal } = useReveal();
  const [preimage, setPreimage] = useState('');
  const [paymentHash, setPaymentHash] = useState('');
  const [secret, setSecret] = useState('');
  const [touched, setTouched] = useState<'preimage' | 'secret' | null>(null);
  const [busy, setBusy] = useState(false);
  const [refusal, setRefusal] = useState<Refusal | null>(null);
  const [credited, setCredited] = useState<string | null>(null);

  /** `again`: the invoice was claimed before this claim (its status said so): nothing is newly credited */
  const finish = ({ result, again = false, paid }: Claimed): void => {
    if (result.token && again) {
      reveal({ token: result.token, source: 'topup', again: true });
      setCredited('This invoice was already claimed: the token it made then is shown at the top of the page. Nothing was credited again.');
    } else if (result.token) {
      reveal({ token: result.token, source: 'topup', creditedSats: result.credited_sats });
      setCredited(`${formatSats(result.credited_sats)} credited. Your token is shown at the top of the page.`);
    } else {
      const madeHere = watched.pending.some((p) => p.payment_hash === paid?.hash);
      setCredited(preimageClaimWords(result.credited_sats, paid?.kind ?? 'unknown', madeHere));
    }
  };

  const run = async (fn: () => Promise<Claimed>, explain: (e: ApiError) => ClaimRefusalWords | null = () => null): Promise<void> => {
    setBusy(true);
    setRefusal(null);
    setCredited(null);
    try {
      finish(await fn());
    } catch (e) {
      const error = toApiError(e);
      setRefusal({ error, words: explain(error) });
    } finally {
      setBusy(false);
    }
  };

  const byPreimage = (e: FormEvent): void => {
    e.preventDefault();
    setTouched('preimage');
    if (isPreimage(preimage)) void run(() => claimWithPreimage(normalizePreimage(preimage)));
  };
  const hash = paymentHash.trim().toLowerCase();
  const bySecret = (e: FormEvent): void => {
    e.preventDefault();
    setTouched('secret');
    // a claim secret may be used again and answers the same token: its status says whether it was
    const sent = secret.trim();
    if (HASH.test(hash) && sent) void run(() => claimWithSecret(hash, sent), (error) => claimSecretRefusal(error, sent));
  };

  return (
    <details className="fold card stack claim-paid" data-testid="claim-paid">
      <summary data-testid="claim-paid-toggle">I paid but have no token — claim a paid invoice</summary>
      <p>
        An invoice created in this browser is watched on every page and in every tab: once it is paid — also from a phone that
        scanned the QR code — its token appears at the top of the page by itself, even after a reload.
      </p>
      {watched.pending.length > 0 ? (
        <ul className="plain-list stack" data-testid="claim-paid-pending">
          {watched.pending.map((p) => (
            <li key={p.payment_hash} className="row" data-testid="claim-paid-invoice">
              <span>
                <strong>{formatSats(p.amount_sats)}</strong> <span className="muted small mono">{p.payment_hash.slice(0, 12)}…</span>{' '}
                <span data-testid="claim-paid-state">{stateText(watched.stateOf(p.payment_hash))}</span>
              </span>
              <button type="button" className="btn btn-secondary btn-small" onClick={() => watched.checkNow(p.payment_hash)}>
                Check now
              </button>
              <button type="button" className="btn btn-ghost btn-small" onClick={() => onShow(p.payment_hash)}>
                Show the invoice
              </button>
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted small">This browser is not waiting for any invoice.</p>
      )}

      <form className="stack" onSubmit={byPreimage} noValidate>
        <p className="notice-title">With the preimage</p>
        <p className="small muted">64 hexadecimal characters some wallets show in the payment’s details (“proof of payment”).</p>
        <Field id={`${id}-preimage`} label="Preimage" error={touched === 'preimage' && !isPreimage(preimage) ? 'A preimage is 64 characters 0–9 and a–f.' : undefined}>
          <input className="mono" autoComplete="off" spellCheck={false} value={preimage} onChange={(e) => setPreimage(e.target.value)} data-testid="claim-paid-preimage" />
        </Field>
        <div className="row">
          <button type="submit" className="btn btn-primary" disabled={busy} data-testid="claim-paid-preimage-button">
            Claim with the preimage
          </button>
        </div>
      </form>

      <form className="stack" onSubmit={bySecret} noValidate>
        <p className="notice-title">With the claim secret</p>
        <p className="small muted">
          For an invoice made with the API: <code>POST /api/v1/topup</code> answers its <code>payment_hash</code> and a{' '}
          <code>claim_secret</code>.
        </p>
        <Field id={`${id}-hash`} label="Payment hash" error={touched === 'secret' && !HASH.test(hash) ? 'A payment hash is 64 characters 0–9 and a–f.' : undefined}>
          <input className="mono" autoComplete="off" spellCheck={false} value={paymentHash} onChange={(e) => setPaymentHash(e.target.value)} data-testid="claim-paid-hash" />
        </Field>
        <Field id={`${id}-secret`} label="Claim secret" error={touched === 'secret' && !secret.trim() ? 'Paste the claim secret (ablc_…).' : undefined}>
          <input className="mono" autoComplete="off" spellCheck={false} value={secret} onChange={(e) => setSecret(e.target.value)} data-testid="claim-paid-secret" />
        </Field>
        <div className="row">
          <button type="submit" className="btn btn-primary" disabled={busy} data-testid="claim-paid-secret-button">
            Claim with the claim secret
          </button>
        </div>
      </form>
      {credited ? (
        <p className="notice notice-success" role="status" data-testid="claim-paid-done">
          {credited}
        </p>
      ) : null}
      {refusal ? <ErrorNotice error={refusal.error} title="The invoice could not be claimed" message={refusal.words?.message} next={refusal.words?.next} /> : null}
    </details>
  );
}
