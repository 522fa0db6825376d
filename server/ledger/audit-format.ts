// The audit report as JSON (bigint → decimal strings) and as the text the CLI prints.
import { msatToSats } from '../../contract/money.js';
import type { AuditReport, AuditTotals } from './audit.js';

export interface AuditJson {
  ok: boolean;
  problems: string[];
  accounts: number;
  journal_entries: number;
  totals_msat: Record<keyof AuditTotals, string>;
  mode: 'full' | 'incremental';
  /** the newest verified checkpoint: journal rows below below_journal_id are pinned by chain */
  checkpoint: { below_journal_id: string; chain: string } | null;
}

export function auditToJson(r: AuditReport): AuditJson {
  const totals = Object.fromEntries(Object.entries(r.totals).map(([k, v]) => [k, (v as bigint).toString()])) as Record<keyof AuditTotals, string>;
  const checkpoint = r.checkpoint ? { below_journal_id: r.checkpoint.belowJournalId.toString(), chain: r.checkpoint.chain } : null;
  return { ok: r.ok, problems: r.problems, accounts: r.accounts, journal_entries: r.journalEntries, totals_msat: totals, mode: r.mode ?? 'full', checkpoint };
}

const LABELS: Record<keyof AuditTotals, string> = {
  depositsMsat: 'deposits',
  withdrawalsMsat: 'withdrawals',
  userBalancesMsat: 'user balances',
  heldMsat: 'held reservations',
  escrowMsat: 'escrow',
  payoutsPendingMsat: 'pending payouts',
  revenueMsat: 'revenue',
  adjustmentsMsat: 'admin adjustments (net out)',
};

export function formatAudit(r: AuditJson): string {
  const read = r.mode === 'incremental' ? `${r.journal_entries} journal entries since the last checkpoint` : `${r.journal_entries} journal entries`;
  const lines = [`ledger audit: ${r.ok ? 'OK' : 'MISMATCH'} (${r.mode ?? 'full'}: ${r.accounts} accounts, ${read})`];
  for (const [key, label] of Object.entries(LABELS) as [keyof AuditTotals, string][]) {
    const msat = BigInt(r.totals_msat[key]);
    lines.push(`  ${label.padEnd(28)} ${String(msatToSats(msat)).padStart(14)} sats  (${msat} msat)`);
  }
  if (r.checkpoint) lines.push(`  checkpoint: journal below ${r.checkpoint.below_journal_id}, chain ${r.checkpoint.chain}`);
  for (const p of r.problems) lines.push(`  PROBLEM: ${p}`);
  return lines.join('\n');
}
