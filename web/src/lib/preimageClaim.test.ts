import { describe, expect, it } from 'vitest';
import { paymentHashOf, preimageClaimWords } from './preimageClaim';

describe('preimageClaimWords', () => {
  it('a refill: credited to the token it refills, no new token', () => {
    expect(preimageClaimWords(1_200, 'refill', false)).toBe('1,200 sats credited to the token this invoice refills: its balance shows them there. No new token was made.');
  });

  it('a new token made elsewhere: not called a refill, and where the token is', () => {
    const words = preimageClaimWords(100, 'new', false);
    expect(words).toMatch(/^100 sats credited to the new token this invoice bought\. A preimage does not show that token: it is shown in the browser that created the invoice/);
    expect(words).toContain('claim secret');
    expect(words).not.toMatch(/refills/);
  });

  it('a new token made in this browser: shown here', () => {
    expect(preimageClaimWords(100, 'new', true)).toMatch(/this browser made it, so the token is shown at the top of the page\.$/);
  });

  it('unknown: both ways out, claiming neither', () => {
    expect(preimageClaimWords(100, 'unknown', false)).toMatch(/^100 sats credited\. .*browser that created the invoice.*a refill's money is on the token it refills\.$/);
  });
});

describe('paymentHashOf', () => {
  it('is the SHA-256 of the preimage bytes', async () => {
    expect(await paymentHashOf('00'.repeat(32))).toBe('66687aadf862bd776c8fc18b8e9f8e20089714856ee233b3902a591d0d5f2925');
  });
});
