// Support for the operations tests (many instances, faults, abuse): catalog copies with small
// limits, a phoenixd-API client for development nodes, direct SQL on a test schema, waiting.
import { execFile, execFileSync } from 'node:child_process';
import { chownSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { request } from 'undici';
import YAML from 'yaml';
import { createLedger } from '../ledger/index.js';
import { openStore } from '../store/index.js';
import { flattenPrices } from '../testing/flat-prices.js';
import { call } from '../testing/harness.js';

export interface ConfigOverrides {
  /** every upstream's timeout_seconds (endpoint overrides removed) */
  timeoutSeconds?: number;
  jsonBodyBytes?: number;
  uploadBytes?: number;
  /** metered models priced flat per call (the mechanics tests' arithmetic; see testing/flat-prices.ts) */
  flatPrices?: boolean;
}

/** A copy of the shipped config.yaml with small limits, in a temp dir; ABL_CONFIG points at `path`. */
export function writeTestConfig(overrides: ConfigOverrides): { path: string; remove(): void } {
  const doc = YAML.parse(readFileSync(join(process.cwd(), 'config.yaml'), 'utf8')) as {
    limits: { json_body_bytes: number; upload_bytes: number };
    apis: { upstream: { timeout_seconds: number }; endpoints: { timeout_seconds?: number }[] }[];
  };
  if (overrides.timeoutSeconds !== undefined) {
    for (const api of doc.apis) {
      api.upstream.timeout_seconds = overrides.timeoutSeconds;
      for (const e of api.endpoints) delete e.timeout_seconds;
    }
  }
  if (overrides.jsonBodyBytes !== undefined) doc.limits.json_body_bytes = overrides.jsonBodyBytes;
  if (overrides.uploadBytes !== undefined) doc.limits.upload_bytes = overrides.uploadBytes;
  if (overrides.flatPrices) flattenPrices(doc);
  const dir = mkdtempSync(join(tmpdir(), 'abl-config-'));
  const path = join(dir, 'config.yaml');
  writeFileSync(path, YAML.stringify(doc));
  return { path, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Calls a development node (or phoenixd) over its HTTP API: basic auth, form bodies, JSON answers. */
export async function phoenixd(node: { url: string; password: string }, method: 'GET' | 'POST', path: string, form?: Record<string, string>): Promise<any> {
  const res = await request(`${node.url}${path}`, {
    method,
    headers: {
      authorization: `Basic ${Buffer.from(`:${node.password}`).toString('base64')}`,
      ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
    },
    ...(form ? { body: new URLSearchParams(form).toString() } : {}),
  });
  const text = await res.body.text();
  if (res.statusCode !== 200) throw new Error(`${method} ${path}: HTTP ${res.statusCode} ${text}`);
  return JSON.parse(text);
}

/** Distinct client addresses (X-Forwarded-For behind ABL_TRUST_PROXY), so rate limits stay per scenario. */
export function clientAddresses(prefix = 10): () => string {
  let n = 0;
  return () => {
    n++;
    return `${prefix}.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;
  };
}

/** Buys a token on `base`: top-up invoice, paid by `pay`, claimed. */
export async function buyToken(base: string, pay: (bolt11: string) => Promise<string>, sats: number, headers: Record<string, string> = {}): Promise<string> {
  const created = await call(base, 'POST', '/api/v1/topup', { body: { amount_sats: sats }, headers });
  if (created.status !== 201) throw new Error(`top-up: ${created.status} ${JSON.stringify(created.body)}`);
  const claimed = await call(base, 'POST', '/api/v1/topup/claim', { body: { preimage: await pay(created.body.invoice) }, headers });
  if (claimed.status !== 200) throw new Error(`claim: ${claimed.status} ${JSON.stringify(claimed.body)}`);
  return claimed.body.token as string;
}

export async function balanceOf(base: string, token: string): Promise<number> {
  const res = await call(base, 'GET', '/api/v1/balance', { headers: { 'x-token': token } });
  if (res.status !== 200) throw new Error(`balance: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.balance_sats as number;
}

/** Runs one SQL statement on a database URL (a test schema's search_path included). */
export async function sql<R = Record<string, unknown>>(url: string, text: string, params: unknown[] = []): Promise<R[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(text, params)).rows as R[];
  } finally {
    await client.end();
  }
}

/** Polls until `check` returns a value other than undefined/false, or throws after timeoutMs. */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined | false>, timeoutMs = 10_000, everyMs = 50): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** What `npm run ledger:audit` would report on a test schema, read by a store opened for it alone. */
export async function auditProblems(databaseUrl: string): Promise<string[]> {
  const db = await openStore({ databaseUrl, dataDir: null });
  try {
    return (await (await createLedger(db)).audit()).problems;
  } finally {
    await db.close();
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export const CHAT = '/api/v1/openai/v1/chat/completions';
export const chatBody = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hello' }] };
/** gpt-4o-mini's price in the shipped catalog */
export const CHAT_SATS = 30;

export interface ThrowawayPostgres {
  url: string;
  /** `pg_ctl restart -m fast`: every connection is cut, the cluster is back when it resolves */
  restart(): Promise<void>;
  /** `pg_ctl stop -m immediate`, then start: a crash (WAL not yet written is lost), then recovery */
  crash(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * A private PostgreSQL cluster in a temp dir on a free port (initdb + pg_ctl), for tests that
 * restart or stop the database: the shared cluster on 5432 is never touched. As root, the
 * binaries run as the `postgres` user (initdb refuses root).
 */
export async function startThrowawayPostgres(port: number): Promise<ThrowawayPostgres> {
  const versions = readdirSync('/usr/lib/postgresql').sort((x, y) => Number(y) - Number(x));
  if (versions.length === 0) throw new Error('no PostgreSQL binaries under /usr/lib/postgresql');
  const bin = join('/usr/lib/postgresql', versions[0]!, 'bin');
  const dir = mkdtempSync(join(tmpdir(), 'abl-pg-'));
  const data = join(dir, 'data');
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    const pw = execFileSync('id', ['-u', 'postgres']).toString().trim();
    const gr = execFileSync('id', ['-g', 'postgres']).toString().trim();
    chownSync(dir, Number(pw), Number(gr));
  }
  const run = (tool: string, args: string[]) =>
    new Promise<void>((resolve, reject) => {
      const [cmd, argv] = asRoot ? ['runuser', ['-u', 'postgres', '--', join(bin, tool), ...args]] : [join(bin, tool), args];
      execFile(cmd, argv, { timeout: 60_000 }, (err, _stdout, stderr) => (err ? reject(new Error(`${tool}: ${err.message}\n${stderr}`)) : resolve()));
    });
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off`;
  await run('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8']);
  await run('pg_ctl', ['start', '-D', data, '-w', '-t', '60', '-o', options, '-l', join(dir, 'log')]);
  let stopped = false;
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    restart: () => run('pg_ctl', ['restart', '-D', data, '-m', 'fast', '-w', '-t', '60', '-o', options, '-l', join(dir, 'log')]),
    async crash() {
      await run('pg_ctl', ['stop', '-D', data, '-m', 'immediate', '-w']);
      await run('pg_ctl', ['start', '-D', data, '-w', '-t', '60', '-o', options, '-l', join(dir, 'log')]);
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await run('pg_ctl', ['stop', '-D', data, '-m', 'immediate', '-w']).catch(() => {});
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
