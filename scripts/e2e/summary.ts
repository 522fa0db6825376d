// The end-of-run table: one row per endpoint, one cell per column — FAIL when any of its checks
// failed, else PASS when one passed, else SKIP — then the whole-run checks and the totals.
import type { CheckRecord, Column, Outcome } from './report.js';

const COLUMNS: { key: Column; title: string }[] = [
  { key: 'token', title: 'token' },
  { key: 'l402', title: 'L402' },
  { key: 'invalid', title: 'invalid' },
  { key: 'required', title: 'required' },
];

export function cellOutcome(records: CheckRecord[]): Outcome {
  if (records.some((r) => r.outcome === 'FAIL')) return 'FAIL';
  return records.some((r) => r.outcome === 'PASS') ? 'PASS' : 'SKIP';
}

export function formatSummary(endpoints: string[], records: CheckRecord[], counts: { passed: number; failed: number; skipped: number }): string {
  const suite = records.filter((r) => r.column === 'suite');
  const width = Math.max('endpoint'.length, ...endpoints.map((e) => e.length), ...suite.map((r) => r.name.length));
  const row = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(width) : c.padEnd(8))).join('  ').trimEnd();
  const lines = [row(['endpoint', ...COLUMNS.map((c) => c.title)]), row(['-'.repeat(width), ...COLUMNS.map(() => '-'.repeat(8))])];
  for (const ep of endpoints) {
    lines.push(row([ep, ...COLUMNS.map((c) => cellOutcome(records.filter((r) => r.endpoint === ep && r.column === c.key)))]));
  }
  if (suite.length > 0) lines.push('');
  for (const r of suite) lines.push(`${r.name.padEnd(width)}  ${r.outcome}  ${r.detail}`);
  lines.push('', `checks: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped`);
  return lines.join('\n');
}
