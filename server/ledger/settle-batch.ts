// Group commit of settlements: concurrent paid calls' settles go to PostgreSQL together, one
// statement over `unnest` arrays, so N answers cost one round trip and one commit instead of N.
// A lone settle goes at once (no added latency); those arriving while a batch runs wait for the
// next one. Every caller's promise resolves after its batch committed, with its own hold's result.
import { pgErrorCode, type Queryable } from '../store/index.js';
import { settleHold, type CallRecord } from './holds.js';

// The single-hold SETTLE_SQL of holds.ts over arrays. Per hold it is the same compare-and-set;
// what goes back is summed per receiving account (an UPDATE … FROM applies one source row per
// target row), and a daily cap's "unspend" is summed per account over the holds of the day the
// account is on: s − min(s, a + b) equals taking a then b off one at a time, each floored at 0.
const BATCH_SETTLE_SQL = `
WITH i AS (
  SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::bigint[])
    AS i(hold_id, charge, to_id, memo, request_id, api, endpoint, model, usage, created_at)
), s AS (
  UPDATE holds h SET state = 'settled', resolved_at = now()
  FROM i WHERE h.id = i.hold_id AND h.state = 'held' AND h.amount_msat >= i.charge
  RETURNING h.id, h.account_id, h.amount_msat, h.spend_day, i.charge, i.to_id AS revenue, i.memo, i.request_id, i.api, i.endpoint, i.model, i.usage, i.created_at
), t AS (
  SELECT s.*, CASE WHEN a.revoked_at IS NOT NULL AND a.parent_id IS NOT NULL THEN a.parent_id ELSE s.account_id END AS back_to
  FROM s JOIN accounts a ON a.id = s.account_id
), g AS (
  SELECT back_to, sum(amount_msat - charge)::bigint AS back FROM t WHERE amount_msat > charge GROUP BY back_to
), back AS (
  UPDATE accounts a SET balance_msat = a.balance_msat + g.back,
    spent_today_msat = a.spent_today_msat - coalesce(least(a.spent_today_msat, (
      SELECT sum(t.amount_msat - t.charge)::bigint FROM t
      WHERE t.account_id = a.id AND t.back_to = a.id AND t.spend_day = a.spend_day AND t.amount_msat > t.charge)), 0)
  FROM g WHERE a.id = g.back_to
  RETURNING a.id
), j AS (
  INSERT INTO journal (kind, ref, memo) SELECT 'charge', t.id::text, t.memo FROM t ORDER BY t.id RETURNING id, ref
), e AS (
  INSERT INTO entries (journal_id, account_id, amount_msat)
  SELECT j.id, v.account_id, v.amount FROM j JOIN t ON j.ref = t.id::text,
    LATERAL (VALUES (t.account_id, -(CASE WHEN t.back_to = t.account_id THEN t.charge ELSE t.amount_msat END)), (t.revenue, t.charge),
      (t.back_to, CASE WHEN t.back_to = t.account_id THEN 0 ELSE t.amount_msat - t.charge END)) AS v(account_id, amount)
  WHERE v.amount <> 0
), c AS (
  INSERT INTO paid_calls (request_id, account_id, hold_id, api, endpoint, model, max_charge_msat, charged_msat, usage, created_at)
  SELECT t.request_id, t.account_id, t.id, t.api, t.endpoint, t.model, t.amount_msat, t.charge, t.usage::jsonb, t.created_at FROM t WHERE t.request_id IS NOT NULL
)
SELECT s.id FROM s`;

// a statement the database aborted to break a deadlock (accounts locked in another order by a
// concurrent batch) or a serialisation conflict rolled back whole: it is run again
const TRANSIENT = new Set(['40P01', '40001']);

export interface SettleRequest {
  holdId: bigint;
  chargeMsat: bigint;
  to: bigint;
  memo?: string;
  call?: CallRecord;
}

interface Waiting {
  req: SettleRequest;
  resolve: (settled: boolean) => void;
  reject: (err: unknown) => void;
}

export interface SettleBatcher {
  /** resolves after the batch holding this settle committed: false if the hold was no longer held */
  settle(req: SettleRequest): Promise<boolean>;
}

/** max: settles per statement at most. */
export function createSettleBatcher(q: Queryable, opts: { max?: number } = {}): SettleBatcher {
  const max = Math.max(1, opts.max ?? 64);
  let queue: Waiting[] = [];
  let flushing = false;

  // The next batch: up to max settles, each hold once (a second settle of one hold waits for the
  // next batch, where the compare-and-set finds it settled and answers false).
  const take = (): Waiting[] => {
    const batch: Waiting[] = [];
    const rest: Waiting[] = [];
    const seen = new Set<bigint>();
    for (const w of queue) {
      if (batch.length < max && !seen.has(w.req.holdId)) {
        seen.add(w.req.holdId);
        batch.push(w);
      } else rest.push(w);
    }
    queue = rest;
    return batch;
  };

  const runBatch = async (batch: Waiting[]): Promise<void> => {
    if (batch.length === 1) {
      // alone: the single-hold statement, as without batching
      const w = batch[0]!;
      await settleHold(q, w.req).then(w.resolve, w.reject);
      return;
    }
    let settled: Set<bigint>;
    try {
      settled = await batchStatement(q, batch.map((w) => w.req));
    } catch {
      // a batch the database refused whole: each settle on its own, so one cannot fail the others
      await Promise.all(batch.map((w) => settleHold(q, w.req).then(w.resolve, w.reject)));
      return;
    }
    for (const w of batch) w.resolve(settled.has(w.req.holdId));
  };

  const flush = async (): Promise<void> => {
    try {
      while (queue.length > 0) await runBatch(take());
    } finally {
      flushing = false;
    }
  };

  return {
    settle(req) {
      return new Promise<boolean>((resolve, reject) => {
        queue.push({ req, resolve, reject });
        if (flushing) return;
        flushing = true;
        // settles of the same tick join the first batch; none waits for a timer
        queueMicrotask(() => void flush());
      });
    },
  };
}

async function batchStatement(q: Queryable, reqs: SettleRequest[]): Promise<Set<bigint>> {
  const params = [
    reqs.map((r) => r.holdId),
    reqs.map((r) => r.chargeMsat),
    reqs.map((r) => r.to),
    reqs.map((r) => r.memo ?? null),
    reqs.map((r) => r.call?.requestId ?? null),
    reqs.map((r) => r.call?.api ?? null),
    reqs.map((r) => r.call?.endpoint ?? null),
    reqs.map((r) => r.call?.model ?? null),
    reqs.map((r) => (r.call?.usage ? JSON.stringify(r.call.usage) : null)),
    reqs.map((r) => (r.call ? r.call.createdAt : null)),
  ];
  for (let attempt = 1; ; attempt++) {
    try {
      const res = await q.query<{ id: bigint }>(BATCH_SETTLE_SQL, params);
      return new Set(res.rows.map((r) => r.id));
    } catch (err) {
      if (attempt >= 3 || !TRANSIENT.has(pgErrorCode(err) ?? '')) throw err;
    }
  }
}
