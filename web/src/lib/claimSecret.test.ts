import { describe, expect, it } from 'vitest';
import { ApiError } from '../api/errors';
import { claimSecretRefusal, isClaimSecret } from './claimSecret';

const SECRET = `ablc_${'A'.repeat(43)}`;
const refused = (message: string, code = 'invalid_payment') => new ApiError({ code, message, status: 400 });

describe('a claim by claim secret refused', () => {
  it('knows a claim secret by its shape', () => {
    expect(isClaimSecret(SECRET)).toBe(true);
    expect(isClaimSecret(` ${SECRET} `)).toBe(true);
    expect(isClaimSecret(SECRET.slice(0, -1))).toBe(false);
    expect(isClaimSecret('a'.repeat(64))).toBe(false);
  });

  it('says a secret cut short in words, and where a claim secret comes from', () => {
    const words = claimSecretRefusal(refused('claim_secret is not one this server gives out.'), SECRET.slice(0, 20));
    expect(words?.message).toBe('This claim secret is not one this server gave out; check you copied it whole.');
    expect(words?.next).not.toMatch(/preimage|claim_secret/);
  });

  it('keeps the server’s words for a well-formed secret, with a hint that fits a claim secret', () => {
    const words = claimSecretRefusal(refused('This invoice is not paid yet.'), SECRET);
    expect(words?.message).toBeUndefined();
    expect(words?.next).toMatch(/paid/);
    expect(words?.next).not.toMatch(/preimage|wallet/);
  });

  it('leaves other refusals to the general advice', () => {
    expect(claimSecretRefusal(refused('This invoice was already claimed with its preimage.', 'payment_already_used'), SECRET)).toBeNull();
  });
});
