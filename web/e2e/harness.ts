// Browser-test harness: the real server on loopback (serving web/dist), Debian's Chromium driven by
// playwright-core, a fresh context per test, and screenshots under test-results/ when a test fails.
//
//   const browser = useBrowser();                       // one Chromium per file (beforeAll / afterAll)
//   const srv = useDevServer();                         // one development server per file, likewise
//   browserTest('does a thing', browser, async (s) => {
//     const page = await s.page({ width: 360 });        // a new context + page; closed after the test
//     ...
//   });
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { readSettings } from '../../server/config.js';
import { startFakeUpstream, type FakeUpstream } from '../../server/testing/fake-upstream/server.js';
import { startServer, type RunningServer } from '../../server/server.js';
import { createPostgresSchema } from '../../server/store/testing.js';
import { call, startTestServer, type TestServer } from '../../server/testing/harness.js';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DIST_INDEX = join(ROOT, 'web', 'dist', 'index.html');
const RESULTS_DIR = join(ROOT, 'test-results', 'e2e');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const UPSTREAM_KEY = 'sk-e2e-upstream-0123456789';
/** E2E_SCREENSHOTS=1 also saves the screenshots that tests take on purpose (for looking at the UI). */
const KEEP_SHOTS = process.env.E2E_SCREENSHOTS === '1';

/** Default wait for anything the UI has to fetch or compute. */
export const WAIT_MS = 20_000; // a loaded 2-core CI machine

// ── the built app ────────────────────────────────────────────────────────────────────────────

/** Newest modification time under a path (0 when it does not exist). */
function newestMtime(path: string): number {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs;
  for (const entry of readdirSync(path)) {
    if (entry !== 'node_modules' && entry !== 'dist') newest = Math.max(newest, newestMtime(join(path, entry)));
  }
  return newest;
}

/** web/dist exists and is newer than the app's sources (these tests do not count). */
function webBuildIsFresh(): boolean {
  if (!existsSync(DIST_INDEX)) return false;
  const sources = ['web/src', 'web/public', 'web/index.html', 'web/vite.config.ts', 'contract'].map((p) => newestMtime(join(ROOT, p)));
  return statSync(DIST_INDEX).mtimeMs >= Math.max(...sources);
}

/**
 * The server serves web/dist. `npm test` builds it first (scripts/ensure-built.mjs); a direct
 * `npx vitest run web/e2e` builds it here when it is missing or older than its sources — once,
 * under a lock, since test files may run in parallel processes.
 */
export async function ensureWebBuilt(): Promise<void> {
  if (webBuildIsFresh()) return;
  const lock = join(ROOT, 'web', '.e2e-build.lock');
  try {
    mkdirSync(lock);
  } catch {
    // another test file is building: wait for it (at most 3 minutes)
    const started = Date.now();
    while (existsSync(lock) && Date.now() - started < 180_000) await new Promise((r) => setTimeout(r, 250));
    if (!existsSync(DIST_INDEX)) throw new Error('web/dist/index.html is missing: build the web app with `npx vite build --config web/vite.config.ts`, then rerun.');
    return;
  }
  try {
    const vite = join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js');
    const r = spawnSync(process.execPath, [vite, 'build', '--config', 'web/vite.config.ts', '--logLevel', 'error'], { cwd: ROOT, stdio: 'inherit' });
    if (r.status !== 0 || !existsSync(DIST_INDEX)) {
      throw new Error('web/dist is missing or stale and `npx vite build --config web/vite.config.ts` failed: fix the build, then rerun.');
    }
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

// ── servers ──────────────────────────────────────────────────────────────────────────────────

export interface E2EServer {
  url: string;
  server: RunningServer;
  upstream: FakeUpstream;
  /** "devnode" (the development wallet button shows) or "phoenixd" */
  wallet: 'devnode' | 'phoenixd';
  /** pays a BOLT11 invoice from outside the browser; returns the preimage */
  pay(bolt11: string): Promise<string>;
  close(): Promise<void>;
}

/**
 * The server as `npm start` runs it without PHOENIXD_URL: the in-process development node, so
 * health says wallet "devnode" and POST /api/v1/dev/pay exists. OpenAI is the fake upstream.
 * `opts.now` is the server's clock (Unix seconds), for tests that must not straddle a UTC day.
 */
export async function startDevServer(env: Record<string, string> = {}, opts: { now?: () => number } = {}): Promise<E2EServer> {
  await ensureWebBuilt();
  const upstream = await startFakeUpstream({ apiKey: UPSTREAM_KEY });
  const schema = await createPostgresSchema();
  const dataDir = mkdtempSync(join(tmpdir(), 'abl-e2e-'));
  let server: RunningServer;
  try {
    server = await startServer(
      readSettings({
        PORT: '0',
        HOST: '127.0.0.1',
        ABL_CONFIG: join(ROOT, 'config.yaml'),
        ABL_DATA_DIR: dataDir,
        DATABASE_URL: schema.url,
        LOG_LEVEL: 'silent',
        ABL_RATE_LIMIT: '0',
        OPENAI_API_KEY: UPSTREAM_KEY,
        OPENAI_BASE_URL: upstream.url,
        ...env,
      }),
      opts.now ? { now: opts.now } : {},
    );
  } catch (err) {
    await upstream.close();
    await schema.drop();
    rmSync(dataDir, { recursive: true, force: true });
    throw err;
  }
  const url = server.url;
  return {
    url,
    server,
    upstream,
    wallet: 'devnode',
    async pay(bolt11) {
      const r = await call(url, 'POST', '/api/v1/dev/pay', { body: { invoice: bolt11 } });
      if (r.status !== 200) throw new Error(`dev wallet payment failed: ${r.status} ${JSON.stringify(r.body)}`);
      return (r.body as { preimage: string }).preimage;
    },
    async close() {
      await server.close();
      await upstream.close();
      await schema.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * The development server for the whole file (started before the first test, closed after the
 * last): `const srv = useDevServer();` at the top of the file, then `srv.url` in the tests.
 */
export function useDevServer(env: Record<string, string> = {}, opts: { now?: () => number } = {}): E2EServer {
  const srv = {} as E2EServer; // filled in by beforeAll, before any test reads it
  beforeAll(async () => {
    Object.assign(srv, await startDevServer(env, opts));
  });
  afterAll(async () => {
    await srv.close?.();
  });
  return srv;
}

/** The server with a "real" Lightning backend (a standalone devnode reached as phoenixd). */
export async function startPhoenixdServer(): Promise<E2EServer> {
  await ensureWebBuilt();
  const upstream = await startFakeUpstream({ apiKey: UPSTREAM_KEY });
  let t: TestServer;
  try {
    t = await startTestServer({ store: 'postgres', env: { OPENAI_API_KEY: UPSTREAM_KEY, OPENAI_BASE_URL: upstream.url } });
  } catch (err) {
    await upstream.close();
    throw err;
  }
  return {
    url: t.url,
    server: t.server,
    upstream,
    wallet: 'phoenixd',
    pay: (bolt11) => t.pay(bolt11),
    async close() {
      await t.close();
      await upstream.close();
    },
  };
}

/** AI for Hire's API as a side of a deal uses it (the token in X-Token): the answer's body, or an error naming a refusal. */
export function hireApi(srv: E2EServer): (token: string, method: string, path: string, body?: unknown) => Promise<any> {
  return async (token, method, path, body) => {
    const r = await call(srv.url, method, `/api/v1/ai-for-hire${path}`, { headers: { 'x-token': token }, ...(body === undefined ? {} : { body }) });
    if (r.status >= 300) throw new Error(`${method} ${path}: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  };
}

/** A deal made through the API up to its delivery: a buyer (500 sats) posts, a contractor (100 sats) quotes the budget, the buyer accepts, the contractor delivers. */
export async function deliveredDeal(srv: E2EServer, deal: { title: string; description: string; priceSats: number; quote: string; delivery: string }) {
  const hire = hireApi(srv);
  const [buyerToken, contractorToken] = await Promise.all([fundToken(srv, 500), fundToken(srv, 100)]);
  const task = await hire(buyerToken, 'POST', '/tasks', { title: deal.title, description: deal.description, budget_sats: deal.priceSats });
  const quote = await hire(contractorToken, 'POST', `/tasks/${task.id}/quotes`, { price_sats: deal.priceSats, description: deal.quote });
  await hire(buyerToken, 'POST', `/tasks/${task.id}/quotes/${quote.id}/accept`, { expected_price_sats: deal.priceSats });
  await hire(contractorToken, 'POST', `/tasks/${task.id}/deliver`, { body: deal.delivery });
  return { buyerToken, contractorToken, task, quote };
}

/** A new token holding `sats`, made through the API (top-up → pay → claim). */
export async function fundToken(srv: E2EServer, sats: number): Promise<string> {
  const inv = await call(srv.url, 'POST', '/api/v1/topup', { body: { amount_sats: sats } });
  if (inv.status !== 200 && inv.status !== 201) throw new Error(`top-up failed: ${inv.status} ${JSON.stringify(inv.body)}`);
  const preimage = await srv.pay((inv.body as { invoice: string }).invoice);
  const claim = await call(srv.url, 'POST', '/api/v1/topup/claim', { body: { preimage } });
  if (claim.status !== 200) throw new Error(`claim failed: ${claim.status} ${JSON.stringify(claim.body)}`);
  return (claim.body as { token: string }).token;
}

export async function balanceOf(srv: E2EServer, token: string): Promise<number> {
  const r = await call(srv.url, 'GET', '/api/v1/balance', { headers: { 'X-Token': token } });
  if (r.status !== 200) throw new Error(`balance failed: ${r.status} ${JSON.stringify(r.body)}`);
  return (r.body as { balance_sats: number }).balance_sats;
}

// ── the browser ──────────────────────────────────────────────────────────────────────────────

const LAUNCH_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--no-first-run',
];

/** One Chromium for the whole file: launched before the first test, closed after the last. */
export function useBrowser(): () => Browser {
  let browser: Browser | undefined;
  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (or set CHROMIUM_PATH)`);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: LAUNCH_ARGS });
  });
  afterAll(async () => {
    await browser?.close();
  });
  return () => {
    if (!browser) throw new Error('the browser is not running (useBrowser() must be called at the top of the file)');
    return browser;
  };
}

export interface PageOptions {
  width?: number;
  height?: number;
  /** a label for screenshots: "buyer", "contractor"… */
  name?: string;
  /** put this token in localStorage before the app loads, as a remembered token */
  token?: string;
  colorScheme?: 'light' | 'dark';
}

export interface BrowserSession {
  /** a new browser context with one page, closed when the test ends */
  page(opts?: PageOptions): Promise<Page>;
  /** a screenshot kept only with E2E_SCREENSHOTS=1 (for looking at the UI) */
  shot(page: Page, name: string, opts?: { fullPage?: boolean }): Promise<void>;
  /** uncaught exceptions in the pages so far */
  pageErrors: string[];
}

const slug = (s: string): string =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 80);

/**
 * A vitest test with its own browser contexts. When the body throws, every open page is
 * screenshotted under test-results/e2e/ before the error is rethrown; contexts are always closed.
 * An uncaught exception in a page fails the test too.
 */
export function browserTest(name: string, getBrowser: () => Browser, body: (s: BrowserSession) => Promise<void>, timeoutMs = 120_000): void {
  test(
    name,
    async () => {
      const contexts: { context: BrowserContext; page: Page; label: string }[] = [];
      const pageErrors: string[] = [];
      const session: BrowserSession = {
        pageErrors,
        async page(opts = {}) {
          const context = await getBrowser().newContext({
            viewport: { width: opts.width ?? 1280, height: opts.height ?? 900 },
            colorScheme: opts.colorScheme ?? 'light',
            reducedMotion: 'reduce',
          });
          context.setDefaultTimeout(WAIT_MS);
          if (opts.token) await context.addInitScript((t) => window.localStorage.setItem('abl.token', t), opts.token);
          const page = await context.newPage();
          const label = opts.name ?? `page${contexts.length + 1}`;
          page.on('pageerror', (e) => pageErrors.push(`[${label}] ${e.message}`));
          contexts.push({ context, page, label });
          return page;
        },
        async shot(page, shotName, opts = {}) {
          if (!KEEP_SHOTS) return;
          mkdirSync(RESULTS_DIR, { recursive: true });
          await page.screenshot({ path: join(RESULTS_DIR, `${slug(shotName)}.png`), fullPage: opts.fullPage ?? true });
        },
      };
      try {
        await body(session);
        expect(pageErrors, 'uncaught exceptions in the page').toEqual([]);
      } catch (err) {
        mkdirSync(RESULTS_DIR, { recursive: true });
        const saved: string[] = [];
        for (const { page, label } of contexts) {
          const path = join(RESULTS_DIR, `FAILED-${slug(name)}-${slug(label)}.png`);
          try {
            await page.screenshot({ path, fullPage: true, timeout: 5_000 });
            saved.push(path);
          } catch {
            // a closed or crashed page cannot be photographed; the error below still tells
          }
        }
        if (saved.length > 0 && err instanceof Error) err.message += `\nscreenshots: ${saved.join(', ')}`;
        if (pageErrors.length > 0 && err instanceof Error) err.message += `\npage errors: ${pageErrors.join(' | ')}`;
        throw err;
      } finally {
        for (const { context } of contexts) await context.close().catch(() => {});
      }
    },
    timeoutMs,
  );
}

// ── waiting ──────────────────────────────────────────────────────────────────────────────────

/** Waits until the locator's text matches (polls; no fixed sleeps). */
export async function expectText(locator: Locator, pattern: RegExp | string, timeout = WAIT_MS): Promise<void> {
  await expect
    .poll(async () => ((await locator.count()) > 0 ? ((await locator.first().textContent()) ?? '').replace(/\s+/g, ' ').trim() : ''), {
      timeout,
      interval: 100,
    })
    .toMatch(pattern);
}

/** expect.poll with the suite's wait (vitest's own default is 1 s, too short on a busy machine). */
export function poll<T>(fn: () => T | Promise<T>, timeout = WAIT_MS) {
  return expect.poll(fn, { timeout, interval: 100 });
}

/** One paid "Try it" call on an opened endpoint card: clicked, its answer (a request id not in `seen`) 200; its id, added to `seen`. */
export async function tryItOnce(card: Locator, seen: string[]): Promise<string> {
  await card.getByTestId('try-it-button').click();
  const idText = card.getByTestId('try-it-request-id');
  const id = async () => ((await idText.count()) > 0 ? ((await idText.textContent()) ?? '').trim() : '');
  await poll(async () => {
    const now = await id();
    return now !== '' && !seen.includes(now);
  }).toBe(true);
  await expectText(card.getByTestId('try-it-status'), '200');
  const answered = await id();
  seen.push(answered);
  return answered;
}

export async function expectVisible(locator: Locator, timeout = WAIT_MS): Promise<void> {
  await locator.first().waitFor({ state: 'visible', timeout });
}

export async function expectAbsent(locator: Locator, timeout = WAIT_MS): Promise<void> {
  await poll(() => locator.count(), timeout).toBe(0);
}

/** Horizontal overflow of the page: how far the document is wider than the viewport. */
export async function horizontalOverflow(page: Page): Promise<{ scrollWidth: number; innerWidth: number; widest: string[] }> {
  return page.evaluate(() => {
    const root = document.scrollingElement ?? document.documentElement;
    const innerWidth = window.innerWidth;
    // the elements sticking out, to make a failure readable
    const widest = [...document.querySelectorAll<HTMLElement>('body *')]
      .filter((el) => el.getBoundingClientRect().right > innerWidth + 0.5)
      .slice(0, 5)
      .map((el) => `${el.tagName.toLowerCase()}${el.className ? '.' + String(el.className).split(' ').join('.') : ''} → ${Math.round(el.getBoundingClientRect().right)}px`);
    return { scrollWidth: root.scrollWidth, innerWidth, widest };
  });
}

/**
 * Stops the page's clock before it loads: `clock.install()` alone lets time run on at real speed
 * (a 15 s poll still fires); paused, no timer fires unless the test moves it on (`fastForward`).
 * After each load call `showLazyPage`.
 */
export async function stopClock(page: Page): Promise<void> {
  await page.clock.install();
  await page.clock.pauseAt(Date.now() + 1_000);
}

/** Under a stopped clock: React shows a lazy page 300 ms (page time) after its skeleton at the soonest. */
export async function showLazyPage(page: Page): Promise<void> {
  await page.locator('.site-header').waitFor(); // drawn with the skeleton
  await page.clock.runFor(500);
}
