// The only reader of process.env: every setting the server takes, validated once.
import { z } from 'zod';

const port = z.coerce.number().int().min(0).max(65535);
/** a duration in seconds (decimals allowed) */
const seconds = z.coerce.number().positive();
const optional = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));

const EnvSchema = z.object({
  PORT: port.default(3000),
  HOST: z.string().default('127.0.0.1'),
  ABL_CONFIG: z.string().default('./config.yaml'),
  DATABASE_URL: optional,
  /** prepared statements on PostgreSQL; set false behind a transaction-mode pooler (Supabase :6543) */
  ABL_PG_PREPARED: z.enum(['true', 'false']).default('true'),
  ABL_DATA_DIR: z.string().default('./data'),
  PHOENIXD_URL: optional.pipe(z.url().optional()),
  PHOENIXD_PASSWORD: optional,
  PHOENIXD_WEBHOOK_SECRET: optional,
  L402_ROOT_KEY: optional.pipe(z.string().regex(/^[0-9a-fA-F]{64}$/, 'must be 64 hex characters').optional()),
  ABL_RATE_LIMIT: z.coerce.number().int().min(0).default(60),
  /** failed authentications (401) per minute per client address before its credentialed requests get 429; default ABL_RATE_LIMIT */
  ABL_AUTH_FAILURE_LIMIT: optional.pipe(z.string().regex(/^\d+$/, 'must be a whole number').transform(Number).optional()),
  /** public origin of this server, used for phoenixd's per-invoice webhook URL */
  ABL_PUBLIC_URL: optional.pipe(z.url().optional()),
  /** trust X-Forwarded-For from a reverse proxy (true, a hop count, or addresses) */
  ABL_TRUST_PROXY: optional,
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
  /** a connection with no bytes either way for this long is closed; default: the longest upstream timeout + 30 s */
  ABL_IDLE_TIMEOUT_SECONDS: optional.pipe(z.string().regex(/^\d+(\.\d+)?$/, 'must be a number of seconds').transform(Number).pipe(z.number().positive()).optional()),
});

export type Settings = z.infer<typeof EnvSchema> & {
  /** the whole environment, for upstream keys named in config.yaml */
  env: Record<string, string | undefined>;
};

export class SettingsError extends Error {
  override name = 'SettingsError';
}

export function readSettings(env: Record<string, string | undefined> = process.env): Settings {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new SettingsError(`invalid environment:\n${lines.join('\n')}`);
  }
  if (parsed.data.PHOENIXD_URL && !parsed.data.PHOENIXD_PASSWORD) {
    throw new SettingsError('invalid environment:\n  PHOENIXD_PASSWORD: required with PHOENIXD_URL');
  }
  return { ...parsed.data, env };
}
