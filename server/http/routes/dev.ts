// Only with the built-in development node: pay an invoice from its "wallet" so a newcomer
// can try everything without real sats, and make invoices of a second development wallet
// ("someone else's wallet") to withdraw to. Never registered with a real backend.
import type { FastifyInstance } from 'fastify';
import { msatToSats } from '../../../contract/money.js';
import { AppError } from '../../errors.js';
import { DevWalletPaymentError } from '../../lightning/index.js';
import type { DevPayee, DevPayeeInvoice } from '../../lightning/devnode/payee.js';
import { DevInvoiceRequestSchema, DevPayRequestSchema, type DevInvoice, type DevPayResponse } from '../../../contract/api.js';
import { jsonObject } from '../body.js';
import { parseWith } from '../parse-with.js';

export interface DevRouteDeps {
  payWithDevWallet: (bolt11: string) => Promise<{ preimage: string }>;
  devPayee?: DevPayee;
}

const DEFAULT_DESCRIPTION = 'Withdrawal to the development payee wallet';
const NO_AMOUNT_DESCRIPTION = 'Refund to the development payee wallet';

function devInvoiceView(i: DevPayeeInvoice): DevInvoice {
  return {
    invoice: i.bolt11,
    payment_hash: i.paymentHash,
    amount_sats: msatToSats(i.amountMsat),
    expires_at: i.expiresAt,
    paid: i.paid,
    payee_balance_sats: msatToSats(i.payeeBalanceMsat),
  };
}

export function devRoutes(app: FastifyInstance, deps: DevRouteDeps): void {
  app.post('/api/v1/dev/pay', async (req): Promise<DevPayResponse> => {
    const invoice = parseWith(DevPayRequestSchema, jsonObject(req)).invoice.trim();
    if (!/^ln[a-z0-9]+$/i.test(invoice)) throw new AppError('invalid_field_value', 'invoice must be a BOLT11 invoice.', { field: 'invoice' });
    try {
      return await deps.payWithDevWallet(invoice);
    } catch (err) {
      if (err instanceof DevWalletPaymentError) {
        throw new AppError('invalid_field_value', `The development wallet could not pay this invoice: ${err.message}.`, { field: 'invoice' });
      }
      throw err;
    }
  });

  const payee = deps.devPayee;
  if (!payee) return;

  app.post('/api/v1/dev/invoice', async (req, reply): Promise<DevInvoice> => {
    const body = parseWith(DevInvoiceRequestSchema, jsonObject(req));
    const amountMsat = body.amount_sats === undefined ? null : BigInt(body.amount_sats) * 1000n;
    const created = await payee.createInvoice(amountMsat, body.description?.trim() || (amountMsat === null ? NO_AMOUNT_DESCRIPTION : DEFAULT_DESCRIPTION));
    void reply.code(201);
    return devInvoiceView(created);
  });

  app.get<{ Params: { payment_hash: string } }>('/api/v1/dev/invoice/:payment_hash', async (req): Promise<DevInvoice> => {
    const found = /^[0-9a-f]{64}$/i.test(req.params.payment_hash) ? payee.invoice(req.params.payment_hash) : null;
    if (!found) throw new AppError('not_found', 'The development payee wallet has no invoice of this payment hash.');
    return devInvoiceView(found);
  });
}
