import { createHash } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DevWalletPaymentError, invoiceWebhookUrl, openWallet } from './index.js';
import { foreignInvoice, startWebhookReceiver, type WebhookReceiver } from './testing.js';

describe('openWallet', () => {
  let dataDir: string;
  let hooks: WebhookReceiver;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'abl-openwallet-'));
    hooks = await startWebhookReceiver();
  });

  afterAll(async () => {
    await hooks.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('without phoenixd: starts a devnode in-process, reachable through the phoenixd client', async () => {
    const warnings: string[] = [];
    const opened = await openWallet({ dataDir, log: { warn: (m) => warnings.push(m) } });
    try {
      expect(opened.devnodeUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(opened.wallet.kind).toBe('phoenixd');
      expect(warnings.join('\n')).toMatch(/development Lightning node/);
      expect(await readdir(join(dataDir, 'devnode'))).toContain('devnode-state.json');

      opened.setWebhookUrl(hooks.url); // known only once the server listens
      const created = await opened.wallet.createInvoice({ amountMsat: 8_000n, description: 'top-up', expirySeconds: 600, externalId: 'acct-1' });
      const paid = await opened.payWithDevWallet?.(created.bolt11);
      expect(createHash('sha256').update(Buffer.from(paid?.preimage ?? '', 'hex')).digest('hex')).toBe(created.paymentHash);
      expect(await opened.wallet.getInvoice(created.paymentHash)).toMatchObject({ isPaid: true, receivedMsat: 8_000n });

      const hook = await hooks.waitFor(created.paymentHash);
      expect(opened.wallet.verifyWebhook(hook.body, hook.signature)).toEqual({ paymentHash: created.paymentHash, amountMsat: 8_000n, externalId: 'acct-1' });

      await expect(opened.payWithDevWallet?.(foreignInvoice().bolt11)).rejects.toThrow(DevWalletPaymentError);
    } finally {
      await opened.close();
    }
  });

  it('reopens the same devnode state from the data dir', async () => {
    const first = await openWallet({ dataDir });
    const { nodeId } = await first.wallet.getInfo();
    const created = await first.wallet.createInvoice({ amountMsat: 1_000n, description: 'kept', expirySeconds: 600 });
    await first.close();
    const second = await openWallet({ dataDir });
    try {
      expect(second.devnodeUrl).not.toBe(first.devnodeUrl); // a fresh port and password each start
      expect((await second.wallet.getInfo()).nodeId).toBe(nodeId);
      expect(await second.wallet.getInvoice(created.paymentHash)).toMatchObject({ isPaid: false, bolt11: created.bolt11 });
    } finally {
      await second.close();
    }
  });

  it('with PHOENIXD_URL: a phoenixd client, no devnode, and a warning when webhooks cannot be verified', async () => {
    const warnings: string[] = [];
    const opened = await openWallet({ phoenixdUrl: 'http://127.0.0.1:9740', phoenixdPassword: 'pw', dataDir, log: { warn: (m) => warnings.push(m) } });
    try {
      expect(opened.devnodeUrl).toBeNull();
      expect(opened.payWithDevWallet).toBeUndefined();
      expect(warnings.join('\n')).toMatch(/PHOENIXD_WEBHOOK_SECRET/);
    } finally {
      await opened.close();
    }
    await expect(openWallet({ phoenixdUrl: 'http://127.0.0.1:9740', dataDir })).rejects.toThrow(/PHOENIXD_PASSWORD/);
  });

  it('an invoice names the webhook only where phoenixd can sign it: with a webhook secret', () => {
    const url = 'https://pay.example/api/v1/webhooks/phoenixd';
    expect(invoiceWebhookUrl({ kind: 'phoenixd', url: 'http://127.0.0.1:9740', password: 'pw', webhookSecret: 'whsec' }, url)).toBe(url);
    // without one every call would be refused with 401: payments are found by polling
    expect(invoiceWebhookUrl({ kind: 'phoenixd', url: 'http://127.0.0.1:9740', password: 'pw' }, url)).toBeUndefined();
    expect(invoiceWebhookUrl({ kind: 'devnode' }, url)).toBeUndefined();
  });
});
