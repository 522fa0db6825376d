// The marketplace's operator commands, in the shape the admin service takes as `extra`
// (npm run admin -- resolve <task> release|refund|split [buyer_sats]; reconcile-payouts).
import { AppError } from '../errors.js';
import type { Resolution } from './disputes.js';
import type { HireService } from './index.js';
import { taskId } from './input-rules.js';

/** A split's share as given: a JSON integer (the CLI parses its text: scripts/lib/admin-args.ts), never a string to coerce ("0x10" is not 16). */
function share(v: unknown, field: string): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v)) throw new AppError('invalid_field_value', `${field} must be a whole number of sats.`, { field });
  return v;
}

export function resolutionFrom(args: Record<string, unknown>): Resolution {
  const outcome = args.outcome ?? args.resolution;
  if (outcome === 'release' || outcome === 'refund') return { kind: outcome };
  if (outcome === 'split') {
    if (args.buyer_sats !== undefined && args.contractor_sats !== undefined) {
      return { kind: 'split', buyerSats: share(args.buyer_sats, 'buyer_sats'), contractorSats: share(args.contractor_sats, 'contractor_sats') };
    }
    if (args.buyer_sats !== undefined) return { kind: 'split', buyerSats: share(args.buyer_sats, 'buyer_sats') };
    if (args.contractor_sats !== undefined) return { kind: 'split', contractorSats: share(args.contractor_sats, 'contractor_sats') };
    throw new AppError('missing_required_field', 'a split needs buyer_sats or contractor_sats', { field: 'buyer_sats' });
  }
  throw new AppError('invalid_field_value', 'the outcome must be release, refund or split', { field: 'outcome' });
}

export function hireAdminCommands(hire: HireService): Record<string, (args: Record<string, unknown>) => Promise<unknown>> {
  return {
    resolve: (args) => hire.resolveDispute(taskId(String(args.task ?? '')), resolutionFrom(args)),
    reconcile_payouts: () => hire.reconcilePayouts(0),
  };
}
