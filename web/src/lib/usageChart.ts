// The per-day totals (GET /api/v1/usage/daily) shaped for a stacked bar chart: one bar per UTC day
// of the range (days without activity at zero), one segment per API, and "Fees and other" for what
// was spent outside calls (AI for Hire fees, escrow, payouts). Pure, so it is tested.
import type { DailyUsage } from '../../../contract/api';

const DAY = 86_400;

/** The segment for spending that is not an API call. */
export const OTHER_KEY = '(other)';
export const OTHER_LABEL = 'Fees and other';

export interface ChartSeries {
  /** the API name, or OTHER_KEY */
  key: string;
  label: string;
  /** msat spent per day, aligned with `days` */
  msat: number[];
  totalMsat: number;
}

export interface ChartData {
  /** "YYYY-MM-DD" per bar, oldest first */
  days: string[];
  /** each day's start, Unix seconds (the chart's x values) */
  x: number[];
  /** bottom of the stack first: APIs by total spent (largest first), then "Fees and other" when any */
  series: ChartSeries[];
  /** all spending per day, msat */
  spentMsat: number[];
  totalSpentMsat: number;
}

const dayOf = (unixSeconds: number): string => new Date(unixSeconds * 1000).toISOString().slice(0, 10);

/**
 * Every UTC day from `from` to `to` (Unix seconds, inclusive), each with the day's figures; an API
 * is labelled with its title in the catalog when `titles` has it, else its name.
 */
export function shapeDaily(daily: DailyUsage, from: number, to: number, titles: Readonly<Record<string, string>> = {}): ChartData {
  const first = Math.floor(from / DAY) * DAY;
  const x: number[] = [];
  for (let t = first; t <= to; t += DAY) x.push(t);
  const days = x.map(dayOf);
  const index = new Map(days.map((d, i) => [d, i]));

  const perApi = new Map<string, number[]>();
  const other = days.map(() => 0);
  const spentMsat = days.map(() => 0);
  for (const d of daily.days) {
    const i = index.get(d.date);
    if (i === undefined) continue;
    spentMsat[i] = d.spent_msat;
    let calls = 0;
    for (const [api, msat] of Object.entries(d.by_api)) {
      const row = perApi.get(api) ?? perApi.set(api, days.map(() => 0)).get(api)!;
      row[i] = msat;
      calls += msat;
    }
    // what the day spent outside calls; never below zero, should the figures ever disagree
    other[i] = Math.max(0, d.spent_msat - calls);
  }

  const sum = (a: number[]): number => a.reduce((s, v) => s + v, 0);
  const series: ChartSeries[] = [...perApi.entries()]
    .map(([key, msat]) => ({ key, label: titles[key] ?? key, msat, totalMsat: sum(msat) }))
    .sort((a, b) => b.totalMsat - a.totalMsat || a.key.localeCompare(b.key));
  if (sum(other) > 0) series.push({ key: OTHER_KEY, label: OTHER_LABEL, msat: other, totalMsat: sum(other) });
  return { days, x, series, spentMsat, totalSpentMsat: sum(spentMsat) };
}

/**
 * The stack's tops in sats, for drawing: `tops[k][i]` is the sum of series 0..k on day i. Drawing
 * the bars from the highest top down, each over the last, leaves each segment its own band.
 */
export function stackTops(data: ChartData): number[][] {
  const running = data.x.map(() => 0);
  return data.series.map((s) =>
    s.msat.map((v, i) => {
      running[i] = (running[i] ?? 0) + v / 1000;
      return running[i]!;
    }),
  );
}

/** A sentence for screen readers: the range, the total and each series' share. */
export function chartSummary(data: ChartData, format: (msat: number) => string): string {
  const range = data.days.length ? `${data.days[0]} to ${data.days[data.days.length - 1]}` : 'no days';
  if (data.totalSpentMsat === 0) return `Spend per day, ${range} (UTC): nothing spent.`;
  const parts = data.series.map((s) => `${s.label} ${format(s.totalMsat)}`);
  const busiest = data.spentMsat.reduce((best, v, i) => (v > (data.spentMsat[best] ?? 0) ? i : best), 0);
  return `Spend per day, ${range} (UTC): ${format(data.totalSpentMsat)} in all — ${parts.join(', ')}. Most on ${data.days[busiest]}: ${format(data.spentMsat[busiest] ?? 0)}.`;
}
