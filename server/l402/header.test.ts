import { createHash, randomBytes } from 'node:crypto';
import { parseL402 } from '@getalby/lightning-tools/402';
import fc from 'fast-check';
import macaroonLib from 'macaroon';
import { describe, expect, it } from 'vitest';
import { formatChallenge, MAX_AUTHORIZATION_LENGTH, parseAuthorization } from './header.js';
import { mintChallenge } from './mint.js';
import { makeRegtestInvoice } from './testing.js';

const preimage = Buffer.alloc(32, 0x42);
const paymentHash = createHash('sha256').update(preimage).digest();
const { macaroon, macaroonB64 } = mintChallenge({
  rootKey: Buffer.alloc(32, 7),
  paymentHash,
  api: 'openai',
  endpoint: 'POST /api/v1/openai/v1/chat/completions',
  priceMsat: 30_000n,
  now: 1_700_000_000,
  ttlSeconds: 600,
});
const invoice = makeRegtestInvoice({ paymentHash, amountMsat: 30_000n, timestamp: 1_700_000_000 });
const [lsatLine, l402Line] = formatChallenge(macaroonB64, invoice);
// what fetch's Headers.get and Python requests give for two WWW-Authenticate lines
const joined = `${lsatLine}, ${l402Line}`;

// lnget's regex, `(?i)(LSAT|L402)\s+macaroon="([^"]+)",\s*invoice="([^"]+)"`, in JS
const LNGET = /(LSAT|L402)\s+macaroon="([^"]+)",\s*invoice="([^"]+)"/i;

/** lsat-js Lsat.fromHeader/fromChallenge: strip the scheme, split on `,`, double-quoted values */
function lsatJsParse(header: string): { macaroon: string; invoice: string } {
  const challenge = header.slice(4).trim();
  let parts = challenge.split(',');
  if (parts.length < 2) parts = challenge.split(' ');
  let mac = '';
  let inv = '';
  for (const part of parts) {
    if (!mac && part.includes('macaroon=')) mac = quotedValue(part);
    if (!inv && part.includes('invoice=')) inv = quotedValue(part);
    if (mac && inv) break;
  }
  if (!mac || !inv) throw new Error('expected macaroon and invoice');
  return { macaroon: mac, invoice: inv };
}

function quotedValue(part: string): string {
  const value = part.slice(part.indexOf('=') + 1);
  if (value[0] !== '"' || value[value.length - 1] !== '"') throw new Error('challenges must be enclosed in double quotes');
  return value.slice(1, -1);
}

/** Fewsats L402-python: `macaroon="([^ ]+)"` and `invoice="([^ ]+)"`, first match each */
function fewsatsParse(header: string): { macaroon?: string; invoice?: string } {
  return { macaroon: /macaroon="([^ ]+)"/.exec(header)?.[1], invoice: /invoice="([^ ]+)"/.exec(header)?.[1] };
}

describe('formatChallenge', () => {
  it('writes exactly the two lines, LSAT first', () => {
    expect(lsatLine).toBe(`LSAT macaroon="${macaroonB64}", invoice="${invoice}"`);
    expect(l402Line).toBe(`L402 macaroon="${macaroonB64}", invoice="${invoice}"`);
    expect(macaroonB64).toBe(macaroon.toString('base64'));
    expect(macaroonB64.length % 4).toBe(0);
  });

  it('parses with the lnget regex, line by line and joined', () => {
    for (const [header, scheme] of [[lsatLine, 'LSAT'], [l402Line, 'L402'], [joined, 'LSAT']] as const) {
      const match = LNGET.exec(header);
      expect(match?.slice(1)).toEqual([scheme, macaroonB64, invoice]);
    }
  });

  it('parses with an lsat-js style parser, and the macaroon decodes to the invoice payment hash', () => {
    for (const header of [lsatLine, l402Line, joined]) {
      const parsed = lsatJsParse(header);
      expect(parsed).toEqual({ macaroon: macaroonB64, invoice });
      const id = Buffer.from(macaroonLib.importMacaroon(parsed.macaroon).identifier);
      expect(id.subarray(2, 34).equals(paymentHash)).toBe(true);
    }
  });

  it('parses with a Fewsats style parser, which depends on the space after the comma', () => {
    for (const header of [lsatLine, l402Line, joined]) {
      expect(fewsatsParse(header)).toEqual({ macaroon: macaroonB64, invoice });
    }
    // the control: without that space the same parser swallows the invoice into the macaroon
    expect(fewsatsParse(lsatLine.replace('", invoice', '",invoice')).macaroon).not.toBe(macaroonB64);
  });

  it('parses with Alby parseL402, the joined value included', () => {
    for (const header of [lsatLine, l402Line, joined]) {
      const parsed = parseL402(header);
      expect(parsed.token).toBe(macaroonB64);
      expect(parsed.invoice).toBe(invoice);
    }
  });

  it('refuses values that could break out of the quotes', () => {
    expect(() => formatChallenge(`${macaroonB64}"`, invoice)).toThrow(RangeError);
    expect(() => formatChallenge(macaroonB64, `${invoice}", x="y`)).toThrow(RangeError);
    expect(() => formatChallenge('ab-_', invoice)).toThrow(RangeError);
    expect(() => formatChallenge('abc', invoice)).toThrow(RangeError);
    expect(() => formatChallenge(macaroonB64, `${invoice}\r\nSet-Cookie: a=b`)).toThrow(RangeError);
  });
});

describe('parseAuthorization', () => {
  const hex = preimage.toString('hex');

  it('reads L402 and LSAT in any case, with the preimage in either case', () => {
    for (const scheme of ['L402', 'LSAT', 'l402', 'lsat', 'LsAt']) {
      for (const pre of [hex, hex.toUpperCase()]) {
        const parsed = parseAuthorization(`${scheme} ${macaroonB64}:${pre}`);
        expect(parsed).toEqual({ scheme: scheme.toUpperCase(), macaroon, preimage });
      }
    }
  });

  it('reads the macaroon as standard or URL-safe base64, padded or not, and tolerates extra blanks', () => {
    const forms = [macaroonB64, macaroonB64.replace(/=+$/, ''), macaroon.toString('base64url'), `${macaroon.toString('base64url')}==`.slice(0, macaroonB64.length)];
    for (const form of forms) {
      const parsed = parseAuthorization(`  L402 \t ${form}:${hex}  `);
      expect(parsed && 'macaroon' in parsed && parsed.macaroon.equals(macaroon), form).toBe(true);
    }
  });

  it('returns null for other schemes and for no header', () => {
    for (const value of ['Bearer abl_0123456789abcdef', 'Basic dXNlcjpwYXNz', '', '   ', 'L402x abc:def', 'L40', 'LSATS x:y', 'Token L402 x:y', 'L\u017FAT x:y', 'l\u0130sat x:y']) {
      expect(parseAuthorization(value), value).toBeNull();
    }
    expect(parseAuthorization(undefined)).toBeNull();
    expect(parseAuthorization(null)).toBeNull();
  });

  it('returns an error for L402 headers it cannot accept', () => {
    const cases: Array<[string, RegExp]> = [
      ['L402', /expected/],
      ['L402   ', /expected/],
      [`L402 ${macaroonB64}`, /expected/],
      [`L402 ${macaroonB64}:${hex}:${hex}`, /exactly one/],
      [`L402 ${macaroonB64}:${hex}, L402 ${macaroonB64}:${hex}`, /exactly one/],
      [`L402 ${macaroonB64},${macaroonB64}:${hex}`, /several macaroons/],
      [`L402 ${macaroonB64}:${hex.slice(1)}`, /64 hex/],
      [`L402 ${macaroonB64}:${hex}0`, /64 hex/],
      [`L402 ${macaroonB64}:${'g'.repeat(64)}`, /64 hex/],
      [`L402 ${macaroonB64}: ${hex}`, /64 hex/],
      [`L402 AAAAA:${hex}`, /base64/], // 4n+1 characters encode nothing
      [`L402 YQ=:${hex}`, /base64/],
      [`L402 ${macaroonB64}!:${hex}`, /base64/],
      [`L402 :${hex}`, /base64/],
      [`L402 ${'A'.repeat(MAX_AUTHORIZATION_LENGTH)}:${hex}`, /too long/],
    ];
    for (const [value, message] of cases) {
      const parsed = parseAuthorization(value);
      expect(parsed && 'error' in parsed ? parsed.error : parsed, value.slice(0, 40)).toMatch(message);
    }
  });

  it('never throws on arbitrary strings', () => {
    // any UTF-16 code unit, lone surrogates included
    const utf16Unit = fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code));
    fc.assert(
      fc.property(fc.string({ unit: utf16Unit, maxLength: 300 }), (value) => {
        parseAuthorization(value);
        parseAuthorization(`L402 ${value}`);
        parseAuthorization(`LSAT ${value}:${hex}`);
      }),
      { numRuns: 2000 },
    );
    const alphabet = fc.constantFrom('L', '4', '0', '2', 'S', 'A', 'T', ' ', '\t', ':', ',', '=', '"', 'a', 'F', '+', '/', '-', '_');
    fc.assert(
      fc.property(fc.array(alphabet, { maxLength: 200 }), (chars) => {
        const result = parseAuthorization(chars.join(''));
        expect(result === null || 'error' in result || result.preimage.length === 32).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('stays linear on long hostile input', () => {
    // 2-million-character inputs: anything quadratic or backtracking would take minutes, not ms;
    // the bound is loose because this machine is shared with other test runs
    const hostile = [
      `L402 ${'A'.repeat(2_000_000)}`,
      `L402 ${','.repeat(MAX_AUTHORIZATION_LENGTH - 10)}`,
      `L402 ${'A:'.repeat(4000)}`,
      `L402 ${'='.repeat(MAX_AUTHORIZATION_LENGTH - 100)}:${hex}`,
      `L402 ${'A'.repeat(MAX_AUTHORIZATION_LENGTH - 100)}:${hex}`,
      `${' '.repeat(2_000_000)}Bearer x`,
      `${' \t'.repeat(1_000_000)}L402 ${'A'.repeat(100)}:${hex}`,
      `Bearer ${'L402 '.repeat(400_000)}`,
    ];
    const started = performance.now();
    for (const value of hostile) parseAuthorization(value);
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('accepts a fresh random credential of the right shape', () => {
    const mac = randomBytes(300);
    const pre = randomBytes(32);
    expect(parseAuthorization(`L402 ${mac.toString('base64')}:${pre.toString('hex')}`)).toEqual({ scheme: 'L402', macaroon: mac, preimage: pre });
  });
});
