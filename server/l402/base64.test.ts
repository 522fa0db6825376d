import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decodeBase64Loose, encodeBase64Std } from './base64.js';

describe('encodeBase64Std', () => {
  it('writes the standard alphabet with padding', () => {
    expect(encodeBase64Std(Buffer.from([0xfb, 0xff]))).toBe('+/8=');
    expect(encodeBase64Std(Buffer.from('a'))).toBe('YQ==');
  });

  it('encodes a view of a larger buffer, not the whole buffer', () => {
    const big = Buffer.from('xxabcxx');
    expect(encodeBase64Std(big.subarray(2, 5))).toBe('YWJj');
  });
});

describe('decodeBase64Loose', () => {
  it('reads standard and URL-safe, padded and unpadded', () => {
    for (let n = 1; n < 40; n++) {
      const bytes = randomBytes(n);
      const std = bytes.toString('base64');
      const url = bytes.toString('base64url');
      for (const text of [std, std.replace(/=+$/, ''), url, `${url}${'='.repeat((4 - (url.length % 4)) % 4)}`]) {
        expect(decodeBase64Loose(text)?.equals(bytes), text).toBe(true);
      }
    }
  });

  it('refuses what Buffer.from would silently skip or misread', () => {
    for (const bad of ['', '=', '====', 'YQ===', 'Y', 'YQ=', 'YW=J', 'Y Q==', 'YQ==\n', 'YQ"=', 'Y*Q=', '"YQ=="', 'YWJ==', 'é€', 'YWJj\u0000']) {
      expect(decodeBase64Loose(bad), JSON.stringify(bad)).toBeNull();
    }
  });

  it('is linear on long hostile input', () => {
    // 2-million-character inputs: a backtracking or quadratic scan would take minutes; the bound
    // is loose because the machine is shared with other test runs
    const started = performance.now();
    expect(decodeBase64Loose(`${'A'.repeat(2_000_000)}!`)).toBeNull();
    expect(decodeBase64Loose('='.repeat(2_000_000))).toBeNull();
    expect(decodeBase64Loose(`${'A'.repeat(2_000_000)}=A=`)).toBeNull();
    expect(performance.now() - started).toBeLessThan(1000);
  });
});
