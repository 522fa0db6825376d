// Everything `npm run e2e` needs on loopback: a standalone development node (phoenixd's API), the
// fake OpenAI + Anthropic upstream with a random key, and the real server started with
// startServer on a temporary data directory, paying and paid through that node.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readSettings } from '../../server/config.js';
import { startDevnode } from '../../server/lightning/devnode/index.js';
import { startFakeUpstream } from '../../server/testing/fake-upstream/server.js';
import { startServer } from '../../server/server.js';
import { phoenixdPayer } from './phoenixd-payer.js';
import type { LedgerAuditResult } from './suite.js';

const CONFIG = fileURLToPath(new URL('../../config.yaml', import.meta.url));

export interface LocalStack {
  baseUrl: string;
  payInvoice: (bolt11: string) => Promise<string>;
  audit: () => Promise<LedgerAuditResult>;
  close(): Promise<void>;
}

export async function startLocalStack(): Promise<LocalStack> {
  const closers: (() => Promise<void>)[] = [];
  const close = async () => {
    for (const c of closers.reverse()) await c().catch(() => {});
  };
  try {
    const dataDir = mkdtempSync(join(tmpdir(), 'abl-e2e-'));
    closers.push(async () => rmSync(dataDir, { recursive: true, force: true }));
    const password = randomBytes(16).toString('hex');
    const webhookSecret = randomBytes(16).toString('hex');
    const node = await startDevnode({ host: '127.0.0.1', port: 0, password, webhookSecret });
    closers.push(() => node.close());
    const apiKey = `sk-e2e-${randomBytes(16).toString('hex')}`;
    const upstream = await startFakeUpstream({ apiKey });
    closers.push(() => upstream.close());
    const server = await startServer(
      readSettings({
        PORT: '0',
        HOST: '127.0.0.1',
        ABL_CONFIG: CONFIG,
        ABL_DATA_DIR: dataDir,
        PHOENIXD_URL: node.url,
        PHOENIXD_PASSWORD: password,
        PHOENIXD_WEBHOOK_SECRET: webhookSecret,
        L402_ROOT_KEY: randomBytes(32).toString('hex'),
        OPENAI_API_KEY: apiKey,
        OPENAI_BASE_URL: upstream.url,
        ANTHROPIC_API_KEY: apiKey,
        ANTHROPIC_BASE_URL: upstream.url,
        ABL_RATE_LIMIT: '0',
        LOG_LEVEL: 'warn',
      }),
    );
    closers.push(() => server.close());
    return {
      baseUrl: server.url,
      payInvoice: phoenixdPayer({ url: node.url, password }),
      audit: () => server.ledger.audit(),
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}
