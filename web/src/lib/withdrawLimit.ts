// A withdrawal refused because the invoice and its routing-fee reserve exceed the balance: the
// server names the largest invoice the balance can pay (max_amount_sats). Said in the person's
// words, with that number as the next step — a top-up is not what they need.
import type { ApiError } from '../api/errors';
import { formatSats } from './format';

export interface WithdrawLimit {
  /** the headline: what can be withdrawn now */
  most: string;
  /** why, and what to do */
  why: string;
}

export function withdrawLimit(error: ApiError): WithdrawLimit | null {
  if (error.code !== 'insufficient_balance' || error.maxAmountSats === undefined) return null;
  const balance = error.balanceSats !== undefined ? `Your balance is ${formatSats(error.balanceSats)}; ` : '';
  const held = error.priceSats !== undefined ? `this invoice would hold ${formatSats(error.priceSats)} with the routing-fee reserve while paying (only the fee actually paid is kept).` : 'a withdrawal holds a routing-fee reserve while paying (only the fee actually paid is kept).';
  if (error.maxAmountSats <= 0) return { most: 'Your balance cannot cover a withdrawal and its routing-fee reserve now.', why: `${balance}${held}` };
  return {
    most: `The most you can withdraw now is ${formatSats(error.maxAmountSats)}.`,
    why: `${balance}${held} Make an invoice of at most ${formatSats(error.maxAmountSats)} in your wallet and paste it here.`,
  };
}
