// Only with the built-in development node: pay an invoice from its "wallet" so a newcomer
// can try everything without real sats. Never registered with a real backend.
import type { FastifyInstance } from 'fastify';
import { AppError } from '../../errors.js';
import { DevWalletPaymentError } from '../../lightning/index.js';
import { DevPayRequestSchema, type DevPayResponse } from '../../../contract/api.js';
import { jsonObject } from '../body.js';
import { parseWith } from '../parse-with.js';

export function devRoutes(app: FastifyInstance, deps: { payWithDevWallet: (bolt11: string) => Promise<{ preimage: string }> }): void {
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
}
