// Deal-bound reputation: only the buyer and the accepted contractor of an escrowed task that
// closed (completed, refunded or split after a dispute) may rate each other, once each; a rating
// weighs as much as the escrowed amount. A profile's record is computed from closed deals only.
import type { Profile, Rating } from '../../contract/hire-views.js';
import { msatToSats } from '../../contract/money.js';
import { accountOf } from './accounts.js';
import type { HireDeps } from './deps.js';
import { forbidden, invalidState, notFound } from './errors.js';
import { dealStats, ensureProfile, insertRating, profileAccount } from './profiles-store.js';
import { findTask } from './tasks-store.js';
import { roleOf } from './views.js';

const CLOSED = new Set(['completed', 'refunded', 'split']);
const PROFILE_ID = /^prf_[0-9a-f]{24}$/;

export async function rateTask(deps: HireDeps, token: string, taskId: string, input: { stars: number; comment: string | null }): Promise<Rating> {
  const { db } = deps;
  const rater = await accountOf(db, token, deps.now());
  const task = await findTask(db, taskId);
  if (!task) throw notFound('No task has this id.');
  const role = roleOf(task, rater.id);
  if (role === null) throw forbidden('Only the buyer and the accepted contractor of a task can rate it.');
  if (!CLOSED.has(task.status)) throw invalidState(`The task is ${task.status}; a deal can be rated once it closed (completed, refunded or resolved).`);
  const rateeId = role === 'buyer' ? task.contractor_account_id! : task.buyer_account_id;
  const now = deps.now();
  const fresh = await insertRating(db, { taskId, raterAccountId: rater.id, rateeAccountId: rateeId, stars: input.stars, comment: input.comment, amountMsat: task.escrow_msat!, now });
  if (!fresh) throw invalidState('You already rated this task; a rating cannot be changed.');
  const rated = role === 'buyer' ? await ensureProfile(db, rateeId) : task.buyer_profile;
  return { task_id: taskId, rated_profile: rated, as: role, stars: input.stars, comment: input.comment, amount_sats: msatToSats(task.escrow_msat!), created_at: now };
}

const ratio = (n: bigint, d: bigint): number | null => (d === 0n ? null : Math.round((Number(n) / Number(d)) * 1000) / 1000);

export async function profile(deps: HireDeps, profileId: string): Promise<Profile> {
  const accountId = PROFILE_ID.test(profileId) ? await profileAccount(deps.db, profileId) : null;
  if (accountId === null) throw notFound('No profile has this id.');
  const s = await dealStats(deps.db, accountId);
  const weighted = s.rated_msat && s.rated_msat > 0n ? Math.round((Number(s.weighted_stars!) / Number(s.rated_msat)) * 100) / 100 : null;
  return {
    id: profileId,
    deals: Number(s.deals),
    completed: Number(s.completed),
    disputed: Number(s.disputed),
    refunded: Number(s.refunded),
    dispute_rate: ratio(s.disputed, s.deals),
    refund_rate: ratio(s.refunded, s.deals),
    sats_earned: msatToSats(s.earned_msat),
    sats_paid: msatToSats(s.paid_msat),
    median_delivery_seconds: s.median_delivery === null ? null : Math.round(Number(s.median_delivery)),
    ratings: {
      count: Number(s.rating_count),
      mean: weighted,
      mean_unweighted: s.mean_stars === null ? null : Math.round(Number(s.mean_stars) * 100) / 100,
    },
  };
}
