// Amounts in operator commands (npm run admin, the admin endpoints): whole sats, exact, bounded.
// An operator types them; a typo must be refused, never read as something else: only decimal
// digits (no sign, hex, exponent, fraction, separators, spaces or leading zero), at least 1,
// at most ADMIN_MAX_SATS. Every such argument is named `sats` or ends in `_sats`.
import { AppError } from '../errors.js';

/**
 * The largest amount one operator command moves: 1 BTC. Far above any balance this service
 * holds for one token (a top-up is at most 1,000,000 sats by default), far below 2^53, so every
 * accepted amount is exact as a JSON number. A larger adjustment takes several commands.
 */
export const ADMIN_MAX_SATS = 100_000_000n;

export const isAmountArgument = (name: string): boolean => name === 'sats' || name.endsWith('_sats');

const refuse = (field: string, given: string, why: string): AppError =>
  new AppError('invalid_field_value', `${field} must be a whole number of sats from 1 to ${ADMIN_MAX_SATS} written in decimal digits; "${given}" ${why}.`, { field });

/** A command-line amount → its exact value; refuses anything but plain decimal digits in range. */
export function parseSatsArgument(field: string, text: string): number {
  if (text === '') throw refuse(field, text, 'is empty');
  if (!/^[0-9]+$/.test(text)) {
    const why = /^[+-]/.test(text)
      ? 'has a sign'
      : /^0[xob]/i.test(text)
        ? 'is not decimal'
        : /[.,_\s]/.test(text)
          ? 'is not a plain whole number'
          : /e/i.test(text)
            ? 'has an exponent'
            : 'is not a number';
    throw refuse(field, text, why);
  }
  if (text.length > 1 && text.startsWith('0')) throw refuse(field, text, 'has a leading zero');
  const sats = BigInt(text);
  if (sats < 1n) throw refuse(field, text, 'is zero');
  if (sats > ADMIN_MAX_SATS) throw refuse(field, text, 'is above the ceiling');
  return Number(sats); // exact: below 2^53
}

/** Amounts that arrived as JSON (the admin endpoint): safe integers in the same range. */
export function checkAmountArguments(args: Record<string, unknown>): void {
  for (const [field, v] of Object.entries(args)) {
    if (!isAmountArgument(field)) continue;
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 1 || v > Number(ADMIN_MAX_SATS)) {
      throw new AppError('invalid_field_value', `${field} must be a JSON integer from 1 to ${ADMIN_MAX_SATS} (sats).`, { field });
    }
  }
}
