// SQL for reputation: pseudonymous profile ids, deal-bound ratings, and the record computed from
// closed escrowed tasks only (completed, refunded, split), never from anything a token says.
import { randomBytes } from 'node:crypto';
import type { Queryable } from '../store/index.js';

/** The account's public profile id, made on its first task or quote (random: unlinkable to the token). */
export async function ensureProfile(q: Queryable, accountId: bigint): Promise<string> {
  await q.query(`INSERT INTO hire_profiles (account_id, id) VALUES ($1, $2) ON CONFLICT (account_id) DO NOTHING`, [accountId, `prf_${randomBytes(12).toString('hex')}`]);
  const res = await q.query<{ id: string }>(`SELECT id FROM hire_profiles WHERE account_id = $1`, [accountId]);
  return res.rows[0]!.id;
}

export async function profileAccount(q: Queryable, profileId: string): Promise<bigint | null> {
  const res = await q.query<{ account_id: bigint }>(`SELECT account_id FROM hire_profiles WHERE id = $1`, [profileId]);
  return res.rows[0]?.account_id ?? null;
}

export async function hasRated(q: Queryable, taskId: string, raterAccountId: bigint): Promise<boolean> {
  const res = await q.query(`SELECT 1 FROM hire_ratings WHERE task_id = $1 AND rater_account_id = $2`, [taskId, raterAccountId]);
  return res.rows.length > 0;
}

/** One rating per rater and task; false when this rater had already rated it. */
export async function insertRating(
  q: Queryable,
  r: { taskId: string; raterAccountId: bigint; rateeAccountId: bigint; stars: number; comment: string | null; amountMsat: bigint; now: number },
): Promise<boolean> {
  const res = await q.query(
    `INSERT INTO hire_ratings (task_id, rater_account_id, ratee_account_id, stars, comment, amount_msat, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (task_id, rater_account_id) DO NOTHING RETURNING task_id`,
    [r.taskId, r.raterAccountId, r.rateeAccountId, r.stars, r.comment, r.amountMsat, r.now],
  );
  return res.rows.length === 1;
}

export interface DealStats {
  deals: bigint;
  completed: bigint;
  disputed: bigint;
  refunded: bigint;
  earned_msat: bigint;
  paid_msat: bigint;
  median_delivery: number | null;
  rating_count: bigint;
  weighted_stars: bigint | null;
  rated_msat: bigint | null;
  mean_stars: number | null;
}

export async function dealStats(q: Queryable, accountId: bigint): Promise<DealStats> {
  const res = await q.query<DealStats>(
    `SELECT d.*, r.* FROM (
       SELECT count(*) AS deals,
         count(*) FILTER (WHERE status = 'completed') AS completed,
         count(*) FILTER (WHERE outcome IN ('admin_release', 'admin_refund', 'admin_split')) AS disputed,
         count(*) FILTER (WHERE status = 'refunded') AS refunded,
         coalesce(sum(contractor_paid_msat) FILTER (WHERE contractor_account_id = $1), 0)::bigint AS earned_msat,
         coalesce(sum(contractor_paid_msat) FILTER (WHERE buyer_account_id = $1), 0)::bigint AS paid_msat,
         percentile_cont(0.5) WITHIN GROUP (ORDER BY delivered_at - awarded_at)
           FILTER (WHERE contractor_account_id = $1 AND delivered_at IS NOT NULL AND awarded_at IS NOT NULL) AS median_delivery
       FROM hire_tasks
       WHERE status IN ('completed', 'refunded', 'split') AND (buyer_account_id = $1 OR contractor_account_id = $1)
     ) AS d, (
       SELECT count(*) AS rating_count, sum(stars * amount_msat)::bigint AS weighted_stars, sum(amount_msat)::bigint AS rated_msat,
         avg(stars)::float8 AS mean_stars
       FROM hire_ratings WHERE ratee_account_id = $1
     ) AS r`,
    [accountId],
  );
  return res.rows[0]!;
}
