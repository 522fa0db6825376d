// runCatalogE2E: the end-to-end suite driven by the catalog's examples (GET /api/v1/catalog, the
// one source of truth). For every endpoint: its invalid case, its example without the required
// field, its happy path paid by token (and streamed, where it can stream) and by L402; then the
// token's final balance, the ledger audit when one is reachable, and the summary table.
import type { PublicCatalog } from '../../contract/catalog.js';
import { endpointLabel, type SuiteContext } from './context.js';
import { createHttp } from './http.js';
import { checkL402Path } from './l402-path.js';
import { Recorder, ensure } from './report.js';
import { formatSummary } from './summary.js';
import { checkTokenPath } from './token-path.js';
import { buyToken, checkFinalBalance, tokenBudget } from './topup.js';
import { checkInvalidCase, checkRequiredField } from './validation.js';

export interface LedgerAuditResult {
  ok: boolean;
  problems: string[];
}

export interface CatalogE2EOptions {
  /** the server's origin, e.g. http://127.0.0.1:3000 */
  baseUrl: string;
  /** pays a BOLT11 invoice and answers its preimage (hex) */
  payInvoice: (bolt11: string) => Promise<string>;
  /** print every request and response */
  verbose?: boolean;
  /** error codes must be exactly `error.code` (default); false: the keyword anywhere in the body */
  strictKeywords?: boolean;
  log?: (line: string) => void;
  /** the server's ledger audit, when it can be reached; answers null when it cannot */
  audit?: () => Promise<LedgerAuditResult | null>;
  /** per request; default 120 s */
  timeoutMs?: number;
}

export interface CatalogE2EResult {
  passed: number;
  failed: number;
  skipped: number;
  /** every endpoint of the catalog, as "METHOD /api/v1/…" */
  endpoints: string[];
  /** the endpoints at least one check actually ran against */
  exercised: string[];
  records: Recorder['records'];
}

export async function runCatalogE2E(opts: CatalogE2EOptions): Promise<CatalogE2EResult> {
  const log = opts.log ?? ((line: string) => console.log(line));
  const baseUrl = opts.baseUrl.replace(/\/+$/, '');
  const recorder = new Recorder(log);
  const ctx: SuiteContext = {
    baseUrl,
    send: createHttp({ verbose: opts.verbose ?? false, log, ...(opts.timeoutMs !== undefined ? { timeoutMs: opts.timeoutMs } : {}) }),
    pay: opts.verbose ? loggedPayer(opts.payInvoice, log) : opts.payInvoice,
    strictKeywords: opts.strictKeywords ?? true,
    recorder,
    wallet: null,
  };

  log(`e2e: ${baseUrl} (strict keywords: ${ctx.strictKeywords ? 'yes' : 'no'})`);
  const catalog = await readCatalog(ctx);
  const endpoints = catalog?.apis.flatMap((a) => a.endpoints) ?? [];
  if (catalog) {
    const budget = tokenBudget(catalog);
    log(`catalog: ${endpoints.length} endpoints in ${catalog.apis.length} APIs; token budget ${budget} sats`);
    if (budget > 0) ctx.wallet = await buyToken(ctx, budget);
  }

  for (const ep of endpoints) {
    log(`— ${endpointLabel(ep)} (${ep.title})`);
    await checkInvalidCase(ctx, ep);
    await checkRequiredField(ctx, ep);
    await checkTokenPath(ctx, ep);
    await checkL402Path(ctx, ep);
  }

  log('— the whole run');
  if (ctx.wallet) await checkFinalBalance(ctx, ctx.wallet);
  await checkLedger(recorder, opts.audit);

  const labels = endpoints.map(endpointLabel);
  const counts = recorder.counts();
  log('');
  log(formatSummary(labels, recorder.records, counts));
  const exercised = labels.filter((l) => recorder.records.some((r) => r.endpoint === l && r.outcome !== 'SKIP'));
  return { ...counts, endpoints: labels, exercised, records: recorder.records };
}

function loggedPayer(pay: (bolt11: string) => Promise<string>, log: (line: string) => void): (bolt11: string) => Promise<string> {
  return async (bolt11) => {
    log(`    ⚡ paying ${bolt11.slice(0, 40)}…`);
    const preimage = await pay(bolt11);
    log(`    ⚡ paid, preimage ${preimage}`);
    return preimage;
  };
}

async function readCatalog(ctx: SuiteContext): Promise<PublicCatalog | null> {
  let catalog: PublicCatalog | null = null;
  await ctx.recorder.run('GET /api/v1/catalog', 'suite', 'catalog', async () => {
    const res = await ctx.send({ method: 'GET', url: `${ctx.baseUrl}/api/v1/catalog` });
    ensure(res.status === 200, `expected 200, got ${res.status} ${res.text.slice(0, 200)}`);
    const body = res.json as Partial<PublicCatalog> | undefined;
    ensure(Array.isArray(body?.apis) && body.apis.length > 0, 'the catalog lists no APIs');
    ensure(body.topup !== undefined, 'the catalog has no topup limits');
    catalog = body as PublicCatalog;
    return `${body.apis.length} APIs`;
  });
  return catalog;
}

async function checkLedger(recorder: Recorder, audit: CatalogE2EOptions['audit']): Promise<void> {
  const result = audit ? await audit().catch((err: unknown) => ({ ok: false, problems: [`the audit failed: ${String(err)}`] })) : null;
  if (!result) return recorder.skip('ledger', 'suite', 'ledger audit', 'not reachable from here');
  await recorder.run('ledger', 'suite', 'ledger audit', async () => {
    ensure(result.ok, `problems: ${result.problems.join('; ')}`);
    return 'journal and balances agree';
  });
}
