// ABL_PG_ASYNC_SETTLE=true and PostgreSQL crashing (immediate stop, then recovery) in the middle of
// a burst of paid calls, on a private throwaway cluster: the settlements it loses come back as
// holds, the sweep returns them, and no hold is charged twice; each balance is exactly what its
// settled holds took, and the audit is clean (docs/architecture.md, "Durability").
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLedger, createUserAccount, hashToken, newToken, postJournal } from '../ledger/index.js';
import { openStore } from '../store/index.js';
import { freePort } from '../testing/process.js';
import { sql, startThrowawayPostgres, waitFor, type ThrowawayPostgres } from './testing.js';

const FUNDS = 10_000_000n;
const HOLD = 10_000n;
const CHARGE = 7_000n;

describe('PostgreSQL crashes in the middle of a burst of settlements that skip the WAL flush', () => {
  let pg: ThrowawayPostgres;
  beforeAll(async () => {
    pg = await startThrowawayPostgres(await freePort());
  });
  afterAll(() => pg?.stop());

  it('comes back with each hold settled once or swept back, each balance exactly its settled charges, the audit clean', async () => {
    const db = await openStore({ databaseUrl: pg.url, dataDir: null, asyncSettlements: true });
    const ledger = await createLedger(db);
    const accounts = await Promise.all(
      Array.from({ length: 8 }, async () => {
        const tokenHash = hashToken(newToken());
        const id = await db.tx(async (q) => {
          const a = await createUserAccount(q, tokenHash);
          await postJournal(q, { kind: 'deposit', lines: [{ accountId: ledger.sys.lightning, amountMsat: -FUNDS }, { accountId: a.id, amountMsat: FUNDS }] });
          return a.id;
        });
        return { id, tokenHash };
      }),
    );
    let settled = 0;
    let crashing = false;
    const workers = accounts.map(async (a) => {
      while (!crashing) {
        try {
          const r = await ledger.reserve({ tokenHash: a.tokenHash, amountMsat: HOLD, purpose: 'burst', expiresAt: 2e9 });
          if (!r.ok) return;
          if (await ledger.settle(r.holdId, CHARGE)) settled++;
        } catch {
          return; // the database went away under this call
        }
      }
    });
    await waitFor('a burst under way', async () => settled >= 200, 60_000, 5);
    const crash = pg.crash();
    crashing = true;
    await crash;
    await Promise.all(workers);
    await db.close().catch(() => {});

    const after = await openStore({ databaseUrl: pg.url, dataDir: null });
    try {
      const l = await createLedger(after);
      await l.sweepExpiredHolds(3e9); // every hold the crash left open is past its deadline by then
      expect(await sql(pg.url, `SELECT 1 FROM holds WHERE state = 'held'`)).toEqual([]);
      expect(await sql(pg.url, `SELECT ref FROM journal WHERE kind IN ('charge', 'unreserve') GROUP BY ref HAVING count(*) > 1`)).toEqual([]);
      for (const a of accounts) {
        // a settled hold's row is gone: its charge journal row counts it
        const [row] = await sql<{ n: string }>(pg.url, `SELECT count(*) AS n FROM journal j JOIN entries e ON e.journal_id = j.id WHERE j.kind = 'charge' AND e.account_id = $1`, [a.id]);
        expect(await l.balanceOf(a.id)).toBe(FUNDS - BigInt(row!.n) * CHARGE);
      }
      expect((await l.audit()).problems).toEqual([]);
    } finally {
      await after.close();
    }
  }, 120_000);
});
