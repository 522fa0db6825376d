// npm run admin -- <command> [arguments] [--flag value]
//   audit                                   recompute the ledger (as npm run ledger:audit)
//   account <token-hash-prefix>             balance and recent journal lines of one account
//   credit  <token-hash-prefix> <sats> --reason "…"   journaled credit
//   debit   <token-hash-prefix> <sats> --reason "…"   journaled debit
//   stats                                   counts and revenue
// plus the commands other modules add (see the usage text). Every action is recorded.
import { formatAudit, type AuditJson } from '../server/ledger/audit-format.js';
import { hashToken } from '../server/ledger/tokens.js';
import { runAdminCommand } from './lib/operator.js';

const POSITIONAL: Record<string, string[]> = {
  account: ['account'],
  credit: ['account', 'sats'],
  debit: ['account', 'sats'],
  resolve: ['task', 'outcome', 'buyer_sats'],
};

const USAGE = `usage: npm run admin -- <command> [arguments]
  audit
  account <token-hash-prefix | abl_token>
  credit <token-hash-prefix | abl_token> <sats> --reason "why"
  debit  <token-hash-prefix | abl_token> <sats> --reason "why"
  stats
  resolve <task-id> release|refund|split [buyer_sats]   (AI for Hire disputes)
  reconcile-payouts                                     (AI for Hire payouts in doubt)`;

function parseArgs(argv: string[]): { command: string; args: Record<string, unknown> } {
  const [command, ...rest] = argv;
  if (!command || command === 'help' || command === '--help') {
    console.log(USAGE);
    process.exit(command ? 0 : 2);
  }
  const args: Record<string, unknown> = {};
  const positional: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i]!;
    if (a.startsWith('--')) args[a.slice(2).replace(/-/g, '_')] = rest[++i] ?? '';
    else positional.push(a);
  }
  (POSITIONAL[command] ?? []).forEach((name, i) => {
    if (positional[i] !== undefined) args[name] = positional[i];
  });
  for (const [k, v] of Object.entries(args)) if (typeof v === 'string' && /^-?\d+$/.test(v) && k !== 'account' && k !== 'task') args[k] = Number(v);
  // an operator may paste the token itself: only its hash ever leaves this process
  if (typeof args.account === 'string' && args.account.startsWith('abl_')) args.account = hashToken(args.account).toString('hex');
  return { command: command.replace(/-/g, '_'), args };
}

const { command, args } = parseArgs(process.argv.slice(2));
runAdminCommand(command, args).then(
  (result) => {
    if (command === 'audit') {
      const report = result as AuditJson;
      console.log(formatAudit(report));
      process.exit(report.ok ? 0 : 1);
    }
    console.log(JSON.stringify(result, null, 2));
  },
  (err: unknown) => {
    console.error(`admin ${command} failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
