// PostgreSQL restarted under load, on a private throwaway cluster (initdb + pg_ctl on a free
// port; the shared test cluster is never touched): requests fail cleanly with a JSON 5xx while
// it is away, nothing hangs, the process lives on, and service comes back by itself.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_STATUS } from '../../contract/errors.js';
import { startFakeUpstream, type FakeUpstream } from '../testing/fake-upstream/server.js';
import { call, startTestServer, type TestServer } from '../testing/harness.js';
import { freePort } from '../testing/process.js';
import { buyToken, CHAT, chatBody, sleep, sql, startThrowawayPostgres, waitFor, type ThrowawayPostgres } from './testing.js';

const KEY = 'sk-pg-restart';

type Answer = Awaited<ReturnType<typeof call>>;

/** The answer, or 'hung' when none came within ms. */
function withDeadline(p: Promise<Answer>, ms: number): Promise<Answer | 'hung' | Error> {
  return Promise.race([p.catch((e: Error) => e), new Promise<'hung'>((r) => setTimeout(() => r('hung'), ms).unref())]);
}

describe('PostgreSQL restarted under load', () => {
  let pg: ThrowawayPostgres;
  let up: FakeUpstream;
  let t: TestServer;

  beforeAll(async () => {
    pg = await startThrowawayPostgres(await freePort());
    up = await startFakeUpstream({ apiKey: KEY });
    t = await startTestServer({ store: 'postgres', databaseUrl: pg.url, env: { OPENAI_API_KEY: KEY, OPENAI_BASE_URL: up.url } });
  });
  afterAll(async () => {
    await t?.close();
    await up?.close();
    await pg?.stop();
  });

  it('a transaction whose connection is cut fails cleanly; the process lives on', async () => {
    const db = t.server.db;
    const cut = db.tx(async (q) => {
      const pid = (await q.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
      await sql(pg.url, 'SELECT pg_terminate_backend($1)', [pid]);
      await sleep(300); // the connection dies while this transaction holds it, between two statements
      await q.query('SELECT 1');
    });
    await expect(cut).rejects.toThrow();
    expect((await db.query<{ one: number }>('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
  });

  it('requests fail cleanly while it restarts, and succeed again without help', async () => {
    const token = await buyToken(t.url, t.pay, 100_000);
    const kinds: [string, () => Promise<Answer>][] = [
      ['balance', () => call(t.url, 'GET', '/api/v1/balance', { headers: { 'x-token': token } })],
      ['paid call', () => call(t.url, 'POST', CHAT, { body: chatBody, headers: { 'x-token': token } })],
      ['top-up', () => call(t.url, 'POST', '/api/v1/topup', { body: { amount_sats: 5 } })],
      ['claim', () => call(t.url, 'POST', '/api/v1/topup/claim', { body: { preimage: randomBytes(32).toString('hex') } })],
      // the audit is one long REPEATABLE READ transaction: the restart cuts it mid-way
      ['audit', () => t.server.ledger.audit().then(
        (r) => ({ status: r.ok ? 200 : 500, headers: {}, body: r.ok ? {} : { error: { code: 'internal_error', message: r.problems.join('; ') } } }),
        (e: Error) => ({ status: 503, headers: {}, body: { error: { code: 'internal_error', message: e.message } } }),
      )],
    ];
    const expectedOk: Record<string, number> = { balance: 200, 'paid call': 200, 'top-up': 201, claim: 400, audit: 200 };
    const answers: { kind: string; answer: Answer | 'hung' | Error }[] = [];
    let running = true;
    const worker = async () => {
      while (running) {
        for (const [kind, run] of kinds) {
          const answer = await withDeadline(run(), 15_000);
          answers.push({ kind, answer });
          if (answer === 'hung') return;
        }
      }
    };
    const workers = Array.from({ length: 4 }, worker);
    await sleep(300);
    await pg.restart();
    // service comes back by itself: every kind of request succeeds again
    await waitFor('recovery', async () => {
      const round = await Promise.all(kinds.map(([, run]) => run().catch(() => null)));
      return round.every((r, i) => r?.status === expectedOk[kinds[i]![0]]);
    }, 20_000, 200);
    running = false;
    await Promise.all(workers);

    expect(answers.filter((a) => a.answer === 'hung')).toEqual([]);
    const failures = answers.filter((a) => typeof a.answer === 'object' && !(a.answer instanceof Error) && a.answer.status !== expectedOk[a.kind]);
    expect(failures.length).toBeGreaterThan(0); // the restart was felt
    for (const { kind, answer } of failures) {
      const r = answer as Answer;
      expect({ kind, status: r.status >= 500 }).toEqual({ kind, status: true });
      expect(typeof r.body?.error?.message).toBe('string');
      expect(Object.keys(ERROR_STATUS)).toContain(r.body.error.code);
    }
    // no connection was dropped without an answer
    expect(answers.filter((a) => a.answer instanceof Error).map((a) => `${a.kind}: ${(a.answer as Error).message}`)).toEqual([]);
    expect((await t.server.ledger.audit()).problems).toEqual([]);
  }, 60_000);
});
