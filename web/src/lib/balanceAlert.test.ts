import { describe, expect, it } from 'vitest';
import { alertInWords, checkAlertAmount } from './balanceAlert';

describe('checkAlertAmount', () => {
  it('takes whole sats, with separators', () => {
    expect(checkAlertAmount(' 1,500 ')).toEqual({ ok: true, sats: 1500 });
  });

  it('refuses what the server would', () => {
    expect(checkAlertAmount('')).toEqual({ ok: false, message: 'Enter a balance in sats.' });
    expect(checkAlertAmount('2.5')).toEqual({ ok: false, message: 'Use whole sats: digits only, no decimals.' });
    expect(checkAlertAmount('0')).toEqual({ ok: false, message: 'The alert needs at least 1 sat.' });
    expect(checkAlertAmount('9'.repeat(17)).ok).toBe(false);
  });
});

describe('alertInWords', () => {
  it('says the threshold with separators, or that none is set', () => {
    expect(alertInWords(null)).toBe('No alert set.');
    expect(alertInWords(2000)).toBe('Paid answers say the balance is low (X-Balance-Low) once it is below 2,000 sats.');
  });
});
