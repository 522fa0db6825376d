// Validation of a top-up amount against the catalog's limits, with a message to show.
export interface AmountLimits {
  min_sats: number;
  max_sats: number;
}

export const DEFAULT_LIMITS: AmountLimits = { min_sats: 1, max_sats: 1_000_000 };
export const AMOUNT_PRESETS = [100, 500, 1_000, 5_000] as const;

export type AmountCheck = { ok: true; sats: number } | { ok: false; message: string };

export function checkAmount(input: string, limits: AmountLimits): AmountCheck {
  const text = input.trim().replaceAll(',', '').replaceAll('_', '').replaceAll(' ', '');
  if (text === '') return { ok: false, message: 'Enter an amount in sats.' };
  if (!/^\d+$/.test(text)) return { ok: false, message: 'Use whole sats: digits only, no decimals.' };
  const sats = Number(text);
  const fmt = (n: number): string => n.toLocaleString('en-US');
  if (sats < limits.min_sats) return { ok: false, message: `The smallest top-up is ${fmt(limits.min_sats)} ${limits.min_sats === 1 ? "sat" : "sats"}.` };
  if (sats > limits.max_sats) return { ok: false, message: `The largest top-up is ${fmt(limits.max_sats)} sats.` };
  return { ok: true, sats };
}

/** The presets that fit the limits. */
export function presetsWithin(limits: AmountLimits): number[] {
  return AMOUNT_PRESETS.filter((p) => p >= limits.min_sats && p <= limits.max_sats);
}
