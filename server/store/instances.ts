// The instances serving one database, as each last said it was alive (migration 023). An instance
// registers before it serves, says so every few seconds, and leaves at shutdown; one that crashed
// is forgotten once it has not been seen for STALE_SECONDS.
import { randomUUID } from 'node:crypto';
import type { Queryable } from './index.js';

/** an instance not seen for this long is gone (it says it is alive every BEAT_MS) */
export const STALE_SECONDS = 10;
export const BEAT_MS = 2_000;
/** rows of instances gone this long are deleted */
const FORGET_SECONDS = 86_400;

export class ServingInstances {
  readonly id = randomUUID();
  private aloneNow = false;

  /** now: Unix seconds */
  constructor(
    private readonly db: Queryable,
    private readonly now: () => number,
  ) {}

  /** true when no other instance was seen lately (as of the last register or beat) */
  alone(): boolean {
    return this.aloneNow;
  }

  /** instances seen at or after this are serving (Unix seconds) */
  seenSince(): number {
    return this.now() - STALE_SECONDS;
  }

  /** Says this instance is serving (before it serves), and learns whether it is alone. */
  register(): Promise<boolean> {
    return this.beat();
  }

  /** Says this instance is still serving; true when it is the only one. */
  async beat(): Promise<boolean> {
    const now = this.now();
    const res = await this.db.query<{ others: number }>(
      `WITH me AS (
         INSERT INTO serving_instances (id, seen_at) VALUES ($1, $2)
         ON CONFLICT (id) DO UPDATE SET seen_at = excluded.seen_at
       ), gone AS (
         DELETE FROM serving_instances WHERE seen_at < $4
       )
       SELECT count(*)::integer AS others FROM serving_instances WHERE id <> $1 AND seen_at >= $3`,
      [this.id, now, now - STALE_SECONDS, now - FORGET_SECONDS],
    );
    this.aloneNow = res.rows[0]!.others === 0;
    return this.aloneNow;
  }

  /** This instance stops serving: the others may find themselves alone at once. */
  async leave(): Promise<void> {
    this.aloneNow = false;
    await this.db.query('DELETE FROM serving_instances WHERE id = $1', [this.id]);
  }
}
