// npm run admin -- <command> [arguments] [--flag value]
//   audit [--full]                          verify the ledger (as npm run ledger:audit)
//   account <token-hash-prefix>             balance and recent journal lines of one account
//   credit  <token-hash-prefix> <sats> --reason "…"   journaled credit
//   debit   <token-hash-prefix> <sats> --reason "…"   journaled debit
//   stats                                   counts and revenue
// plus the commands other modules add (see the usage text). Every action is recorded.
// Amounts are whole sats in decimal digits, 1 to ADMIN_MAX_SATS (server/admin/args.ts); anything
// else (a sign, hex, an exponent, a fraction, nothing) is refused with exit code 2 before any work.
import { ADMIN_MAX_SATS } from '../server/admin/args.js';
import { formatAudit, type AuditJson } from '../server/ledger/audit-format.js';
import { parseAdminArgs, UsageError } from './lib/admin-args.js';
import { runAdminCommand } from './lib/operator.js';

const USAGE = `usage: npm run admin -- <command> [arguments]
  audit [--full]                                        (from the last checkpoint; --full: everything)
  archive --before <YYYY-MM-DD> --out <dir>             (old journal rows to files; also npm run ledger:archive)
  account <token-hash-prefix | abl_token>
  credit <token-hash-prefix | abl_token> <sats> --reason "why"
  debit  <token-hash-prefix | abl_token> <sats> --reason "why"
  stats
  resolve <task-id> release|refund|split [buyer_sats]   (AI for Hire disputes)
  reconcile-payouts                                     (AI for Hire payouts in doubt)
amounts are whole sats in decimal digits, from 1 to ${ADMIN_MAX_SATS} (1 BTC) per command`;

function parseArgs(argv: string[]): { command: string; args: Record<string, unknown> } {
  const [command, ...rest] = argv;
  if (!command || command === 'help' || command === '--help') {
    console.log(USAGE);
    process.exit(command ? 0 : 2);
  }
  try {
    return parseAdminArgs(command, rest);
  } catch (err) {
    // a refused argument: nothing ran, nothing was recorded
    console.error(`admin ${command}: ${err instanceof Error ? err.message : String(err)}`);
    if (err instanceof UsageError) console.error(USAGE);
    process.exit(2);
  }
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
