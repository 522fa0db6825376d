// The command line of npm run admin: positional arguments and --flags become the command's named
// arguments. Amounts (`sats`, `*_sats`) are parsed exactly here (server/admin/args.ts); every
// other argument stays the text the operator typed.
import { isAmountArgument, parseSatsArgument } from '../../server/admin/args.js';
import { hashToken } from '../../server/ledger/tokens.js';

export class UsageError extends Error {}

const POSITIONAL: Record<string, string[]> = {
  account: ['account'],
  credit: ['account', 'sats'],
  debit: ['account', 'sats'],
  resolve: ['task', 'outcome', 'buyer_sats'],
};

export function parseAdminArgs(command: string, rest: readonly string[]): { command: string; args: Record<string, unknown> } {
  const text: Record<string, string> = {};
  const positional: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i]!;
    if (a.startsWith('--')) {
      const name = a.slice(2).replace(/-/g, '_');
      if (name === '') throw new UsageError(`"${a}" is not a flag`);
      if (name in text) throw new UsageError(`--${name} is given twice`);
      text[name] = rest[++i] ?? '';
    } else positional.push(a);
  }
  const names = (Object.hasOwn(POSITIONAL, command) ? POSITIONAL[command] : undefined) ?? [];
  if (positional.length > names.length) throw new UsageError(`too many arguments for ${command}: ${positional.slice(names.length).join(' ')}`);
  positional.forEach((v, i) => {
    const name = names[i]!;
    if (name in text) throw new UsageError(`${name} is given twice`);
    text[name] = v;
  });
  return { command: command.replace(/-/g, '_'), args: namedArguments(text) };
}

/** Amounts → exact numbers (or an AppError naming the field); an `abl_` token → its hash. */
export function namedArguments(text: Record<string, string>): Record<string, unknown> {
  const args: Record<string, unknown> = {};
  for (const [name, v] of Object.entries(text)) args[name] = isAmountArgument(name) ? parseSatsArgument(name, v) : v;
  // an operator may paste the token itself: only its hash ever leaves this process
  if (typeof args.account === 'string' && args.account.startsWith('abl_')) args.account = hashToken(args.account).toString('hex');
  return args;
}
