// Resolves a disputed AI for Hire task, as an operator — the same as
// `npm run admin -- resolve <task-id> <outcome> [buyer_sats]`, kept for its flag form:
//   node --import tsx scripts/admin-resolve.ts <task-id> release|refund|split [--buyer-sats N | --contractor-sats N]
import { runAdminCommand } from './lib/operator.js';

const USAGE = 'usage: admin-resolve.ts <task-id> release|refund|split [--buyer-sats N | --contractor-sats N]';

function parse(argv: string[]): Record<string, unknown> {
  const [task, outcome, ...rest] = argv;
  if (!task || !outcome) throw new Error(USAGE);
  const args: Record<string, unknown> = { task, outcome };
  for (let i = 0; i < rest.length; i += 2) args[rest[i]!.replace(/^--/, '').replace(/-/g, '_')] = Number(rest[i + 1]);
  return args;
}

try {
  console.log(JSON.stringify(await runAdminCommand('resolve', parse(process.argv.slice(2))), null, 2));
} catch (err) {
  console.error(`admin-resolve failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
}
