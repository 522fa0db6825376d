// phoenixd's payment_received webhook: the raw body must carry a valid signature.
import type { FastifyInstance } from 'fastify';
import { AppError } from '../../errors.js';
import type { WalletBackend } from '../../lightning/backend.js';
import type { TopupService } from '../../topup/service.js';

export function webhookRoutes(app: FastifyInstance, deps: { wallet: WalletBackend; topups: TopupService }): void {
  app.post('/api/v1/webhooks/phoenixd', async (req) => {
    const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const sig = req.headers['x-phoenix-signature'];
    const event = deps.wallet.verifyWebhook(raw, Array.isArray(sig) ? sig[0] : sig);
    if (!event) throw new AppError('invalid_signature', 'The webhook signature is missing or wrong.');
    await deps.topups.onPaymentNotice(event.paymentHash);
    return { received: true };
  });
}
