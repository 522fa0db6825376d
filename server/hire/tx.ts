// Transactions for the marketplace: a deadlock or serialisation failure (two journal entries
// locking the same accounts in opposite order) is retried a few times instead of becoming a 500.
// Every function run here re-reads what it acts on, so a retry decides afresh.
import { InsufficientFundsError, dailyCapLeft, getBalance } from '../ledger/index.js';
import { pgErrorCode, type Db, type Queryable } from '../store/index.js';
import { msatToSatsUp } from '../../contract/money.js';
import { dailyCapExceeded } from '../errors.js';
import { insufficientBalance } from './errors.js';

const RETRYABLE = new Set(['40P01', '40001']);
const ATTEMPTS = 4;

export async function inTx<T>(db: Db, fn: (q: Queryable) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.tx(fn);
    } catch (err) {
      if (attempt >= ATTEMPTS || !RETRYABLE.has(pgErrorCode(err) ?? '')) throw err;
    }
  }
}

/** Runs a transaction that debits accountId; a balance (or a child token's daily cap) too low becomes 402 insufficient_balance. */
export async function withFunds<T>(db: Db, debit: { accountId: bigint; amountMsat: bigint; what: string; now: number }, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (!(err instanceof InsufficientFundsError)) throw err;
    const balanceMsat = await getBalance(db, debit.accountId);
    // enough on the balance: what refused it was the child token's cap for the day
    const capLeft = balanceMsat >= debit.amountMsat ? await dailyCapLeft(db, debit.accountId, debit.now) : null;
    throw capLeft === null ? insufficientBalance(balanceMsat, debit.amountMsat, debit.what) : dailyCapExceeded(`${debit.what} needs ${msatToSatsUp(debit.amountMsat)} sats`, capLeft, debit.amountMsat);
  }
}
