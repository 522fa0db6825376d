import { describe, expect, it } from 'vitest';
import { ADMIN_MAX_SATS, checkAmountArguments, parseSatsArgument } from '../../server/admin/args.js';
import { AppError } from '../../server/errors.js';
import { resolutionFrom } from '../../server/hire/admin-commands.js';
import { hashToken } from '../../server/ledger/tokens.js';
import { parseAdminArgs, UsageError } from './admin-args.js';

const refusal = (fn: () => unknown): string => {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe('invalid_field_value');
    return err instanceof Error ? err.message : String(err);
  }
  throw new Error('not refused');
};

describe('operator amounts', () => {
  it('reads decimal digits exactly, from 1 to the ceiling', () => {
    expect(parseSatsArgument('sats', '1')).toBe(1);
    expect(parseSatsArgument('sats', '250')).toBe(250);
    expect(parseSatsArgument('sats', String(ADMIN_MAX_SATS))).toBe(100_000_000);
  });

  it.each([
    ['9007199254740993', /above the ceiling/], // was credited as 9007199254740992
    [String(ADMIN_MAX_SATS + 1n), /above the ceiling/],
    ['0x10', /not decimal/], // was read as 16
    ['0o7', /not decimal/],
    ['0b1', /not decimal/],
    ['-5', /sign/],
    ['+5', /sign/],
    ['1e3', /exponent/],
    ['1E3', /exponent/],
    ['1.5', /plain whole number/],
    ['10.0', /plain whole number/],
    ['1_000', /plain whole number/],
    ['1,000', /plain whole number/],
    [' 5', /plain whole number/],
    ['5\n', /plain whole number/],
    ['', /empty/],
    ['0', /zero/],
    ['010', /leading zero/],
    ['Infinity', /not a number/],
    ['NaN', /not a number/],
    ['١٢', /not a number/], // digits of another script
    ['12abc', /not a number/],
  ])('refuses %j', (text, why) => {
    const message = refusal(() => parseSatsArgument('sats', text));
    expect(message).toMatch(why);
    expect(message).toMatch(/from 1 to 100000000/);
  });

  it('checks amounts that arrive as JSON at the admin endpoint', () => {
    checkAmountArguments({ sats: 5, reason: 'ok', account: '0123456789' });
    checkAmountArguments({ task: 'x', outcome: 'split', buyer_sats: 100_000_000 });
    for (const bad of [9007199254740992, 100_000_001, 0, -1, 1.5, '16', '0x10', null, true]) {
      refusal(() => checkAmountArguments({ sats: bad }));
      refusal(() => checkAmountArguments({ contractor_sats: bad }));
    }
  });

  it('a split share is a number, never a string coerced to one', () => {
    expect(resolutionFrom({ outcome: 'split', buyer_sats: 16 })).toEqual({ kind: 'split', buyerSats: 16 });
    refusal(() => resolutionFrom({ outcome: 'split', buyer_sats: '0x10' }));
    refusal(() => resolutionFrom({ outcome: 'split', contractor_sats: '16' }));
  });
});

describe('npm run admin arguments', () => {
  it('names positional arguments and flags; amounts become exact numbers, other text stays text', () => {
    expect(parseAdminArgs('credit', ['0123456789abcdef', '250', '--reason', 'support ticket 42'])).toEqual({
      command: 'credit',
      args: { account: '0123456789abcdef', sats: 250, reason: 'support ticket 42' },
    });
    expect(parseAdminArgs('debit', ['--sats', '7', '--account', '01234567', '--reason', '12'])).toEqual({
      command: 'debit',
      args: { sats: 7, account: '01234567', reason: '12' }, // a numeric reason stays text
    });
    expect(parseAdminArgs('resolve', ['9f0c…', 'split', '40']).args).toEqual({ task: '9f0c…', outcome: 'split', buyer_sats: 40 });
    expect(parseAdminArgs('resolve', ['t', 'split', '--contractor-sats', '40']).args).toEqual({ task: 't', outcome: 'split', contractor_sats: 40 });
    expect(parseAdminArgs('reconcile-payouts', []).command).toBe('reconcile_payouts');
    // Object's own names are no command's positional arguments
    expect(() => parseAdminArgs('constructor', ['x'])).toThrow(/too many arguments for constructor: x/);
  });

  it('hashes a pasted token before anything leaves the process', () => {
    const token = `abl_${'A'.repeat(32)}`;
    expect(parseAdminArgs('account', [token]).args.account).toBe(hashToken(token).toString('hex'));
  });

  it('refuses bad amounts in either form, and ambiguous command lines', () => {
    expect(() => parseAdminArgs('credit', ['01234567', '9007199254740993', '--reason', 'typo'])).toThrow(/above the ceiling/);
    expect(() => parseAdminArgs('credit', ['01234567', '--sats', '0x10', '--reason', 'typo'])).toThrow(/not decimal/);
    expect(() => parseAdminArgs('resolve', ['t', 'split', '0x10'])).toThrow(/buyer_sats .*not decimal/);
    expect(() => parseAdminArgs('resolve', ['t', 'split', '--buyer-sats', '-3'])).toThrow(/sign/);
    expect(() => parseAdminArgs('resolve', ['t', 'split', '--buyer-sats'])).toThrow(/empty/);
    expect(() => parseAdminArgs('credit', ['01234567', '5', '--sats', '6'])).toThrow(UsageError);
    expect(() => parseAdminArgs('credit', ['01234567', '5', '6'])).toThrow(/too many arguments/);
    expect(() => parseAdminArgs('stats', ['now'])).toThrow(UsageError);
  });
});
