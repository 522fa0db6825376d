// The low-balance alert's field: whole sats, at least 1 (the contract's bounds), or a message.
// Pure, for the Account page's form and its test.
import { formatSats } from './format';

const MAX_SATS = 2_100_000_000_000_000;

export type AlertCheck = { ok: true; sats: number } | { ok: false; message: string };

export function checkAlertAmount(input: string): AlertCheck {
  const text = input.trim().replaceAll(',', '').replaceAll('_', '').replaceAll(' ', '');
  if (text === '') return { ok: false, message: 'Enter a balance in sats.' };
  if (!/^\d+$/.test(text)) return { ok: false, message: 'Use whole sats: digits only, no decimals.' };
  const sats = Number(text);
  if (sats < 1) return { ok: false, message: 'The alert needs at least 1 sat.' };
  if (sats > MAX_SATS) return { ok: false, message: 'That is more sats than there will ever be.' };
  return { ok: true, sats };
}

/** What the alert is now, in words. */
export const alertInWords = (belowSats: number | null): string =>
  belowSats === null ? 'No alert set.' : `Paid answers say the balance is low (X-Balance-Low) once it is below ${formatSats(belowSats)}.`;
