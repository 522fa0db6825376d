import { describe, expect, it } from 'vitest';
import { parseCliOptions } from './cli-options.js';

const PAYER = { PHOENIX_TEST_URL: 'http://localhost:9741', PHOENIX_TEST_PASSWORD: 'pw' };

describe('npm run e2e arguments', () => {
  it('runs locally without an argument, with the VERBOSE and STRICT_KEYWORD_MATCH flags', () => {
    expect(parseCliOptions([], {})).toEqual({ kind: 'local', verbose: false, strictKeywords: true });
    expect(parseCliOptions(['--'], { VERBOSE: '1', STRICT_KEYWORD_MATCH: '0' })).toEqual({ kind: 'local', verbose: true, strictKeywords: false });
  });

  it('runs against a URL, paying through the phoenixd test node', () => {
    expect(parseCliOptions(['https://alittlebitofmoney.com'], { ...PAYER, ABL_ADMIN_SECRET: 's' })).toEqual({
      kind: 'remote', baseUrl: 'https://alittlebitofmoney.com', phoenixdUrl: 'http://localhost:9741', phoenixdPassword: 'pw', adminSecret: 's', verbose: false, strictKeywords: true,
    });
  });

  it('exits 2 with a usage message naming what is missing or wrong', () => {
    const missing = parseCliOptions(['https://host'], { PHOENIX_TEST_URL: 'http://localhost:9741' });
    expect(missing).toMatchObject({ kind: 'usage', exitCode: 2, message: expect.stringMatching(/needs PHOENIX_TEST_PASSWORD/) });
    expect(parseCliOptions(['host.example'], PAYER)).toMatchObject({ kind: 'usage', exitCode: 2 });
    expect(parseCliOptions(['https://a', 'https://b'], PAYER)).toMatchObject({ kind: 'usage', exitCode: 2 });
    expect(parseCliOptions(['--help'], {})).toMatchObject({ kind: 'usage', exitCode: 0 });
  });
});
