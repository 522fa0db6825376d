// Group commit of settlements (group-commit.ts): concurrent paid calls' settles in one statement
// over `unnest` arrays, each caller answered with its own hold's result.
import type { Queryable } from '../store/index.js';
import { createGroupCommit, type BatchOptions } from './group-commit.js';
import { oneStatement, settleHold, type CallRecord } from './holds.js';

// The single-hold SETTLE_SQL of holds.ts over arrays. Per hold it is the same compare-and-set
// (the held row deleted: its journal row and receipt keep what it was, holds.ts);
// what goes back is summed per receiving account (an UPDATE … FROM applies one source row per
// target row), and a daily cap's "unspend" is summed per account over the holds of the day the
// account is on: s − min(s, a + b) equals taking a then b off one at a time, each floored at 0.
// The accounts are locked in id order first (an init plan), as every statement that locks several
// does: batches running at once, here and on other instances, then never wait on each other in a
// circle (a deadlock costs the database's deadlock_timeout, a second, before one is retried).
// A hold naming a change hold (`change_to`: an unused hold of the same account, kept by the
// instance that reserved ahead) adds its change to that hold instead while it is held: no account
// row is touched, and the change reaches the balance when that hold is given back (k); when it is
// no longer held, the change goes to the account as any other.
const BATCH_SETTLE_SQL = `
WITH i AS (
  SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::bigint[], $11::bigint[], $12::bigint[])
    AS i(hold_id, charge, to_id, memo, request_id, api, endpoint, model, usage, created_at, max_charge, change_to)
), s AS (
  DELETE FROM holds h
  USING i WHERE h.id = i.hold_id AND h.state = 'held' AND h.amount_msat >= i.charge
  RETURNING h.id, h.account_id, h.amount_msat, h.spend_day, i.charge, i.to_id AS revenue, i.memo, i.request_id, i.api, i.endpoint, i.model, i.usage, i.created_at, i.max_charge, i.change_to
), t AS (
  -- each settled hold's journal row id, taken in hold order here: its entries need no join back to it
  SELECT u.*, nextval(pg_get_serial_sequence('journal', 'id')) AS journal_id FROM (
    SELECT s.*, CASE WHEN a.revoked_at IS NOT NULL AND a.parent_id IS NOT NULL THEN a.parent_id ELSE s.account_id END AS back_to
    FROM s JOIN accounts a ON a.id = s.account_id ORDER BY s.id) u
), k AS (
  UPDATE holds c SET amount_msat = c.amount_msat + x.back
  FROM (SELECT change_to, account_id, sum(amount_msat - charge)::bigint AS back FROM t
        WHERE change_to IS NOT NULL AND change_to <> id AND back_to = account_id AND spend_day IS NULL AND amount_msat > charge GROUP BY change_to, account_id) x
  WHERE c.id = x.change_to AND c.account_id = x.account_id AND c.state = 'held'
  RETURNING c.id
), g AS (
  SELECT back_to, sum(amount_msat - charge)::bigint AS back FROM t
  WHERE amount_msat > charge AND (change_to IS NULL OR change_to NOT IN (SELECT id FROM k)) GROUP BY back_to
), back AS (
  UPDATE accounts a SET balance_msat = a.balance_msat + g.back,
    -- only a capped account counts its spending (its holds carry their day): the rest skip the scan of t
    spent_today_msat = CASE WHEN a.max_msat_per_day IS NULL THEN a.spent_today_msat ELSE a.spent_today_msat - coalesce(least(a.spent_today_msat, (
      SELECT sum(t.amount_msat - t.charge)::bigint FROM t
      WHERE t.account_id = a.id AND t.back_to = a.id AND t.spend_day = a.spend_day AND t.amount_msat > t.charge)), 0) END
  FROM g WHERE a.id = g.back_to
    AND a.id = ANY (ARRAY(SELECT l.id FROM accounts l WHERE l.id IN (SELECT back_to FROM g) ORDER BY l.id FOR NO KEY UPDATE))
  RETURNING a.id
), j AS (
  INSERT INTO journal (id, kind, ref, memo) SELECT t.journal_id, 'charge', t.id::text, t.memo FROM t
), e AS (
  INSERT INTO entries (journal_id, account_id, amount_msat)
  SELECT t.journal_id, v.account_id, v.amount FROM t,
    LATERAL (VALUES (t.account_id, -(CASE WHEN t.back_to = t.account_id THEN t.charge ELSE t.amount_msat END)), (t.revenue, t.charge),
      (t.back_to, CASE WHEN t.back_to = t.account_id THEN 0 ELSE t.amount_msat - t.charge END)) AS v(account_id, amount)
  WHERE v.amount <> 0
), c AS (
  INSERT INTO paid_calls (request_id, account_id, hold_id, api, endpoint, model, max_charge_msat, charged_msat, usage, created_at)
  SELECT t.request_id, t.account_id, t.id, t.api, t.endpoint, t.model, coalesce(t.max_charge, t.amount_msat), t.charge, t.usage::jsonb, t.created_at FROM t WHERE t.request_id IS NOT NULL
)
SELECT s.id, s.change_to IN (SELECT id FROM k) AS kept FROM s`;

export interface SettleRequest {
  holdId: bigint;
  chargeMsat: bigint;
  to: bigint;
  memo?: string;
  call?: CallRecord;
  /** an unused hold of the same account its change is added to while that is held (reserving ahead) */
  changeTo?: bigint;
}

/** false: the hold was no longer held; true: settled, its change back to the balance; 'kept': settled, its change added to the change hold it named */
export type Settled = boolean | 'kept';

export interface SettleBatcher {
  /** resolves after the batch holding this settle committed (Settled); mayLinger: nobody waits for it (BatchOptions.lingerMs) */
  settle(req: SettleRequest, mayLinger?: boolean): Promise<Settled>;
  /** null while the settlements waiting are fewer than the backlog; else resolves once they are */
  room(): Promise<void> | null;
  /** settlements lingering for company go now: a read is waiting for them */
  flush(): void;
}

/** opts: statements' size and how many run at once (BatchOptions). A second settle of one hold waits for the next batch, where the compare-and-set finds it settled. */
export function createSettleBatcher(q: Queryable, opts: BatchOptions = {}): SettleBatcher {
  const settle = createGroupCommit<SettleRequest, Settled>({
    ...opts,
    key: (req) => req.holdId,
    one: (req) => settleOne(q, req),
    many: async (reqs) => {
      const settled = await batchStatement(q, reqs);
      return reqs.map((r) => settled.get(r.holdId) ?? false);
    },
  });
  return { settle, room: settle.room, flush: settle.flush };
}

/** One settlement: the single-hold statement, or the batch's for one when it names a change hold. */
export async function settleOne(q: Queryable, req: SettleRequest): Promise<Settled> {
  if (req.changeTo === undefined) return settleHold(q, req);
  return (await batchStatement(q, [req])).get(req.holdId) ?? false;
}

async function batchStatement(q: Queryable, reqs: SettleRequest[]): Promise<Map<bigint, Settled>> {
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
    reqs.map((r) => r.call?.maxChargeMsat ?? null),
    reqs.map((r) => r.changeTo ?? null),
  ];
  // aborted whole to break a deadlock (accounts locked in another order by a concurrent batch): run again
  const res = await oneStatement<{ id: bigint; kept: boolean | null }>(q, BATCH_SETTLE_SQL, params);
  return new Map(res.rows.map((r) => [r.id, r.kept === true ? 'kept' : true]));
}
