// startDevnode: a development Lightning node that speaks phoenixd's HTTP API, issues real signed
// BOLT11 invoices (regtest by default), pays its own and its peers' invoices, sends phoenixd's
// webhooks, and keeps its state in <dataDir>/devnode-state.json across restarts.
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { paymentReceivedWebhook } from './views.js';
import { apiRoutes } from './api-routes.js';
import { devnodeRoutes } from './devnode-routes.js';
import { buildDevnodeHttp } from './http.js';
import { generateNodeKey, type Chain } from './keys.js';
import { DevNode } from './node.js';
import { Payer } from './pay.js';
import { PeerDirectory, type PeerConfig } from './peers.js';
import { parseState, serializeState, type DevnodeState, type IncomingRecord } from './state.js';
import { readIfExists, StateFile } from './state-file.js';
import { WebhookSender } from './webhook-sender.js';

export type { PeerConfig } from './peers.js';
export type { IncomingRecord } from './state.js';

export interface DevnodeOptions {
  host?: string;
  /** 0 = any free port; default 9740 like phoenixd */
  port?: number;
  password: string;
  /** where the state file lives; without it the node forgets everything when it stops */
  dataDir?: string;
  /** like phoenixd's `webhook=`: told about every received payment */
  webhookUrl?: string;
  /** signs webhooks; default random (then nobody can verify them) */
  webhookSecret?: string;
  peers?: PeerConfig[];
  /** balance of a new node; default 1,000,000 sats */
  initialBalanceSat?: number;
  /** default regtest (lnbcrt invoices) */
  chain?: Chain;
  /** stall of next-payment `pending` when the request gives no holdMs; default 5 s */
  defaultHoldMs?: number;
  /** clock in epoch ms (tests) */
  now?: () => number;
  /** waits between webhook attempts; default 250 ms, 1 s, 3 s */
  webhookRetryDelaysMs?: number[];
}

export interface RunningDevnode {
  url: string;
  nodeId: string;
  /** Issues one of this node's invoices in-process (the development payee wallet uses it). */
  createInvoice(amountMsat: bigint | null, description: string, expirySeconds: number): Promise<IncomingRecord>;
  /** one of this node's invoices by payment hash; undefined when it never issued it */
  incoming(paymentHash: string): IncomingRecord | undefined;
  balanceMsat(): bigint;
  /** the configured webhook, changeable once the receiving server knows its own address */
  setWebhookUrl(url: string | null): void;
  close(): Promise<void>;
}

const STATE_FILE = 'devnode-state.json';

export async function startDevnode(opts: DevnodeOptions): Promise<RunningDevnode> {
  if (!opts.password) throw new Error('the devnode needs a password');
  const now = opts.now ?? Date.now;
  const statePath = opts.dataDir ? join(opts.dataDir, STATE_FILE) : null;
  const state = await loadState(statePath, opts.initialBalanceSat ?? 1_000_000, now);
  const file = statePath ? new StateFile(statePath, () => serializeState(state)) : null;
  await file?.save(); // a new node's key is on disk before its first invoice

  let webhookUrl = opts.webhookUrl ?? null;
  const webhooks = new WebhookSender({
    secret: opts.webhookSecret ?? randomBytes(32).toString('hex'),
    ...(opts.webhookRetryDelaysMs ? { retryDelaysMs: opts.webhookRetryDelaysMs } : {}),
  });
  const node = new DevNode({
    state,
    chain: opts.chain ?? 'regtest',
    persist: () => file?.save() ?? Promise.resolve(),
    now,
    onReceived: (record) => {
      const urls = [webhookUrl, record.webhookUrl].filter((u): u is string => u !== null);
      if (urls.length > 0) webhooks.send(urls, paymentReceivedWebhook(record, now()));
    },
  });
  const peers = new PeerDirectory(opts.peers ?? []);
  const payer = new Payer(node, peers);
  const app = buildDevnodeHttp(opts.password);
  apiRoutes(app, { node, payer });
  devnodeRoutes(app, { node, payer, defaultHoldMs: opts.defaultHoldMs ?? 5_000 });

  const host = opts.host ?? '127.0.0.1';
  try {
    await app.listen({ host, port: opts.port ?? 9740 });
  } catch (err) {
    await Promise.all([webhooks.close(), peers.close()]);
    throw err;
  }
  const { port } = app.server.address() as AddressInfo;
  return {
    url: `http://${urlHost(host)}:${port}`,
    nodeId: node.nodeId,
    createInvoice: (amountMsat, description, expirySeconds) =>
      node.createInvoice({ amountMsat, description: { text: description }, expirySeconds, externalId: null, webhookUrl: null }),
    incoming: (paymentHash) => node.incoming(paymentHash),
    balanceMsat: () => node.balanceMsat,
    setWebhookUrl: (url) => {
      webhookUrl = url;
    },
    close: async () => {
      await payer.finishAll(); // stalled payments complete (and are saved) before anything closes
      await app.close();
      await payer.finishAll(); // a payment whose client hung up does not hold app.close() open
      await Promise.all([webhooks.close(), peers.close()]);
      await file?.save();
    },
  };
}

async function loadState(path: string | null, initialBalanceSat: number, now: () => number): Promise<DevnodeState> {
  const saved = path ? await readIfExists(path) : null;
  if (!saved) {
    return { privateKey: generateNodeKey(), balanceMsat: BigInt(initialBalanceSat) * 1000n, incoming: new Map(), outgoing: [] };
  }
  const state = parseState(saved);
  // A payment still pending in the file was cut off by a crash before it was attempted.
  for (const record of state.outgoing) {
    if (record.status === 'pending') Object.assign(record, { status: 'failed', reason: 'interrupted by a restart', completedAtMs: now() });
  }
  return state;
}

function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '::') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}
