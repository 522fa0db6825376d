// Paying with an x402 v2 Lightning `exact` payment: the accepted entry must be ours, for this
// endpoint and unexpired; its payload names the invoice only, so the wallet must say it is paid
// before the credential is first funded or claimed. Then it is the same credential as the L402
// one for that invoice.
import { AppError, invalidL402 } from '../errors.js';
import { WalletUnavailableError } from '../lightning/backend.js';
import { verifyX402Payment, type X402Failure } from '../x402/binding.js';
import type { X402Payment } from '../x402/header.js';
import type { PaidProof, RailContext } from './rail-types.js';
import type { PaidAction } from './types.js';

export function verifyX402(ctx: RailContext, action: PaidAction, payment: X402Payment, exact: boolean): PaidProof {
  const verdict = verifyX402Payment({ key: ctx.x402Key, endpoint: action.endpoint, payment, now: ctx.now(), ...(exact ? { priceMsat: action.priceMsat } : {}) });
  if (!verdict.ok) throw invalidL402(message(verdict.reason));
  const { paymentHash, valueMsat, network } = verdict;
  return {
    paymentHash,
    valueMsat: exact ? action.priceMsat : valueMsat,
    reference: { rail: 'x402', paymentHash, network, invoice: payment.invoice, paidAt: ctx.now() },
    paidOnSight: false,
    async confirm() {
      let invoice;
      try {
        invoice = await ctx.wallet.getInvoice(paymentHash);
      } catch (err) {
        if (!(err instanceof WalletUnavailableError)) throw err;
        ctx.events?.walletFailed('getInvoice');
        throw new AppError('topup_unavailable', 'The Lightning node cannot be reached to confirm this payment; retry shortly.');
      }
      if (!invoice?.isPaid || invoice.receivedMsat < valueMsat) throw invalidL402('The invoice of this x402 payment has not been paid.');
    },
  };
}

function message(reason: X402Failure): string {
  switch (reason) {
    case 'unsupported':
      return 'Only the x402 scheme "exact" on Lightning is accepted here.';
    case 'expired':
      return 'This x402 payment requirement has expired; request a new invoice.';
    case 'price':
      return 'This x402 payment requirement was issued for a lower price than this request costs.';
    default:
      return 'This x402 payment does not answer a requirement of ours for this endpoint.';
  }
}
