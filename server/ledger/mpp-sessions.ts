// MPP Lightning sessions in the store. A session is the funded credential of its deposit's payment
// hash (fundCredential: the deposit in an account of its own, once) plus a row naming its return
// invoice. Top-ups are credited once per payment hash; a close is one compare-and-set open →
// closed that moves the whole balance out (whole sats to payouts_pending for the refund, the
// sub-sat rest to revenue); the refund is then settled once, as a payout is.
import type { Db, Queryable } from '../store/index.js';
import type { SystemAccountIds } from './accounts.js';
import { postJournal } from './journal.js';
import { fundCredential, fundedByAnOpen } from './l402-credentials.js';

export interface SessionRow {
  paymentHash: string;
  accountId: bigint;
  returnInvoice: string;
  returnHash: string;
  state: 'open' | 'closed';
  lastUsedAt: number;
  refundMsat: bigint | null;
  refundState: 'awaiting' | 'unsent' | 'skipped' | 'pending' | 'succeeded' | 'failed' | null;
}

type Raw = { payment_hash: string; account_id: bigint; return_invoice: string; return_hash: string; state: 'open' | 'closed'; last_used_at: bigint; refund_msat: bigint | null; refund_state: SessionRow['refundState'] };
const COLUMNS = 'payment_hash, account_id, return_invoice, return_hash, state, last_used_at, refund_msat, refund_state';
const view = (r: Raw): SessionRow => ({
  paymentHash: r.payment_hash,
  accountId: r.account_id,
  returnInvoice: r.return_invoice,
  returnHash: r.return_hash,
  state: r.state,
  lastUsedAt: Number(r.last_used_at),
  refundMsat: r.refund_msat,
  refundState: r.refund_state,
});

export async function sessionRow(q: Queryable, paymentHash: string): Promise<SessionRow | null> {
  const res = await q.query<Raw>(`SELECT ${COLUMNS} FROM mpp_sessions WHERE payment_hash = $1`, [paymentHash]);
  return res.rows[0] ? view(res.rows[0]) : null;
}

/**
 * Opens (or finds again) the session of a paid deposit: the deposit is credited once, keyed by its
 * payment hash, whichever instance sees the open first. Null when that payment hash already paid
 * something else (a single-use credential).
 */
export async function openSession(
  db: Db,
  sys: SystemAccountIds,
  p: { paymentHash: string; depositMsat: bigint; endpoint: string; returnInvoice: string; returnHash: string; now: number },
): Promise<SessionRow | null> {
  // taken before: opened already (found again below), or another use's (a top-up, a payment through another door)
  const funded = await fundCredential(db, sys, { paymentHash: p.paymentHash, endpoint: p.endpoint, valueMsat: p.depositMsat, now: p.now });
  if (!funded && !(await fundedByAnOpen(db, p.paymentHash, p.endpoint))) return null;
  return db.tx(async (q) => {
    await q.query(
      `INSERT INTO mpp_sessions (payment_hash, account_id, return_invoice, return_hash, state, opened_at, last_used_at)
       SELECT $1, c.account_id, $2, $3, 'open', $4, $4 FROM l402_credentials c WHERE c.payment_hash = $1 AND c.state IN ('funded', 'session')
       ON CONFLICT (payment_hash) DO NOTHING`,
      [p.paymentHash, p.returnInvoice, p.returnHash, p.now],
    );
    // from now on the deposit is spent through the session's bearer only (028): closed, the session is closed at every door
    await q.query(`UPDATE l402_credentials SET state = 'session' WHERE payment_hash = $1 AND state = 'funded'`, [p.paymentHash]);
    return sessionRow(q, p.paymentHash);
  });
}

/** A use of an open session: it stays alive. Null when it is not open (or not ours). */
export async function touchSession(q: Queryable, paymentHash: string, now: number): Promise<bigint | null> {
  const res = await q.query<{ account_id: bigint }>(`UPDATE mpp_sessions SET last_used_at = GREATEST(last_used_at, $2) WHERE payment_hash = $1 AND state = 'open' RETURNING account_id`, [paymentHash, now]);
  return res.rows[0]?.account_id ?? null;
}

export type TopUpOutcome = { kind: 'credited' | 'replayed'; balanceMsat: bigint } | { kind: 'closed' } | { kind: 'unknown' } | { kind: 'other_session' };

/**
 * A paid top-up invoice into an open session, once per payment hash (a replay credits nothing):
 * its credential row says 'topup', so the same invoice can never also open a session or pay
 * through another door (as a credential it would have paid from the whole session).
 */
export async function topUpSession(db: Db, sys: SystemAccountIds, p: { sessionHash: string; paymentHash: string; amountMsat: bigint; endpoint: string; now: number }): Promise<TopUpOutcome> {
  return db.tx<TopUpOutcome>(async (q) => {
    const s = await q.query<{ account_id: bigint; state: string }>(`SELECT account_id, state FROM mpp_sessions WHERE payment_hash = $1 FOR UPDATE`, [p.sessionHash]);
    const session = s.rows[0];
    if (!session) return { kind: 'unknown' };
    // the payment hash's credential row decides, on every instance and against an open with the
    // same invoice: credited to this session once, and no credential of its own afterwards (028)
    const inserted = await q.query(
      `INSERT INTO l402_credentials (payment_hash, state, endpoint, price_msat, updated_at)
       VALUES ($1, 'topup', $2, $3, $4) ON CONFLICT (payment_hash) DO NOTHING RETURNING 1`,
      [p.paymentHash, p.endpoint, p.amountMsat, p.now],
    );
    if (inserted.rows.length === 1) {
      await q.query(`INSERT INTO mpp_session_topups (payment_hash, session_hash, amount_msat, created_at) VALUES ($1, $2, $3, $4)`, [p.paymentHash, p.sessionHash, p.amountMsat, p.now]);
    }
    const balance = async () => (await q.query<{ balance_msat: bigint }>(`SELECT balance_msat FROM accounts WHERE id = $1`, [session.account_id])).rows[0]!.balance_msat;
    if (inserted.rows.length === 0) {
      const prior = await q.query<{ session_hash: string }>(`SELECT session_hash FROM mpp_session_topups WHERE payment_hash = $1`, [p.paymentHash]);
      if (prior.rows[0]?.session_hash !== p.sessionHash) return { kind: 'other_session' };
      return { kind: 'replayed', balanceMsat: await balance() };
    }
    if (session.state !== 'open') throw new SessionClosedError();
    await postJournal(q, {
      kind: 'mpp_session_topup',
      ref: p.paymentHash,
      lines: [
        { accountId: sys.lightning, amountMsat: -p.amountMsat },
        { accountId: session.account_id, amountMsat: p.amountMsat },
      ],
    });
    await q.query(`UPDATE mpp_sessions SET last_used_at = GREATEST(last_used_at, $2) WHERE payment_hash = $1`, [p.sessionHash, p.now]);
    return { kind: 'credited', balanceMsat: await balance() };
  }).catch((err: unknown) => {
    if (err instanceof SessionClosedError) return { kind: 'closed' } satisfies TopUpOutcome as TopUpOutcome;
    throw err;
  });
}

class SessionClosedError extends Error {}

export interface ClosingSession {
  paymentHash: string;
  accountId: bigint;
  returnInvoice: string;
  returnHash: string;
  /** whole sats, now in payouts_pending (0: nothing to refund) */
  refundMsat: bigint;
}

/** A close while calls still run on the session: closed, its refund waits for them (finishClose). */
export interface AwaitingClose {
  paymentHash: string;
  awaiting: true;
  /** what the session holds now outside its running calls */
  balanceMsat: bigint;
}

/** The session's calls still holding money: a close refunds only once none does. */
const CALLS_RUNNING = `EXISTS (SELECT 1 FROM holds h WHERE h.account_id = mpp_sessions.account_id AND h.state = 'held')`;

/**
 * Closes an open session (only if idle since `idleBefore`, when given, and running no call): one
 * compare-and-set marks it closed. With no call running it moves its whole balance out at once;
 * else its refund awaits them (finishClose). Null when it was not open (closed by someone else).
 */
export async function closeSession(db: Db, sys: SystemAccountIds, p: { paymentHash: string; now: number; idleBefore?: number }): Promise<ClosingSession | AwaitingClose | null> {
  return db.tx(async (q) => {
    // the session's row, then its account, as a top-up and finishClose lock them: a hold being
    // reserved from the account has then committed (and is seen as running), or waits
    const session = await q.query<{ account_id: bigint }>(`SELECT account_id FROM mpp_sessions WHERE payment_hash = $1 FOR UPDATE`, [p.paymentHash]);
    if (session.rows[0]) await q.query(`SELECT 1 FROM accounts WHERE id = $1 FOR UPDATE`, [session.rows[0].account_id]);
    const closed = await q.query<{ account_id: bigint; return_invoice: string; return_hash: string; refund_state: string }>(
      `UPDATE mpp_sessions SET state = 'closed', closed_at = $2, refund_state = CASE WHEN ${CALLS_RUNNING} THEN 'awaiting' ELSE 'pending' END
       WHERE payment_hash = $1 AND state = 'open'
         -- idle: unused since then, and no call (a long stream) still running on it
         AND ($3::bigint IS NULL OR (last_used_at < $3::bigint AND NOT ${CALLS_RUNNING}))
       RETURNING account_id, return_invoice, return_hash, refund_state`,
      [p.paymentHash, p.now, p.idleBefore ?? null],
    );
    const row = closed.rows[0];
    if (!row) return null;
    if (row.refund_state === 'awaiting') {
      const bal = await q.query<{ balance_msat: bigint }>(`SELECT balance_msat FROM accounts WHERE id = $1`, [row.account_id]);
      return { paymentHash: p.paymentHash, awaiting: true, balanceMsat: bal.rows[0]!.balance_msat };
    }
    return moveOut(q, sys, { paymentHash: p.paymentHash, accountId: row.account_id, returnInvoice: row.return_invoice, returnHash: row.return_hash });
  });
}

/**
 * A close that awaited the session's calls, once none runs: its whole balance moved out as a close
 * does (a compare-and-set on 'awaiting'). Null while a call still holds money, or when done already.
 */
export async function finishClose(db: Db, sys: SystemAccountIds, paymentHash: string): Promise<ClosingSession | null> {
  return db.tx(async (q) => {
    const s = await q.query<{ account_id: bigint; return_invoice: string; return_hash: string }>(
      `SELECT account_id, return_invoice, return_hash FROM mpp_sessions WHERE payment_hash = $1 AND refund_state = 'awaiting' FOR UPDATE`,
      [paymentHash],
    );
    const row = s.rows[0];
    if (!row) return null;
    // the account locked first: a hold reserved meanwhile would wait for it, and then find nothing
    await q.query(`SELECT 1 FROM accounts WHERE id = $1 FOR UPDATE`, [row.account_id]);
    const running = await q.query(`SELECT 1 FROM holds WHERE account_id = $1 AND state = 'held' LIMIT 1`, [row.account_id]);
    if (running.rows.length > 0) return null;
    return moveOut(q, sys, { paymentHash, accountId: row.account_id, returnInvoice: row.return_invoice, returnHash: row.return_hash });
  });
}

/** The closed session's whole balance out: its whole sats to payouts_pending for the refund, the sub-sat rest to revenue. */
async function moveOut(q: Queryable, sys: SystemAccountIds, c: Omit<ClosingSession, 'refundMsat'>): Promise<ClosingSession> {
  const bal = await q.query<{ balance_msat: bigint }>(`SELECT balance_msat FROM accounts WHERE id = $1 FOR UPDATE`, [c.accountId]);
  const balanceMsat = bal.rows[0]!.balance_msat;
  const refundMsat = (balanceMsat / 1000n) * 1000n;
  if (balanceMsat > 0n) {
    await postJournal(q, {
      kind: 'mpp_session_close',
      ref: c.paymentHash,
      lines: [
        { accountId: c.accountId, amountMsat: -balanceMsat },
        { accountId: sys.payouts_pending, amountMsat: refundMsat },
        { accountId: sys.revenue, amountMsat: balanceMsat - refundMsat },
      ],
    });
  }
  await q.query(`UPDATE mpp_sessions SET refund_msat = $2, refund_state = $3 WHERE payment_hash = $1`, [c.paymentHash, refundMsat, refundMsat > 0n ? 'pending' : 'skipped']);
  return { ...c, refundMsat };
}

/** A pending refund's definite outcome, once (a compare-and-set on `pending`): paid out, or back in the session's account. */
export async function settleRefund(
  db: Db,
  sys: SystemAccountIds,
  p: { paymentHash: string; outcome: { status: 'succeeded'; feeMsat: bigint } | { status: 'failed' } },
): Promise<boolean> {
  return db.tx(async (q) => {
    const res = await q.query<{ account_id: bigint; refund_msat: bigint }>(
      `UPDATE mpp_sessions SET refund_state = $2, refund_fee_msat = $3 WHERE payment_hash = $1 AND refund_state = 'pending' RETURNING account_id, refund_msat`,
      [p.paymentHash, p.outcome.status, p.outcome.status === 'succeeded' ? p.outcome.feeMsat : null],
    );
    const row = res.rows[0];
    if (!row) return false;
    const lines =
      p.outcome.status === 'succeeded'
        ? [
            { accountId: sys.payouts_pending, amountMsat: -row.refund_msat },
            { accountId: sys.lightning, amountMsat: row.refund_msat + p.outcome.feeMsat },
            // the refund's routing fee is the operator's, never taken from the refund
            { accountId: sys.revenue, amountMsat: -p.outcome.feeMsat },
          ]
        : [
            { accountId: sys.payouts_pending, amountMsat: -row.refund_msat },
            { accountId: row.account_id, amountMsat: row.refund_msat },
          ];
    await postJournal(q, { kind: p.outcome.status === 'succeeded' ? 'mpp_refund_paid' : 'mpp_refund_failed', ref: p.paymentHash, lines });
    return true;
  });
}

export async function idleSessions(q: Queryable, before: number, limit: number): Promise<string[]> {
  const res = await q.query<{ payment_hash: string }>(`SELECT payment_hash FROM mpp_sessions WHERE state = 'open' AND last_used_at < $1 ORDER BY last_used_at LIMIT $2`, [before, limit]);
  return res.rows.map((r) => r.payment_hash);
}

/** Closes awaiting their sessions' calls, oldest first. */
export async function awaitingCloses(q: Queryable, limit: number): Promise<string[]> {
  const res = await q.query<{ payment_hash: string }>(`SELECT payment_hash FROM mpp_sessions WHERE refund_state = 'awaiting' ORDER BY closed_at LIMIT $1`, [limit]);
  return res.rows.map((r) => r.payment_hash);
}

export async function pendingRefunds(q: Queryable, closedBefore: number, limit: number): Promise<SessionRow[]> {
  const res = await q.query<Raw>(`SELECT ${COLUMNS} FROM mpp_sessions WHERE refund_state = 'pending' AND closed_at < $1 ORDER BY closed_at LIMIT $2`, [closedBefore, limit]);
  return res.rows.map(view);
}

/** A refund the node could not be reached for (nothing sent): compare-and-set pending → unsent. */
export async function markRefundUnsent(db: Db, paymentHash: string): Promise<void> {
  await db.query(`UPDATE mpp_sessions SET refund_state = 'unsent' WHERE payment_hash = $1 AND refund_state = 'pending'`, [paymentHash]);
}

/** Refunds never sent, taken back to pending by this caller (skipping rows another instance holds), to be sent now. */
export async function claimUnsentRefunds(db: Db, limit: number): Promise<SessionRow[]> {
  const res = await db.query<Raw>(
    `UPDATE mpp_sessions SET refund_state = 'pending' WHERE payment_hash IN (
       SELECT payment_hash FROM mpp_sessions WHERE refund_state = 'unsent' ORDER BY closed_at LIMIT $1 FOR UPDATE SKIP LOCKED)
     AND refund_state = 'unsent' RETURNING ${COLUMNS}`,
    [limit],
  );
  return res.rows.map(view);
}

/** What refunds on their way hold in payouts_pending (the payout audit counts them beside hire payouts). */
export const PENDING_REFUNDS_SQL = `SELECT coalesce(sum(refund_msat), 0) AS s FROM mpp_sessions WHERE refund_state IN ('pending', 'unsent')`;

const onItsWay = (state: string | null): boolean => state === 'pending' || state === 'unsent';

/** Each session's refund went into payouts_pending once (its whole sats) and, once settled, out once. */
export const auditSessions = async (q: Queryable, ctx: { movesByRef(account: 'payouts_pending'): Promise<Map<string, { ins: number; inMsat: bigint; outs: number; outMsat: bigint }>> }): Promise<string[]> => {
  const problems: string[] = [];
  const moves = await ctx.movesByRef('payouts_pending');
  const rows = await q.query<{ payment_hash: string; refund_msat: bigint | null; refund_state: string | null }>(`SELECT payment_hash, refund_msat, refund_state FROM mpp_sessions WHERE state = 'closed'`);
  for (const r of rows.rows) {
    const m = moves.get(r.payment_hash) ?? { ins: 0, inMsat: 0n, outs: 0, outMsat: 0n };
    const refund = r.refund_msat ?? 0n;
    const ok =
      refund === 0n
        ? m.ins + m.outs === 0 && (r.refund_state === 'skipped' || r.refund_state === 'awaiting')
        : m.ins === 1 && m.inMsat === refund && m.outs === (onItsWay(r.refund_state) ? 0 : 1) && (onItsWay(r.refund_state) || m.outMsat === refund);
    if (!ok) problems.push(`session ${r.payment_hash} (refund ${r.refund_state}, ${refund} msat): in ${m.ins} time(s), out ${m.outs} time(s)`);
  }
  return problems;
};

/**
 * Moves up to `maxMsat` more from a session's balance into one of its calls' holds (a stream that
 * paused for a top-up goes on with it). One transaction, the hold locked first: it grows only
 * while held, by what the balance has. Returns the hold's amount after (unchanged when nothing was
 * added), or null when the hold is no longer held.
 */
export async function extendSessionHold(db: Db, p: { holdId: bigint; sessionHash: string; maxMsat: bigint }): Promise<bigint | null> {
  return db.tx(async (q) => {
    const hold = await q.query<{ account_id: bigint; amount_msat: bigint }>(
      `SELECT h.account_id, h.amount_msat FROM holds h JOIN mpp_sessions s ON s.account_id = h.account_id
       WHERE h.id = $1 AND h.state = 'held' AND s.payment_hash = $2 AND s.state = 'open' FOR UPDATE OF h`,
      [p.holdId, p.sessionHash],
    );
    const h = hold.rows[0];
    if (!h) return null;
    const bal = await q.query<{ balance_msat: bigint }>(`SELECT balance_msat FROM accounts WHERE id = $1 FOR UPDATE`, [h.account_id]);
    const balance = bal.rows[0]?.balance_msat ?? 0n;
    const add = balance < p.maxMsat ? balance : p.maxMsat;
    if (add <= 0n) return h.amount_msat;
    // a reservation moves the balance into its hold and writes no journal lines (the compact journal)
    await q.query(`UPDATE accounts SET balance_msat = balance_msat - $2::bigint WHERE id = $1`, [h.account_id, add]);
    await q.query(`UPDATE holds SET amount_msat = amount_msat + $2::bigint WHERE id = $1`, [p.holdId, add]);
    return h.amount_msat + add;
  });
}
