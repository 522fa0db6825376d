// A partial escrow release: part of what `escrow` holds for one deal goes to the payee, as its
// own journal entry (ref = the deal). The caller has just compare-and-set its own state in the
// same transaction, so a part is released once. Kind `hire_release`, as a full release, so
// usage history shows it as an escrow release.
import type { Queryable } from '../store/index.js';
import type { SystemAccountIds } from './accounts.js';
import { sweepRevoked } from './children.js';
import { postJournal } from './journal.js';

export async function releaseEscrowPart(
  q: Queryable,
  sys: SystemAccountIds,
  p: { ref: string; payeeAccountId: bigint; amountMsat: bigint; memo: string },
): Promise<bigint> {
  if (p.amountMsat <= 0n) throw new Error('a partial escrow release moves a positive amount');
  const journalId = await postJournal(q, {
    kind: 'hire_release',
    ref: p.ref,
    memo: p.memo,
    lines: [
      { accountId: sys.escrow, amountMsat: -p.amountMsat },
      { accountId: p.payeeAccountId, amountMsat: p.amountMsat },
    ],
  });
  await sweepRevoked(q, [p.payeeAccountId]);
  return journalId;
}
