// The contract errors the marketplace raises, with messages that say what to do next.
import { msatToSats, msatToSatsUp } from '../../contract/money.js';
import { AppError } from '../errors.js';

export const invalidState = (message: string): AppError => new AppError('invalid_state', message);
export const forbidden = (message: string): AppError => new AppError('forbidden', message);
export const notFound = (message: string): AppError => new AppError('not_found', message);
export const invalidField = (field: string, message: string): AppError => new AppError('invalid_field_value', message, { field });

export function insufficientBalance(balanceMsat: bigint, priceMsat: bigint, what: string): AppError {
  const balanceSats = msatToSats(balanceMsat);
  const priceSats = msatToSatsUp(priceMsat);
  return new AppError('insufficient_balance', `${what} needs ${priceSats} sats; the balance is ${balanceSats} sats. Top up and retry.`, {
    balance_sats: balanceSats,
    price_sats: priceSats,
  });
}
