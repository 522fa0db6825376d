// The development node at the HTTP level: phoenixd's statuses and texts, webhooks, its state file, its CLI.
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyPhoenixdWebhook } from '../webhook.js';
import { callNode, payThroughNode, randomPassword, startWebhookReceiver, waitUntil, type WebhookReceiver } from '../testing.js';
import { startDevnode, type RunningDevnode } from './index.js';

const SECRET = 'devnode-test-secret';

describe('devnode HTTP API', () => {
  const password = randomPassword();
  let node: RunningDevnode;
  let hooks: WebhookReceiver;
  let perInvoiceHooks: WebhookReceiver;
  let dataDir: string;
  const call = (method: 'GET' | 'POST', path: string, form?: Record<string, string>) => callNode(node.url, password, method, path, form);
  const createInvoice = async (form: Record<string, string>) => JSON.parse((await call('POST', '/createinvoice', form)).text) as { paymentHash: string; serialized: string };

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'abl-devnode-http-'));
    hooks = await startWebhookReceiver();
    perInvoiceHooks = await startWebhookReceiver();
    node = await startDevnode({ port: 0, password, dataDir, webhookUrl: hooks.url, webhookSecret: SECRET, webhookRetryDelaysMs: [50, 50] });
  });

  afterAll(async () => {
    await node.close();
    await Promise.all([hooks.close(), perInvoiceHooks.close()]);
    await rm(dataDir, { recursive: true, force: true });
  });

  it('answers 401 in plain text without the password, and accepts any user name with it', async () => {
    for (const pw of [null, 'wrong']) {
      const answer = await callNode(node.url, pw, 'GET', '/getinfo');
      expect(answer.status).toBe(401);
      expect(answer.text).toMatch(/^Invalid authentication/);
    }
    const withUser = await fetch(`${node.url}/getbalance`, { headers: { authorization: `Basic ${Buffer.from(`someone:${password}`).toString('base64')}` } });
    expect(withUser.status).toBe(200);
    expect(await withUser.json()).toEqual({ balanceSat: 1_000_000, feeCreditSat: 0 });
  });

  it('serves getinfo like phoenixd', async () => {
    expect(JSON.parse((await call('GET', '/getinfo')).text)).toEqual({ nodeId: node.nodeId, channels: [], chain: 'regtest', version: 'devnode' });
  });

  it('answers 404 texts: "Not found" for an unknown hash, another for an unknown endpoint', async () => {
    expect(await call('GET', `/payments/incoming/${'00'.repeat(32)}`)).toEqual({ status: 404, text: 'Not found' });
    expect(await call('GET', `/payments/outgoingbyhash/${'00'.repeat(32)}`)).toEqual({ status: 404, text: 'Not found' });
    expect(await call('GET', '/nothing-here')).toEqual({ status: 404, text: 'Unknown endpoint (check api doc)' });
  });

  it('answers 400 in plain text for bad parameters', async () => {
    const cases: [string, Record<string, string>, RegExp][] = [
      ['/createinvoice', { description: 'x'.repeat(129) }, /too long/],
      ['/createinvoice', { amountSat: '5' }, /either a description or descriptionHash/],
      ['/createinvoice', { description: 'd', amountSat: 'five' }, /amountSat couldn't be parsed/],
      ['/createinvoice', { description: 'd', webhookUrl: 'ftp://x' }, /webhookUrl couldn't be parsed/],
      ['/payinvoice', {}, /invoice is missing/],
      ['/payinvoice', { invoice: 'lnbcrt1garbage' }, /bolt11invoice/],
      ['/_devnode/next-payment', { outcome: 'maybe' }, /outcome/],
    ];
    for (const [path, form, message] of cases) {
      const answer = await call('POST', path, form);
      expect(answer.status, `${path} ${JSON.stringify(form)}`).toBe(400);
      expect(answer.text).toMatch(message);
    }
    expect((await call('GET', '/payments/incoming/xyz')).status).toBe(400);
  });

  it('answers 400 (as phoenixd does) for a zero-amount invoice paid without amountSat', async () => {
    const invoice = await createInvoice({ description: 'tip jar' });
    const answer = await call('POST', '/payinvoice', { invoice: invoice.serialized });
    expect(answer).toEqual({ status: 400, text: 'Request parameter amountSat is missing' });
    expect((await payThroughNode(node.url, password, invoice.serialized, 42)).recipientAmountSat).toBe(42);
  });

  it('issues description-hash invoices too', async () => {
    const invoice = await createInvoice({ descriptionHash: 'ab'.repeat(32), amountSat: '3' });
    const record = JSON.parse((await call('GET', `/payments/incoming/${invoice.paymentHash}`)).text) as Record<string, unknown>;
    expect(record).toMatchObject({ requestedSat: 3, isPaid: false });
    expect(record.description).toBeUndefined(); // null fields are left out, as phoenixd does
  });

  it('sends phoenixd-style signed webhooks to the configured and the per-invoice URL, retrying failures', async () => {
    const invoice = await createInvoice({ description: 'd', amountSat: '9', externalId: 'order-9', webhookUrl: perInvoiceHooks.url });
    const attemptsBefore = hooks.attempts();
    hooks.failFirst([500]);
    await payThroughNode(node.url, password, invoice.serialized);
    const general = await hooks.waitFor(invoice.paymentHash);
    const perInvoice = await perInvoiceHooks.waitFor(invoice.paymentHash);
    expect(hooks.attempts() - attemptsBefore).toBe(2); // refused once, delivered on the retry
    for (const hook of [general, perInvoice]) {
      expect(verifyPhoenixdWebhook(hook.body, hook.signature, SECRET)).toEqual({ paymentHash: invoice.paymentHash, amountMsat: 9_000n, externalId: 'order-9' });
    }
    expect(general.body.toString()).toContain('\n    "type": "payment_received"'); // pretty-printed like phoenixd's client
    const body = JSON.parse(general.body.toString()) as Record<string, unknown>;
    expect(Object.keys(body)).toEqual(['type', 'timestamp', 'amountSat', 'paymentHash', 'externalId', 'payerNote', 'payerKey']);
  });

  it('pays even when the webhook cannot be delivered', async () => {
    node.setWebhookUrl('http://127.0.0.1:9/unreachable');
    try {
      const invoice = await createInvoice({ description: 'd', amountSat: '1' });
      expect((await payThroughNode(node.url, password, invoice.serialized)).paymentHash).toBe(invoice.paymentHash);
    } finally {
      node.setWebhookUrl(hooks.url);
    }
  });

  it('keeps its state in one JSON file, written atomically and readable only by its owner', async () => {
    await createInvoice({ description: 'persisted', amountSat: '2' });
    expect(await readdir(dataDir)).toEqual(['devnode-state.json']); // no temp files left behind
    const file = join(dataDir, 'devnode-state.json');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const state = JSON.parse(await readFile(file, 'utf8')) as { version: number; incoming: unknown[] };
    expect(state.version).toBe(1);
    expect(state.incoming.length).toBeGreaterThan(0);
  });
});

describe('devnode close', () => {
  it('cuts a stalled payment short, completes and saves it, then stops', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'abl-devnode-close-'));
    const password = randomPassword();
    try {
      const first = await startDevnode({ port: 0, password, dataDir });
      const invoice = JSON.parse((await callNode(first.url, password, 'POST', '/createinvoice', { description: 'd', amountSat: '4' })).text) as { paymentHash: string; serialized: string };
      await callNode(first.url, password, 'POST', '/_devnode/next-payment', { outcome: 'pending', holdMs: '30000' });
      const paying = payThroughNode(first.url, password, invoice.serialized);
      await waitUntil(async () => ((await callNode(first.url, password, 'GET', `/payments/outgoingbyhash/${invoice.paymentHash}`)).status === 200 ? true : null));
      const started = Date.now();
      await first.close();
      expect(Date.now() - started).toBeLessThan(2_000);
      expect((await paying).paymentHash).toBe(invoice.paymentHash); // the stalled client still got its answer

      const second = await startDevnode({ port: 0, password, dataDir });
      try {
        const outgoing = JSON.parse((await callNode(second.url, password, 'GET', `/payments/outgoingbyhash/${invoice.paymentHash}`)).text) as Record<string, unknown>;
        expect(outgoing).toMatchObject({ isPaid: true, sent: 4 });
        const incoming = JSON.parse((await callNode(second.url, password, 'GET', `/payments/incoming/${invoice.paymentHash}`)).text) as Record<string, unknown>;
        expect(incoming).toMatchObject({ isPaid: true, receivedSat: 4 });
      } finally {
        await second.close();
      }
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});

describe('devnode CLI', () => {
  it('prints {url,nodeId}, serves, and stops cleanly on SIGTERM', async () => {
    const cli = fileURLToPath(new URL('./cli.ts', import.meta.url));
    const password = randomPassword();
    const child = spawn(process.execPath, ['--import', 'tsx', cli, '--port', '0', '--host', '127.0.0.1'], {
      env: { ...process.env, DEVNODE_PASSWORD: password },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    try {
      const firstLine = await new Promise<string>((resolve, reject) => {
        createInterface({ input: child.stdout }).once('line', resolve);
        child.once('exit', (code) => reject(new Error(`cli exited with ${code}`)));
      });
      const started = JSON.parse(firstLine) as { url: string; nodeId: string };
      expect(started.nodeId).toMatch(/^0[23][0-9a-f]{64}$/);
      expect(JSON.parse((await callNode(started.url, password, 'GET', '/getinfo')).text)).toMatchObject({ nodeId: started.nodeId });
      const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });

  it('--payee-port: a second node, empty, whose invoices the first one pays (withdrawals in development)', async () => {
    const cli = fileURLToPath(new URL('./cli.ts', import.meta.url));
    const password = randomPassword();
    const child = spawn(process.execPath, ['--import', 'tsx', cli, '--port', '0', '--host', '127.0.0.1', '--payee-port', '0'], {
      env: { ...process.env, DEVNODE_PASSWORD: password },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    try {
      const firstLine = await new Promise<string>((resolve, reject) => {
        createInterface({ input: child.stdout }).once('line', resolve);
        child.once('exit', (code) => reject(new Error(`cli exited with ${code}`)));
      });
      const started = JSON.parse(firstLine) as { url: string; nodeId: string; payeeUrl: string };
      expect(started.payeeUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(JSON.parse((await callNode(started.payeeUrl, password, 'GET', '/getbalance')).text)).toEqual({ balanceSat: 0, feeCreditSat: 0 });
      const invoice = JSON.parse((await callNode(started.payeeUrl, password, 'POST', '/createinvoice', { amountSat: '70', description: 'withdrawal' })).text) as { serialized: string };
      const paid = JSON.parse((await callNode(started.url, password, 'POST', '/payinvoice', { invoice: invoice.serialized })).text) as { paymentPreimage?: string };
      expect(paid.paymentPreimage).toMatch(/^[0-9a-f]{64}$/);
      expect(JSON.parse((await callNode(started.payeeUrl, password, 'GET', '/getbalance')).text)).toEqual({ balanceSat: 70, feeCreditSat: 0 });
      const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
