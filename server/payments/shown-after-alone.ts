// The balance a call reserved alone (not from the holds taken ahead for its token) shows: the
// statement's own, or, while this instance keeps some of the account's money, the database's
// read of one moment with it — a settlement or give-back committing beside the statement would
// else be counted twice (reserve-ahead.ts readShown).
import type { ReserveAhead } from './reserve-ahead.js';

export async function shownAfterAlone(
  ahead: Pick<ReserveAhead, 'heldHereMsat' | 'readShown'>,
  p: { tokenHash: Buffer; accountId: bigint; statementMsat: bigint; readBalance: () => Promise<bigint> },
): Promise<bigint> {
  if (ahead.heldHereMsat(p.accountId) === 0n) return p.statementMsat;
  const shown = await ahead.readShown(p.tokenHash, async () => ({ id: p.accountId, balanceMsat: await p.readBalance() }));
  return shown?.shownMsat ?? p.statementMsat;
}
