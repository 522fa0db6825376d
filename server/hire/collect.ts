// POST /collect: pays a BOLT11 invoice from the caller's balance. The amount plus a routing-fee
// reserve moves to `payouts_pending` in one transaction (the invoice's payment hash can have
// one live payout only), then the wallet pays: success → settled, a clean failure → all back,
// the node not reached (nothing sent) → all back and 503, anything else (a timeout, an
// exception) → stays pending for the reconcile pass.
import { randomUUID } from 'node:crypto';
import type { Payout } from '../../contract/hire-views.js';
import { msatToSats, msatToSatsUp } from '../../contract/money.js';
import { getBalance, InsufficientFundsError, postJournal } from '../ledger/index.js';
import { PaymentNotSentError, type PaymentOutcome } from '../lightning/backend.js';
import { pgErrorCode } from '../store/index.js';
import { AppError } from '../errors.js';
import { accountOf } from './accounts.js';
import type { HireDeps } from './deps.js';
import { invalidField, notFound } from './errors.js';
import { checkPayoutInvoice, type NodeIdentity } from './invoice-checks.js';
import { insertPayout, latestPayoutOf, livePayoutOf, type PayoutRow } from './payouts-store.js';
import { reconcileOne, settlePayout, trustedOutcome } from './payouts.js';
import { feeReserveMsat, maxPayoutMsat } from './rules.js';
import { inTx } from './tx.js';

async function payoutView(deps: HireDeps, p: PayoutRow): Promise<Payout> {
  const paid = p.state === 'succeeded';
  const feeMsat = paid ? (p.fee_msat! < p.fee_reserve_msat ? p.fee_msat! : p.fee_reserve_msat) : 0n;
  return {
    status: p.state,
    payment_hash: p.payment_hash,
    paid_sats: paid ? msatToSats(p.amount_msat) : 0,
    paid_msat: paid ? Number(p.amount_msat) : 0,
    fee_sats: msatToSats(feeMsat),
    fee_msat: Number(feeMsat),
    balance_sats: msatToSats(await getBalance(deps.db, p.account_id)),
    preimage: p.preimage,
    ...(p.failure_reason ? { failure_reason: p.failure_reason } : {}),
  };
}

function alreadyLive(p: PayoutRow) {
  return invalidField('invoice', p.state === 'succeeded' ? 'This invoice was already paid.' : 'This invoice is being paid already.');
}

export async function collect(deps: HireDeps, identity: () => Promise<NodeIdentity>, token: string, rawInvoice: string): Promise<Payout> {
  const { db } = deps;
  const { sys } = deps.ledger;
  const account = await accountOf(db, token, deps.now());
  if (account.child) throw new AppError('forbidden', 'A child token cannot withdraw: its parent revokes it to take its balance back.');
  await deps.reserveAhead?.giveBackFor(account.id);
  const invoice = checkPayoutInvoice(rawInvoice, await identity(), deps.now());
  const live = await livePayoutOf(db, invoice.paymentHash);
  if (live) throw alreadyLive(live);

  const reserveMsat = feeReserveMsat(deps.rules, invoice.amountMsat);
  const heldMsat = invoice.amountMsat + reserveMsat;
  const payout = await withFundsForPayout(deps, account.id, invoice.amountMsat, heldMsat, () =>
    inTx(db, async (q) => {
      let row: PayoutRow;
      try {
        row = await insertPayout(q, {
          id: randomUUID(),
          accountId: account.id,
          paymentHash: invoice.paymentHash,
          bolt11: invoice.bolt11,
          amountMsat: invoice.amountMsat,
          feeReserveMsat: reserveMsat,
          invoiceExpiresAt: invoice.expiresAt,
          now: deps.now(),
        });
      } catch (err) {
        // the unique index: another collect of this invoice got there first
        if (pgErrorCode(err) === '23505') throw invalidField('invoice', 'This invoice is being paid already.');
        throw err;
      }
      await postJournal(q, {
        kind: 'hire_payout',
        ref: row.id,
        lines: [
          { accountId: account.id, amountMsat: -heldMsat },
          { accountId: sys.payouts_pending, amountMsat: heldMsat },
        ],
      });
      return row;
    }),
  );

  const paid = await payOnce(deps, payout);
  if (paid === NOT_SENT) {
    // nothing left the node: the payout fails at once, all of it back, and the caller is told to retry
    await inTx(db, (q) => settlePayout(q, sys, payout, { status: 'failed', paymentHash: payout.payment_hash, reason: 'the Lightning node could not be reached; nothing was sent' }, deps.now()));
    throw new AppError('topup_unavailable', 'The Lightning node cannot be reached right now; nothing was sent or taken from the balance. Try again shortly.');
  }
  const outcome = trustedOutcome(paid, payout.payment_hash);
  if (outcome.status === 'pending') {
    // money held in doubt: the operator sees it in the log and the metric, not only in the audit's pending payouts
    deps.onWalletError?.('payInvoice');
    deps.log?.warn({ payout: payout.id, paymentHash: payout.payment_hash, amountSats: msatToSats(payout.amount_msat) }, 'a payout\'s outcome is unknown (the node did not say in time): it stays pending and is looked up until the node knows');
    return payoutView(deps, payout);
  }
  const settled = await inTx(db, (q) => settlePayout(q, sys, payout, outcome, deps.now()));
  // null: a reconcile pass settled it first; show what it recorded
  const final = settled?.payout ?? (await latestPayoutOf(db, account.id, payout.payment_hash))!;
  if (final.state === 'failed') {
    // Not the invoice's fault as a rule (no route, no liquidity, the payee offline): say what the node answered.
    const reason = final.failure_reason ?? 'no reason given';
    throw invalidField('invoice', `The payment did not go through (the Lightning node answered: ${reason}). Nothing was taken from the balance; retry later, or make an invoice with another wallet.`);
  }
  return payoutView(deps, final);
}

/** Too little for the invoice and its routing-fee reserve: says the largest invoice the balance can pay, rather than to top up. */
async function withFundsForPayout<T>(deps: HireDeps, accountId: bigint, amountMsat: bigint, heldMsat: bigint, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (!(err instanceof InsufficientFundsError)) throw err;
    const balanceMsat = await getBalance(deps.db, accountId);
    const maxMsat = maxPayoutMsat(deps.rules, balanceMsat);
    const most = maxMsat > 0n ? `the most it can withdraw is ${formatSats(msatToSats(maxMsat))} sats: make an invoice of at most that` : 'it cannot cover a withdrawal and its reserve';
    throw new AppError(
      'insufficient_balance',
      `Paying this ${formatSats(msatToSatsUp(amountMsat))}-sat invoice holds ${formatSats(msatToSatsUp(heldMsat))} sats with its routing-fee reserve (only the fee actually paid is kept); the balance is ${formatSats(msatToSats(balanceMsat))} sats, so ${most}.`,
      { balance_sats: msatToSats(balanceMsat), price_sats: msatToSatsUp(heldMsat), max_amount_sats: msatToSats(maxMsat) },
    );
  }
}

const formatSats = (n: number): string => n.toLocaleString('en-US');

const NOT_SENT = Symbol('not sent');

/** An exception is never a clean failure (the payment may have left, so it stays pending), unless the node says nothing was sent. */
async function payOnce(deps: HireDeps, payout: PayoutRow): Promise<PaymentOutcome | typeof NOT_SENT> {
  try {
    // routing may cost what the payout holds in reserve, not more: the payer never owes beyond it
    return await deps.wallet.payInvoice({ bolt11: payout.bolt11, maxFeeMsat: payout.fee_reserve_msat });
  } catch (err) {
    if (err instanceof PaymentNotSentError) {
      // the operator's to mend (node down, a password that may not pay): the payer is told to retry
      deps.log?.warn({ payout: payout.id, err: err.message }, 'payInvoice: nothing was sent; the payout is given back');
      return NOT_SENT;
    }
    deps.log?.error({ payout: payout.id, err: (err as Error).message }, 'payInvoice threw; the payout stays pending');
    return { status: 'pending', paymentHash: payout.payment_hash };
  }
}

/** GET /collect/{payment_hash}: the caller's payout of that invoice, looked up again while pending. */
export async function payoutStatus(deps: HireDeps, token: string, paymentHash: string): Promise<Payout> {
  const db = deps.db;
  const account = await accountOf(db, token, deps.now());
  const hash = paymentHash.toLowerCase();
  let payout = /^[0-9a-f]{64}$/.test(hash) ? await latestPayoutOf(db, account.id, hash) : null;
  if (!payout) throw notFound('This token has no payout of this payment hash.');
  if (payout.state === 'pending') payout = (await reconcileOne(deps, payout))?.payout ?? payout;
  return payoutView(deps, payout);
}
