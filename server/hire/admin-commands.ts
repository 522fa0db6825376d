// The marketplace's operator commands, in the shape the admin service takes as `extra`
// (npm run admin -- resolve <task> release|refund|split [buyer_sats]; reconcile-payouts).
import { AppError } from '../errors.js';
import type { Resolution } from './disputes.js';
import type { HireService } from './index.js';
import { taskId } from './validate.js';

export function resolutionFrom(args: Record<string, unknown>): Resolution {
  const outcome = args.outcome ?? args.resolution;
  if (outcome === 'release' || outcome === 'refund') return { kind: outcome };
  if (outcome === 'split') {
    if (args.buyer_sats !== undefined) return { kind: 'split', buyerSats: Number(args.buyer_sats) };
    if (args.contractor_sats !== undefined) return { kind: 'split', contractorSats: Number(args.contractor_sats) };
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
