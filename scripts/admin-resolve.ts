// Resolves a disputed AI for Hire task, as an operator — the same as
// `npm run admin -- resolve <task-id> <outcome> [buyer_sats]`, kept for its flag form:
//   node --import tsx scripts/admin-resolve.ts <task-id> release|refund|split [--buyer-sats N | --contractor-sats N]
// Amounts are parsed as `npm run admin` parses them (decimal digits, 1 to ADMIN_MAX_SATS).
import { parseAdminArgs } from './lib/admin-args.js';
import { runAdminCommand } from './lib/operator.js';

const USAGE = 'usage: admin-resolve.ts <task-id> release|refund|split [--buyer-sats N | --contractor-sats N]';

function parse(argv: string[]): Record<string, unknown> {
  const [task, outcome] = argv;
  if (!task || !outcome || task.startsWith('--') || outcome.startsWith('--')) throw new Error(USAGE);
  try {
    return parseAdminArgs('resolve', argv).args;
  } catch (err) {
    throw new Error(`${err instanceof Error ? err.message : String(err)}\n${USAGE}`);
  }
}

let args: Record<string, unknown>;
try {
  args = parse(process.argv.slice(2));
} catch (err) {
  console.error(`admin-resolve: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(2);
}
try {
  console.log(JSON.stringify(await runAdminCommand('resolve', args), null, 2));
} catch (err) {
  console.error(`admin-resolve failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
}
