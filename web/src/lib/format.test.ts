import { describe, expect, it } from 'vitest';
import { formatCountdown, formatMsat, formatSats, formatSignedMsat, formatTime, shortToken } from './format';
import { isPreimage, lightningQrText, looksLikeInvoice, normalizePreimage, stripLightningPrefix } from './lightning';

describe('format', () => {
  it('writes sats with separators and the right noun', () => {
    expect(formatSats(1)).toBe('1 sat');
    expect(formatSats(1_000_000)).toBe('1,000,000 sats');
  });

  it('counts down in m:ss and h:mm:ss, never below zero', () => {
    expect(formatCountdown(59)).toBe('0:59');
    expect(formatCountdown(3600)).toBe('1:00:00');
    expect(formatCountdown(-5)).toBe('0:00');
  });

  it('shortens tokens', () => {
    expect(shortToken('abl_0123456789abcdef')).toBe('abl_0123…cdef');
  });
});

describe('formatTime', () => {
  it('says a time past what a Date holds in words instead of "Invalid Date"', () => {
    expect(formatTime(undefined)).toBe('');
    expect(formatTime(8_640_000_000_000)).toMatch(/275760/); // the last second a Date holds
    expect(formatTime(99_999_999_999_999)).toBe('Unix time 99,999,999,999,999');
  });
});

describe('lightning helpers', () => {
  it('checks preimages, case-insensitively', () => {
    expect(isPreimage(` ${'AB'.repeat(32)} `)).toBe(true);
    expect(normalizePreimage(' AB ')).toBe('ab');
    expect(isPreimage('ab'.repeat(31))).toBe(false);
  });

  it('recognises invoices with or without the lightning: prefix', () => {
    expect(looksLikeInvoice('lnbcrt10u1p4sdr')).toBe(true);
    expect(looksLikeInvoice('lightning:LNBC1P')).toBe(true);
    expect(looksLikeInvoice('bitcoin:bc1q')).toBe(false);
    expect(stripLightningPrefix(' Lightning:lnbc1 ')).toBe('lnbc1');
    expect(lightningQrText('lnbc1x')).toBe('LIGHTNING:LNBC1X');
  });
});

describe('amounts to the msat', () => {
  it('shows whole sats plainly and fractions with three decimals', () => {
    expect(formatMsat(1_234_000)).toBe('1,234 sats');
    expect(formatMsat(1_000)).toBe('1 sat');
    expect(formatMsat(1_233_583)).toBe('1,233.583 sats');
    expect(formatMsat(417)).toBe('0.417 sats');
    expect(formatMsat(0)).toBe('0 sats');
    expect(formatMsat(38)).toBe('0.038 sats');
  });

  it('says a whole-sat figure exactly as the same amount in msat', () => {
    for (const sats of [0, 1, 2, 99, 1_000_000]) expect(formatSats(sats)).toBe(formatMsat(sats * 1000));
  });

  it('signs changes: credits +, debits − (a real minus)', () => {
    expect(formatSignedMsat(1_234_000)).toBe('+1,234 sats');
    expect(formatSignedMsat(-417)).toBe('−0.417 sats');
    expect(formatSignedMsat(-1_000)).toBe('−1 sat');
    expect(formatSignedMsat(0)).toBe('0 sats');
  });
});
