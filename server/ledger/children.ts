// Child tokens' accounts: made by a parent with an amount moved from the parent's balance, listed
// for the parent, revoked with what is left going back. Limits are checked where money is spent
// (holds.ts, journal.ts); here only their lifecycle.
import { readSnapshot, type Db, type Queryable } from '../store/index.js';
import { spendDayOf } from './accounts.js';
import { dailyTotals } from './history.js';
import { postJournal } from './journal.js';

export interface ChildSpec {
  parentId: bigint;
  tokenHash: Buffer;
  amountMsat: bigint;
  expiresAt: number | null;
  maxMsatPerDay: bigint | null;
  apis: string[] | null;
}

export interface ChildRow {
  id: bigint;
  balanceMsat: bigint;
  expiresAt: number | null;
  maxMsatPerDay: bigint | null;
  apis: string[] | null;
  /** charged and reserved on the given day */
  spentTodayMsat: bigint;
  revokedAt: number | null;
  createdAt: number;
}

/** Opens the child's account and moves the amount to it; InsufficientFundsError when the parent lacks it. */
export async function createChild(db: Db, p: ChildSpec): Promise<bigint> {
  return db.tx(async (q) => {
    const res = await q.query<{ id: bigint }>(
      `INSERT INTO accounts (kind, token_hash, parent_id, expires_at, max_msat_per_day, apis) VALUES ('user', $1, $2, $3, $4, $5) RETURNING id`,
      [p.tokenHash, p.parentId, p.expiresAt, p.maxMsatPerDay, p.apis],
    );
    const id = res.rows[0]!.id;
    await postJournal(q, {
      kind: 'token_fund',
      ref: id.toString(),
      lines: [
        { accountId: p.parentId, amountMsat: -p.amountMsat },
        { accountId: id, amountMsat: p.amountMsat },
      ],
    });
    return id;
  });
}

/**
 * The parent's children, newest first; or only the one `childId` names. Read in one snapshot: an
 * uncapped child's day is its settled calls plus its holds, and a settlement committing between
 * those two reads would otherwise be in neither.
 */
export function listChildren(db: Db, parentId: bigint, now: number, childId?: bigint): Promise<ChildRow[]> {
  return readSnapshot(db, (q) => readChildren(q, parentId, now, childId));
}

async function readChildren(q: Queryable, parentId: bigint, now: number, childId?: bigint): Promise<ChildRow[]> {
  const res = await q.query<{ id: bigint; balance_msat: bigint; expires_at: bigint | null; max_msat_per_day: bigint | null; apis: string[] | null; spend_day: number | null; spent_today_msat: bigint; revoked_at: bigint | null; created_at: Date }>(
    `SELECT id, balance_msat, expires_at, max_msat_per_day, apis, spend_day, spent_today_msat, revoked_at, created_at
     FROM accounts WHERE parent_id = $1 AND ($2::bigint IS NULL OR id = $2::bigint) ORDER BY id DESC`,
    [parentId, childId ?? null],
  );
  const today = spendDayOf(now);
  const rows: ChildRow[] = [];
  for (const r of res.rows) {
    rows.push({
      id: r.id,
      balanceMsat: r.balance_msat,
      expiresAt: r.expires_at === null ? null : Number(r.expires_at),
      maxMsatPerDay: r.max_msat_per_day,
      apis: r.apis,
      // a capped child's spending is counted as it spends; an uncapped one's is read from its day
      spentTodayMsat: r.max_msat_per_day !== null ? (r.spend_day === today ? r.spent_today_msat : 0n) : await spentToday(q, r.id, today),
      revokedAt: r.revoked_at === null ? null : Number(r.revoked_at),
      createdAt: Math.floor(new Date(r.created_at).getTime() / 1000),
    });
  }
  return rows;
}

/** Charged today (UTC) and reserved now, as a cap counts it: the day's spending of the usage history, plus the holds of calls in flight. */
async function spentToday(q: Queryable, accountId: bigint, day: number): Promise<bigint> {
  const [total] = await dailyTotals(q, { accountId, from: day * 86_400, to: day * 86_400 + 86_399 });
  const held = await q.query<{ s: bigint }>(`SELECT coalesce(sum(amount_msat), 0)::bigint AS s FROM holds WHERE account_id = $1 AND state = 'held'`, [accountId]);
  return (total?.spentMsat ?? 0n) + held.rows[0]!.s;
}

export type RevokeResult = { ok: true; returnedMsat: bigint } | { ok: false; reason: 'not_found' | 'already_revoked' };

/**
 * Revokes the parent's child (compare-and-set on revoked_at) and moves its balance back in the
 * same transaction; the change of calls still in flight follows later (holds.ts BACK_TO).
 */
export async function revokeChild(db: Db, p: { parentId: bigint; childId: bigint; now: number }): Promise<RevokeResult> {
  return db.tx(async (q) => {
    const res = await q.query<{ balance_msat: bigint }>(
      `UPDATE accounts SET revoked_at = $3 WHERE id = $1 AND parent_id = $2 AND revoked_at IS NULL RETURNING balance_msat`,
      [p.childId, p.parentId, p.now],
    );
    const row = res.rows[0];
    if (!row) {
      const exists = await q.query(`SELECT 1 FROM accounts WHERE id = $1 AND parent_id = $2`, [p.childId, p.parentId]);
      return { ok: false, reason: exists.rows.length === 0 ? 'not_found' : 'already_revoked' };
    }
    if (row.balance_msat > 0n) await returnToParent(q, p.childId, p.parentId, row.balance_msat);
    return { ok: true, returnedMsat: row.balance_msat };
  });
}

/** A revoked child's money back to its parent, as a `token_revoke` entry (ref: the child). */
async function returnToParent(q: Queryable, childId: bigint, parentId: bigint, amountMsat: bigint): Promise<void> {
  await postJournal(q, {
    kind: 'token_revoke',
    ref: childId.toString(),
    lines: [
      { accountId: childId, amountMsat: -amountMsat },
      { accountId: parentId, amountMsat },
    ],
  });
}

/**
 * Money credited to a child token after its parent revoked it (an escrow, a refill paid late)
 * follows the rest of its balance to the parent, in the crediting transaction: revocation moved
 * what it had, so whatever a revoked child holds now arrived since. The credit's update holds the
 * child's row, so a revocation racing it has either committed (seen here) or runs after (and
 * moves the credit itself). One statement when none of the accounts is a revoked child.
 */
export async function sweepRevoked(q: Queryable, accountIds: readonly bigint[]): Promise<void> {
  const res = await q.query<{ id: bigint; parent_id: bigint; balance_msat: bigint }>(
    `SELECT id, parent_id, balance_msat FROM accounts
     WHERE id = ANY($1::bigint[]) AND revoked_at IS NOT NULL AND parent_id IS NOT NULL AND balance_msat > 0 ORDER BY id`,
    [accountIds.map(String)],
  );
  for (const r of res.rows) await returnToParent(q, r.id, r.parent_id, r.balance_msat);
}

/** What a capped child token may still spend today (its cap less what it spent and reserved today); null when it has no cap. */
export async function dailyCapLeft(q: Queryable, accountId: bigint, now: number): Promise<bigint | null> {
  const res = await q.query<{ max_msat_per_day: bigint | null; spend_day: number | null; spent_today_msat: bigint }>(
    `SELECT max_msat_per_day, spend_day, spent_today_msat FROM accounts WHERE id = $1`,
    [accountId],
  );
  const r = res.rows[0];
  if (!r || r.max_msat_per_day === null) return null;
  const spent = r.spend_day === spendDayOf(now) ? r.spent_today_msat : 0n;
  return r.max_msat_per_day > spent ? r.max_msat_per_day - spent : 0n;
}

