// Integration-test harness: a real server listening on loopback, on PGlite or a fresh
// PostgreSQL schema, paid through a standalone development node over its HTTP API —
// the same path a black-box run takes with phoenixd.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { readSettings } from '../config.js';
import { startDevnode } from '../lightning/devnode/index.js';
import { startServer, type RunningServer } from '../server.js';
import { createPostgresSchema } from '../store/testing.js';

export interface TestDevnode {
  url: string;
  password: string;
  webhookSecret?: string;
  nodeId: string;
  close(): Promise<void>;
}

export async function startTestDevnode(opts: { webhookUrl?: string; webhookSecret?: string; dataDir?: string } = {}): Promise<TestDevnode> {
  const password = randomBytes(12).toString('hex');
  const node = await startDevnode({ host: '127.0.0.1', port: 0, password, ...opts });
  return { url: node.url, password, nodeId: node.nodeId, ...(opts.webhookSecret ? { webhookSecret: opts.webhookSecret } : {}), close: () => node.close() };
}

/** Pays a BOLT11 invoice through a devnode's /payinvoice, as a test wallet would; returns the preimage. */
export async function payInvoice(node: { url: string; password: string }, bolt11: string): Promise<string> {
  const res = await request(`${node.url}/payinvoice`, {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from(`:${node.password}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ invoice: bolt11 }).toString(),
  });
  const body = (await res.body.json()) as { paymentPreimage?: string; reason?: string };
  if (!body.paymentPreimage) throw new Error(`payment failed: ${body.reason ?? res.statusCode}`);
  return body.paymentPreimage;
}

export interface TestServerOptions {
  store: 'pglite' | 'postgres';
  env?: Record<string, string>;
  /** reuse a devnode (restart tests); otherwise one is started and closed with the server */
  devnode?: TestDevnode;
  /** reuse a data dir / database across a restart */
  dataDir?: string;
  databaseUrl?: string;
  /** the server's clock (Unix seconds); the wall clock unless given */
  now?: () => number;
}

export interface TestServer {
  url: string;
  server: RunningServer;
  devnode: TestDevnode;
  dataDir: string;
  databaseUrl: string | undefined;
  webhookSecret: string;
  pay(bolt11: string): Promise<string>;
  /** stops the server only (data and devnode stay) */
  stop(): Promise<void>;
  /** stops everything and removes what it created */
  close(): Promise<void>;
}

export async function startTestServer(opts: TestServerOptions): Promise<TestServer> {
  const webhookSecret = opts.devnode?.webhookSecret ?? 'whsec-' + randomBytes(8).toString('hex');
  // the devnode signs its payment_received webhooks with the secret the server checks, as phoenixd would
  const devnode = opts.devnode ?? (await startTestDevnode({ webhookSecret }));
  const walletEnv = { PHOENIXD_URL: devnode.url, PHOENIXD_PASSWORD: devnode.password, PHOENIXD_WEBHOOK_SECRET: webhookSecret };
  const started = await launch(opts, walletEnv, (bolt11) => payInvoice(devnode, bolt11), async () => {
    if (!opts.devnode) await devnode.close();
  });
  return { ...started, devnode, webhookSecret };
}

/** A wallet backend the server is started on instead of the development node (a fake LND, clnrest or NWC service: wallet-rigs.ts). */
export interface ServerWallet {
  /** the server settings that choose and reach it */
  env: Record<string, string>;
  /** pays one of the server's invoices from another node; answers the preimage */
  payFromOutside(bolt11: string): Promise<string>;
}

export type WalletTestServer = Omit<TestServer, 'devnode' | 'webhookSecret'>;

/** The same server as startTestServer, on another wallet backend; the caller closes that backend. */
export function startTestServerOn(wallet: ServerWallet, opts: Omit<TestServerOptions, 'devnode'>): Promise<WalletTestServer> {
  return launch(opts, wallet.env, (bolt11) => wallet.payFromOutside(bolt11), async () => {});
}

async function launch(opts: TestServerOptions, walletEnv: Record<string, string>, pay: (bolt11: string) => Promise<string>, closeWallet: () => Promise<void>): Promise<WalletTestServer> {
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'abl-test-'));
  const schema = opts.store === 'postgres' && !opts.databaseUrl ? await createPostgresSchema() : null;
  const databaseUrl = opts.databaseUrl ?? schema?.url;
  const settings = readSettings({
    PORT: '0',
    HOST: '127.0.0.1',
    ABL_CONFIG: join(process.cwd(), 'config.yaml'),
    ABL_DATA_DIR: dataDir,
    ...walletEnv,
    LOG_LEVEL: 'silent',
    ABL_RATE_LIMIT: '0',
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
    ...opts.env,
  });
  const server = await startServer(settings, opts.now ? { now: opts.now } : {});
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await server.close();
  };
  return {
    url: server.url,
    server,
    dataDir,
    databaseUrl,
    pay,
    stop,
    async close() {
      await stop();
      await closeWallet();
      if (!opts.dataDir) rmSync(dataDir, { recursive: true, force: true });
      await schema?.drop();
    },
  };
}

/** A small JSON client for tests: status, headers and parsed body. */
export async function call(
  base: string,
  method: string,
  path: string,
  opts: { body?: unknown; rawBody?: string; headers?: Record<string, string> } = {},
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: any }> {
  const headers: Record<string, string> = { ...opts.headers };
  let payload: string | undefined = opts.rawBody;
  if (opts.body !== undefined) {
    payload = JSON.stringify(opts.body);
    headers['content-type'] ??= 'application/json';
  }
  const res = await request(base + path, { method: method as 'GET', headers, ...(payload !== undefined ? { body: payload } : {}) });
  const text = await res.body.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    /* not JSON: keep the text */
  }
  return { status: res.statusCode, headers: res.headers, body };
}
