import { describe, expect, it } from 'vitest';
import type { DailyUsage } from '../../../contract/api';
import { formatMsat } from './format';
import { chartSummary, OTHER_KEY, shapeDaily, stackTops } from './usageChart';

const day = (d: string): number => Date.UTC(Number(d.slice(0, 4)), Number(d.slice(5, 7)) - 1, Number(d.slice(8, 10))) / 1000;

const daily: DailyUsage = {
  days: [
    { date: '2026-12-01', spent_msat: 3_000, credited_msat: 1_234_000, by_api: { openai: 3_000 } },
    // 2026-12-02: nothing
    { date: '2026-12-03', spent_msat: 12_417, credited_msat: 0, by_api: { openai: 417, anthropic: 2_000 } },
    { date: '2026-12-04', spent_msat: 0, credited_msat: 5_000, by_api: {} },
    // outside the range: left out
    { date: '2026-11-01', spent_msat: 9_999, credited_msat: 0, by_api: { openai: 9_999 } },
  ],
};

describe('daily totals → one series per API', () => {
  const data = shapeDaily(daily, day('2026-12-01'), day('2026-12-04') + 86_399);

  it('has one bar per UTC day of the range, days without activity at zero', () => {
    expect(data.days).toEqual(['2026-12-01', '2026-12-02', '2026-12-03', '2026-12-04']);
    expect(data.x).toEqual([day('2026-12-01'), day('2026-12-02'), day('2026-12-03'), day('2026-12-04')]);
    expect(data.spentMsat).toEqual([3_000, 0, 12_417, 0]);
    expect(data.totalSpentMsat).toBe(15_417);
  });

  it('orders APIs by what they cost, then what was spent outside calls', () => {
    expect(data.series.map((s) => s.key)).toEqual(['openai', 'anthropic', OTHER_KEY]);
    expect(data.series[0]).toEqual({ key: 'openai', label: 'openai', msat: [3_000, 0, 417, 0], totalMsat: 3_417 });
    expect(data.series[1]?.msat).toEqual([0, 0, 2_000, 0]);
    // 12,417 spent on the 3rd, 2,417 of it in calls: 10,000 in fees, escrow or payouts
    expect(data.series[2]).toMatchObject({ label: 'Fees and other', msat: [0, 0, 10_000, 0], totalMsat: 10_000 });
    // the segments of each day make its whole spend
    data.days.forEach((_, i) => expect(data.series.reduce((s, x) => s + (x.msat[i] ?? 0), 0)).toBe(data.spentMsat[i]));
  });

  it('stacks the series in sats, bottom first', () => {
    expect(stackTops(data)).toEqual([
      [3, 0, 0.417, 0],
      [3, 0, 2.417, 0],
      [3, 0, 12.417, 0],
    ]);
  });

  it('labels an API with its catalog title when there is one', () => {
    const titled = shapeDaily(daily, day('2026-12-01'), day('2026-12-04') + 86_399, { openai: 'OpenAI' });
    expect(titled.series.map((s) => [s.key, s.label])).toEqual([
      ['openai', 'OpenAI'],
      ['anthropic', 'anthropic'],
      [OTHER_KEY, 'Fees and other'],
    ]);
  });

  it('leaves out "Fees and other" when everything spent was calls', () => {
    const calls = shapeDaily({ days: [daily.days[0]!] }, day('2026-12-01'), day('2026-12-01') + 86_399);
    expect(calls.series.map((s) => s.key)).toEqual(['openai']);
  });

  it('says it in one sentence for screen readers', () => {
    expect(chartSummary(data, formatMsat)).toBe(
      'Spend per day, 2026-12-01 to 2026-12-04 (UTC): 15.417 sats in all — openai 3.417 sats, anthropic 2 sats, Fees and other 10 sats. Most on 2026-12-03: 12.417 sats.',
    );
    const empty = shapeDaily({ days: [] }, day('2026-12-01'), day('2026-12-02') + 86_399);
    expect(empty.series).toEqual([]);
    expect(chartSummary(empty, formatMsat)).toBe('Spend per day, 2026-12-01 to 2026-12-02 (UTC): nothing spent.');
  });
});
