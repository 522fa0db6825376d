// A reservation refused by a statement whose snapshot predates a concurrent commit (another
// request funding the same credential, a refill) is tried again, not answered "insufficient".
import { describe, expect, it } from 'vitest';
import type { Queryable } from '../store/index.js';
import { reserveByCredential } from './holds.js';

const hold = { amountMsat: 30_000n, purpose: 'POST /x', expiresAt: 2_000_000_000 };

/** Answers each query with the next scripted rows, recording what ran. */
function scripted(answers: (unknown[] | Error)[]): Queryable & { sql: string[] } {
  const sql: string[] = [];
  return {
    sql,
    query: async (text: string) => {
      sql.push(text);
      const next = answers.shift() ?? [];
      if (next instanceof Error) throw next;
      return { rows: next } as never;
    },
    exec: async () => {},
  } as unknown as Queryable & { sql: string[] };
}

describe('reserving from a credential', () => {
  it('tries again when the refusal was read from a snapshot older than the funding', async () => {
    const q = scripted([[], [{ balance_msat: 30_000n }], [{ hold_id: 7n, account_id: 9n, balance_msat: 0n }]]);
    expect(await reserveByCredential(q, { ...hold, paymentHash: 'ab'.repeat(32) })).toEqual({ ok: true, holdId: 7n, accountId: 9n, balanceMsat: 0n });
    expect(q.sql).toHaveLength(3);
  });

  it('a real shortfall is answered as one, after no retry', async () => {
    const q = scripted([[], [{ balance_msat: 29_999n }]]);
    expect(await reserveByCredential(q, { ...hold, paymentHash: 'ab'.repeat(32) })).toEqual({ ok: false, reason: 'insufficient', balanceMsat: 29_999n });
    expect(q.sql).toHaveLength(2);
  });

  it('runs a statement again that the database aborted to break a deadlock', async () => {
    const deadlock = Object.assign(new Error('deadlock detected'), { code: '40P01' });
    const q = scripted([deadlock, [{ hold_id: 7n, account_id: 9n, balance_msat: 0n }]]);
    expect(await reserveByCredential(q, { ...hold, paymentHash: 'ab'.repeat(32) })).toMatchObject({ ok: true, holdId: 7n });
    const other = scripted([Object.assign(new Error('syntax'), { code: '42601' })]);
    await expect(reserveByCredential(other, { ...hold, paymentHash: 'ab'.repeat(32) })).rejects.toThrow('syntax');
  });

  it('gives up after three stale reads (never loops)', async () => {
    const stale = [[], [{ balance_msat: 30_000n }]];
    const q = scripted([...stale, ...stale, ...stale, ...stale]);
    expect(await reserveByCredential(q, { ...hold, paymentHash: 'ab'.repeat(32) })).toMatchObject({ ok: false, reason: 'insufficient' });
    expect(q.sql).toHaveLength(6);
  });
});
