// Audit checkpoints: verified segments of the journal, chained by hash. Writing one records each
// account's sum below it (audit_balances) and the ledger totals, so the next audit starts there.
import type { Queryable } from '../store/index.js';
import { chainHash, segmentDigest } from './audit-digest.js';

export interface Checkpoint {
  id: bigint;
  from: bigint;
  below: bigint;
  digest: string;
  chain: string;
  /** per ledger_totals key (a system account's name or user_balances), plus lightning_in/lightning_out */
  totals: Map<string, bigint>;
  archive: string | null;
  /** the chain hash was carried over when an archive cut or replaced the segment, not computed from the one before */
  carried: boolean;
}

type Row = { id: bigint; from_journal_id: bigint; below_journal_id: bigint; digest: string; chain: string; totals: Record<string, string> | string; archive: string | null; chain_carried: boolean };

const toCheckpoint = (r: Row): Checkpoint => {
  const totals = typeof r.totals === 'string' ? (JSON.parse(r.totals) as Record<string, string>) : r.totals;
  return {
    id: r.id,
    from: r.from_journal_id,
    below: r.below_journal_id,
    digest: r.digest,
    chain: r.chain,
    totals: new Map(Object.entries(totals).map(([k, v]) => [k, BigInt(v)])),
    archive: r.archive,
    carried: r.chain_carried,
  };
};

export async function checkpoints(q: Queryable): Promise<Checkpoint[]> {
  const res = await q.query<Row>(`SELECT * FROM audit_checkpoints ORDER BY below_journal_id`);
  return res.rows.map(toCheckpoint);
}

export async function latestCheckpoint(q: Queryable): Promise<Checkpoint | null> {
  const res = await q.query<Row>(`SELECT * FROM audit_checkpoints ORDER BY below_journal_id DESC LIMIT 1`);
  return res.rows[0] ? toCheckpoint(res.rows[0]) : null;
}

export interface RangeSum {
  accountId: bigint;
  key: string;
  sumMsat: bigint;
  negMsat: bigint;
  posMsat: bigint;
}

/** Each account's entries with journal ids in [from, below) (below null: no upper bound). */
export async function rangeSums(q: Queryable, from: bigint, below: bigint | null): Promise<RangeSum[]> {
  const res = await q.query<{ account_id: bigint; key: string; s: bigint; neg: bigint; pos: bigint }>(
    `SELECT t.account_id, coalesce(a.name, 'user_balances') AS key, t.s, t.neg, t.pos
     FROM (SELECT account_id, sum(amount_msat) AS s,
             coalesce(sum(amount_msat) FILTER (WHERE amount_msat < 0), 0) AS neg,
             coalesce(sum(amount_msat) FILTER (WHERE amount_msat > 0), 0) AS pos
           FROM entries WHERE journal_id >= $1 AND ($2::bigint IS NULL OR journal_id < $2::bigint) GROUP BY account_id) t
     JOIN accounts a ON a.id = t.account_id`,
    [from, below],
  );
  return res.rows.map((r) => ({ accountId: r.account_id, key: r.key, sumMsat: r.s, negMsat: r.neg, posMsat: r.pos }));
}

/** A checkpoint's totals plus the sums after it. */
export function addSums(base: ReadonlyMap<string, bigint>, sums: readonly RangeSum[]): Map<string, bigint> {
  const totals = new Map(base);
  const add = (k: string, v: bigint) => totals.set(k, (totals.get(k) ?? 0n) + v);
  for (const s of sums) {
    add(s.key, s.sumMsat);
    if (s.key === 'lightning') {
      add('lightning_in', -s.negMsat);
      add('lightning_out', s.posMsat);
    }
  }
  return totals;
}

export const totalsJson = (totals: ReadonlyMap<string, bigint>): string => JSON.stringify(Object.fromEntries([...totals].map(([k, v]) => [k, v.toString()])));

/** A segment spans at most this many journal ids, so re-verifying one costs the same at any size of history. */
export const SEGMENT_IDS = 8_192n;

/**
 * New checkpoints over [base.below, below), one per SEGMENT_IDS: call it only after this transaction
 * verified every row in that range. Returns the newest, or null when there is nothing new or another
 * audit extended the chain first.
 */
export async function writeCheckpoint(q: Queryable, base: Checkpoint | null, below: bigint): Promise<Checkpoint | null> {
  let last = base;
  let from = base?.below ?? 0n;
  while (from < below) {
    // segment ends fall on multiples of SEGMENT_IDS, whatever the audits' timing
    const end = (from / SEGMENT_IDS + 1n) * SEGMENT_IDS < below ? (from / SEGMENT_IDS + 1n) * SEGMENT_IDS : below;
    const next = await writeSegment(q, last, from, end);
    if (!next) return last === base ? null : last;
    last = next;
    from = end;
  }
  return last === base ? null : last;
}

async function writeSegment(q: Queryable, base: Checkpoint | null, from: bigint, below: bigint): Promise<Checkpoint | null> {
  const digest = await segmentDigest(q, from, below);
  const totals = addSums(base?.totals ?? new Map(), await rangeSums(q, from, below));
  const chain = chainHash(base?.chain ?? '', digest);
  await q.query('SAVEPOINT audit_checkpoint');
  try {
    const res = await q.query<Row>(
      `INSERT INTO audit_checkpoints (from_journal_id, below_journal_id, digest, chain, totals) VALUES ($1, $2, $3, $4, $5) RETURNING *`,
      [from, below, digest, chain, totalsJson(totals)],
    );
    await q.query(
      `INSERT INTO audit_balances (account_id, below_msat)
       SELECT account_id, sum(amount_msat) FROM entries WHERE journal_id >= $1 AND journal_id < $2 GROUP BY account_id
       ON CONFLICT (account_id) DO UPDATE SET below_msat = audit_balances.below_msat + EXCLUDED.below_msat`,
      [from, below],
    );
    await q.query('RELEASE SAVEPOINT audit_checkpoint');
    return toCheckpoint(res.rows[0]!);
  } catch (err) {
    // another audit wrote a checkpoint from the same base first (unique from_journal_id): theirs stands
    await q.query('ROLLBACK TO SAVEPOINT audit_checkpoint');
    if ((err as { code?: string }).code === '23505') return null;
    throw err;
  }
}

/**
 * Recomputes segment digests and the chain links. `all`: every segment (the full audit); otherwise
 * the newest and the one verified longest ago, so repeated incremental audits cover all of history in turn.
 */
export async function verifySegments(q: Queryable, scope: 'all' | 'rotating'): Promise<{ problems: string[]; verified: number }> {
  // rotating: the newest two (for their link) and the longest unverified, never the whole list
  const segs =
    scope === 'all'
      ? await checkpoints(q)
      : (
          await q.query<Row>(
            `SELECT * FROM ((SELECT * FROM audit_checkpoints ORDER BY below_journal_id DESC LIMIT 2)
               UNION (SELECT * FROM audit_checkpoints ORDER BY verified_at, below_journal_id LIMIT 1)) s ORDER BY below_journal_id`,
          )
        ).rows.map(toCheckpoint);
  const problems: string[] = [];
  const newest = segs.at(-1);
  let pick: Checkpoint[] = segs;
  if (scope === 'rotating' && segs.length > 2) {
    const oldest = await q.query<{ id: bigint }>(`SELECT id FROM audit_checkpoints WHERE id <> $1 ORDER BY verified_at, below_journal_id LIMIT 1`, [newest!.id]);
    pick = segs.filter((s) => s === newest || s.id === oldest.rows[0]?.id);
  }
  for (const s of pick) {
    const now = await segmentDigest(q, s.from, s.below);
    if (now !== s.digest) {
      problems.push(`journal rows ${s.from}–${s.below - 1n} changed after checkpoint ${s.id} verified them (a row below the checkpoint was rewritten, added or deleted)`);
      continue;
    }
    await markVerified(q, s.id);
  }
  // the links: contiguous segments, each chain hash the previous one's with this digest
  segs.forEach((s, i) => {
    const prev = segs[i - 1];
    if (scope !== 'all' && s !== newest) return;
    if (prev && s.from !== prev.below) problems.push(`checkpoint ${s.id} starts at journal ${s.from}, the one before it ends below ${prev.below}`);
    // a segment an archive cut or replaced keeps the chain hash it had (the archive's manifest records it)
    const expected = s.carried ? s.chain : chainHash(prev?.chain ?? '', s.digest);
    if (s.chain !== expected) problems.push(`checkpoint ${s.id}'s chain hash does not follow from the one before it`);
  });
  return { problems, verified: pick.length };
}

/** Another audit may have marked it in the meantime (a serialization failure here): either mark will do. */
async function markVerified(q: Queryable, id: bigint): Promise<void> {
  await q.query('SAVEPOINT audit_verified');
  try {
    await q.query(`UPDATE audit_checkpoints SET verified_at = now() WHERE id = $1`, [id]);
    await q.query('RELEASE SAVEPOINT audit_verified');
  } catch (err) {
    await q.query('ROLLBACK TO SAVEPOINT audit_verified');
    if ((err as { code?: string }).code !== '40001') throw err;
  }
}
