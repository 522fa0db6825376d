// The only reader of process.env: every setting the server takes, validated once.
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { z } from 'zod';
import { NwcUriError, parseNwcUri } from './lightning/nwc/connection.js';
import { supabaseDatabaseUrl, SupabaseSettingsError } from './store/supabase.js';

const port = z.coerce.number().int().min(0).max(65535);
/** a duration in seconds (decimals allowed) */
const seconds = z.coerce.number().positive();
const optional = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));
/** a node's or a service's address: http or https only (another scheme is a typo, not a node that does not answer) */
const httpUrl = optional.pipe(z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional());
/** a PostgreSQL connection URL, told apart from a typo before any connection is tried */
const postgresUrl = optional.pipe(
  z
    .string()
    .refine((v) => URL.canParse(v) && /^postgres(ql)?:$/.test(new URL(v).protocol), 'must be a postgres:// (or postgresql://) URL, e.g. postgres://user:password@host:5432/database')
    .optional(),
);

/** an address or a CIDR range (bits or a v4 netmask), or one of the named ranges Fastify's trustProxy knows */
function isProxyAddress(part: string): boolean {
  if (['loopback', 'linklocal', 'uniquelocal'].includes(part)) return true;
  const [address, bits, ...more] = part.split('/');
  const kind = isIP(address ?? '');
  if (kind === 0 || more.length > 0) return false;
  return bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= (kind === 4 ? 32 : 128)) || (kind === 4 && isIP(bits) === 4);
}
const trustProxy = optional.pipe(
  z
    .string()
    .refine((v) => v === 'true' || v === 'false' || v.split(',').every((p) => isProxyAddress(p.trim())), 'must be true, false, or the reverse proxy\'s addresses or CIDR ranges, comma-separated (e.g. 127.0.0.1,10.0.0.0/8)')
    .optional(),
);
/** an IP address or a host name; digits and dots alone must be an IPv4 address */
const host = optional.pipe(
  z
    .string()
    .refine((v) => isIP(v) !== 0 || (/^[a-z0-9.-]+$/i.test(v) && !/^[\d.]+$/.test(v)), 'must be an IP address or a host name (e.g. 127.0.0.1, 0.0.0.0, ::, localhost)')
    .default('127.0.0.1'),
);

const EnvSchema = z.object({
  PORT: port.default(3000),
  HOST: host,
  ABL_CONFIG: z.string().default('./config.yaml'),
  DATABASE_URL: postgresUrl,
  /** the original README's Supabase settings: with no DATABASE_URL, the project's database */
  ALITTLEBITOFMONEY_SUPABASE_PROJECT_URL: optional,
  ALITTLEBITOFMONEY_SUPABASE_PW: optional,
  /** accepted for compatibility; the server talks to the database, not Supabase's HTTP APIs */
  ALITTLEBITOFMONEY_SUPABASE_SECRET_KEY: optional,
  /** prepared statements on PostgreSQL; set false behind a transaction-mode pooler (Supabase :6543) */
  ABL_PG_PREPARED: z.enum(['true', 'false']).default('true'),
  /** settlements and releases without waiting for PostgreSQL's WAL flush (docs/architecture.md, "Durability") */
  ABL_PG_ASYNC_SETTLE: z.enum(['true', 'false']).default('false'),
  /** concurrent settlements committed together in one statement (docs/architecture.md, "Durability") */
  ABL_SETTLE_BATCH: z.enum(['true', 'false']).default('true'),
  /** how long a settlement no answer waits for may wait for others to share its statement (0: none waits) */
  ABL_SETTLE_LINGER_MS: z.coerce.number().int().min(0).max(100).default(10),
  /** concurrent reservations taken together in one statement (the same section) */
  ABL_RESERVE_BATCH: z.enum(['true', 'false']).default('true'),
  /** how many calls' holds a token reserves ahead on this instance, in one statement; 0: one call at a time; unset: 64, on PostgreSQL only while no other instance serves the database (docs/architecture.md, "Reserving ahead") */
  ABL_RESERVE_AHEAD: optional.pipe(z.string().regex(/^\d{1,4}$/, 'must be a whole number from 0 to 1000').transform(Number).pipe(z.number().int().max(1000)).optional()),
  /** holds reserved ahead and not used for this long go back to the balance */
  ABL_RESERVE_AHEAD_IDLE_MS: z.coerce.number().int().min(10).max(600_000).default(2000),
  ABL_DATA_DIR: z.string().default('./data'),
  PHOENIXD_URL: httpUrl,
  PHOENIXD_PASSWORD: optional,
  PHOENIXD_WEBHOOK_SECRET: optional,
  /** LND's REST listener (https://host:8080) */
  LND_REST_URL: httpUrl,
  /** LND macaroon: hex, or the path of the .macaroon file */
  LND_MACAROON: optional,
  /** LND's tls.cert: PEM text, or its path; unset: the system's CAs */
  LND_TLS_CERT: optional,
  /** Core Lightning's clnrest listener (https://host:3010) */
  CLN_REST_URL: httpUrl,
  /** a rune for clnrest (sent in the Rune header) */
  CLN_RUNE: optional,
  /** clnrest's certificate (PEM text or path) when it is self-signed; unset: the system's CAs */
  CLN_TLS_CERT: optional,
  /** a Nostr Wallet Connect (NIP-47) connection: nostr+walletconnect://<wallet pubkey>?relay=wss://…&secret=… */
  NWC_URL: optional,
  L402_ROOT_KEY: optional.pipe(z.string().regex(/^[0-9a-fA-F]{64}$/, 'must be 64 hex characters').optional()),
  ABL_RATE_LIMIT: z.coerce.number().int().min(0).default(60),
  /** failed authentications (401) per minute per client address before its credentialed requests get 429; default ABL_RATE_LIMIT */
  ABL_AUTH_FAILURE_LIMIT: optional.pipe(z.string().regex(/^\d+$/, 'must be a whole number').transform(Number).optional()),
  /** public origin of this server, used for phoenixd's per-invoice webhook URL */
  ABL_PUBLIC_URL: httpUrl,
  /** trust X-Forwarded-For from a reverse proxy (true, or its addresses and CIDR ranges) */
  ABL_TRUST_PROXY: trustProxy,
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** a fiat hint beside sats in the web app: a currency code and the operator's price of 1 BTC, e.g. "USD 95000" */
  ABL_FIAT_RATE: optional.pipe(z.string().regex(/^[A-Z]{3} \d+(\.\d+)?$/, 'must be a currency code and the price of 1 BTC, e.g. "USD 95000"').optional()),
  /** auto: short lines at a terminal, JSON when piped or under NODE_ENV=production */
  LOG_FORMAT: z.enum(['auto', 'json', 'pretty']).default('auto'),
  NODE_ENV: optional,
  ABL_SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).default(10_000),
  /** how long a token reservation lives before the sweep returns it; default: the longest upstream timeout + 300 s */
  ABL_HOLD_SECONDS: optional.pipe(z.string().regex(/^\d+$/, 'must be a whole number of seconds').transform(Number).pipe(z.number().int().min(1)).optional()),
  /** the most a client may take to send its request headers */
  ABL_HEADERS_TIMEOUT_SECONDS: seconds.default(15),
  /** the most a client may take to send a request body (JSON and everything but uploads) */
  ABL_BODY_TIMEOUT_SECONDS: seconds.default(30),
  /** the same for a multipart upload on a route that takes uploads (audio) */
  ABL_UPLOAD_TIMEOUT_SECONDS: seconds.default(120),
  /** how long an idle keep-alive connection stays open between requests; above the reverse proxy's upstream keepalive_timeout */
  ABL_KEEPALIVE_TIMEOUT_SECONDS: seconds.default(65),
  /** which 402 challenge comes first: l402 (LSAT, L402, then Payment) or mpp (Payment, then LSAT, L402) */
  ABL_CHALLENGE_ORDER: z.enum(['l402', 'mpp']).default('l402'),
  /** how long an MPP-session stream that ran out of money waits for a top-up before it ends (the draft: 60) */
  ABL_MPP_TOPUP_WAIT_SECONDS: seconds.max(600).default(60),
  /** a connection with no bytes either way for this long is closed; default: the longest upstream timeout + 30 s */
  ABL_IDLE_TIMEOUT_SECONDS: optional.pipe(z.string().regex(/^\d+(\.\d+)?$/, 'must be a number of seconds').transform(Number).pipe(z.number().positive()).optional()),
});

/** The wallet backend the settings choose; none set: the built-in development node. */
export type WalletSettings =
  | { kind: 'devnode' }
  | { kind: 'phoenixd'; url: string; password: string; webhookSecret?: string }
  | { kind: 'lnd'; url: string; macaroonHex: string; tlsCertPem?: string }
  | { kind: 'cln'; url: string; rune: string; tlsCertPem?: string }
  /** `uri` holds the connection's secret: never logged */
  | { kind: 'nwc'; uri: string };

export type Settings = z.infer<typeof EnvSchema> & {
  /** the whole environment, for upstream keys named in config.yaml */
  env: Record<string, string | undefined>;
  wallet: WalletSettings;
};

export class SettingsError extends Error {
  override name = 'SettingsError';
}

export function readSettings(given: Record<string, string | undefined> = process.env): Settings {
  // an empty value (VAR= in an environment file) is unset, never a zero or an empty name
  const env = Object.fromEntries(Object.entries(given).filter(([, v]) => v === undefined || v.trim() !== ''));
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new SettingsError(`invalid environment:\n${lines.join('\n')}`);
  }
  return { ...parsed.data, DATABASE_URL: databaseUrl(parsed.data), env, wallet: walletSettings(parsed.data) };
}

type Env = z.infer<typeof EnvSchema>;

/** DATABASE_URL, else the one the Supabase settings name, else none (the embedded store). */
function databaseUrl(e: Env): string | undefined {
  if (e.DATABASE_URL) return e.DATABASE_URL;
  if (!e.ALITTLEBITOFMONEY_SUPABASE_PROJECT_URL) {
    if (e.ALITTLEBITOFMONEY_SUPABASE_PW) fail('ALITTLEBITOFMONEY_SUPABASE_PW: set without ALITTLEBITOFMONEY_SUPABASE_PROJECT_URL');
    return undefined;
  }
  try {
    return supabaseDatabaseUrl(e.ALITTLEBITOFMONEY_SUPABASE_PROJECT_URL, e.ALITTLEBITOFMONEY_SUPABASE_PW ?? '');
  } catch (err) {
    if (err instanceof SupabaseSettingsError) fail(err.message);
    throw err;
  }
}

/** Exactly one backend, complete; the credentials read from their files where paths are given. */
function walletSettings(e: Env): WalletSettings {
  const chosen = [
    ['PHOENIXD_URL', e.PHOENIXD_URL],
    ['LND_REST_URL', e.LND_REST_URL],
    ['CLN_REST_URL', e.CLN_REST_URL],
    ['NWC_URL', e.NWC_URL],
  ].filter(([, v]) => v !== undefined).map(([name]) => name);
  if (chosen.length > 1) fail(`${chosen.join(', ')}: set one wallet backend only`);
  const orphans: [string, string | undefined, string][] = [
    ['PHOENIXD_PASSWORD', e.PHOENIXD_PASSWORD, 'PHOENIXD_URL'],
    ['LND_MACAROON', e.LND_MACAROON, 'LND_REST_URL'],
    ['LND_TLS_CERT', e.LND_TLS_CERT, 'LND_REST_URL'],
    ['CLN_RUNE', e.CLN_RUNE, 'CLN_REST_URL'],
    ['CLN_TLS_CERT', e.CLN_TLS_CERT, 'CLN_REST_URL'],
  ];
  for (const [name, value, needs] of orphans) {
    if (value !== undefined && (e as Record<string, unknown>)[needs] === undefined) fail(`${name}: set without ${needs}`);
  }
  if (e.PHOENIXD_URL) {
    if (!e.PHOENIXD_PASSWORD) fail('PHOENIXD_PASSWORD: required with PHOENIXD_URL');
    return { kind: 'phoenixd', url: e.PHOENIXD_URL, password: e.PHOENIXD_PASSWORD, ...(e.PHOENIXD_WEBHOOK_SECRET ? { webhookSecret: e.PHOENIXD_WEBHOOK_SECRET } : {}) };
  }
  if (e.LND_REST_URL) {
    if (!e.LND_REST_URL.startsWith('https://')) fail('LND_REST_URL: must be https:// (LND serves REST over TLS only)');
    if (!e.LND_MACAROON) fail('LND_MACAROON: required with LND_REST_URL (hex, or the path of the macaroon file)');
    const tlsCertPem = e.LND_TLS_CERT ? pemOrFile(e.LND_TLS_CERT, 'LND_TLS_CERT') : undefined;
    return { kind: 'lnd', url: e.LND_REST_URL, macaroonHex: macaroonHex(e.LND_MACAROON), ...(tlsCertPem ? { tlsCertPem } : {}) };
  }
  if (e.CLN_REST_URL) {
    if (!e.CLN_RUNE) fail('CLN_RUNE: required with CLN_REST_URL');
    const tlsCertPem = e.CLN_TLS_CERT ? pemOrFile(e.CLN_TLS_CERT, 'CLN_TLS_CERT') : undefined;
    return { kind: 'cln', url: e.CLN_REST_URL, rune: e.CLN_RUNE, ...(tlsCertPem ? { tlsCertPem } : {}) };
  }
  if (e.NWC_URL) {
    try {
      parseNwcUri(e.NWC_URL);
    } catch (err) {
      // the reason only: the URI carries the connection's secret
      fail(`NWC_URL: ${err instanceof NwcUriError ? err.message : 'not a nostr+walletconnect:// URI'}`);
    }
    return { kind: 'nwc', uri: e.NWC_URL };
  }
  return { kind: 'devnode' };
}

/** The macaroon as hex: given as hex, or read from its (binary) file. The value is never echoed. */
function macaroonHex(value: string): string {
  if (/^[0-9a-fA-F]+$/.test(value) && value.length % 2 === 0) return value.toLowerCase();
  let bytes: Buffer;
  try {
    bytes = readFileSync(value);
  } catch {
    return fail('LND_MACAROON: neither hex nor a readable file');
  }
  if (bytes.length === 0) fail('LND_MACAROON: the file is empty');
  return bytes.toString('hex');
}

function pemOrFile(value: string, name: string): string {
  const text = value.includes('-----BEGIN') ? value.replace(/\\n/g, '\n') : readText(value, name);
  if (!/-----BEGIN CERTIFICATE-----[\s\S]+-----END CERTIFICATE-----/.test(text)) fail(`${name}: not a PEM certificate`);
  return text;
}

function readText(path: string, name: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return fail(`${name}: neither PEM text nor a readable file`);
  }
}

/** One line of the environment found wrong. */
function fail(line: string): never {
  throw new SettingsError(`invalid environment:\n  ${line}`);
}
