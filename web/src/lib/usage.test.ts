import { describe, expect, it } from 'vitest';
import { callRow, historyFixture, topupRow } from '../testing/usageFixture';
import {
  appendPage,
  callStatusText,
  checkRange,
  continuityBreaks,
  csvFileName,
  dayStart,
  emptyHistory,
  kindLabel,
  lastDays,
  shortEndpoint,
  sumRows,
} from './usage';

describe('rows in words', () => {
  it('names kinds, shortens an endpoint under its API, says a call’s state', () => {
    expect(kindLabel('hire_fee')).toBe('AI for Hire fee');
    expect(kindLabel('topup')).toBe('Top-up');
    expect(shortEndpoint('POST /api/v1/openai/v1/chat/completions', 'openai')).toBe('POST /v1/chat/completions');
    expect(shortEndpoint('POST /api/v1/openai/v1/chat/completions', null)).toBe('POST /api/v1/openai/v1/chat/completions');
    expect(shortEndpoint(null, 'openai')).toBeNull();
    expect(callStatusText(callRow({ status: 'pending' }))).toBe('held while it runs');
    expect(callStatusText(callRow({ status: 'released' }))).toBe('released: not charged');
    expect(callStatusText(callRow())).toBeNull();
    expect(callStatusText(topupRow())).toBeNull();
  });
});

describe('rows add up', () => {
  it('finds no break when each balance before is the balance after below', () => {
    expect(continuityBreaks(historyFixture)).toEqual([]);
    expect(sumRows(historyFixture)).toEqual({ startMsat: 0, changeMsat: 1_234_000 - 417 - 1_008, endMsat: 1_232_575 });
  });

  it('names the row that does not follow from the one below', () => {
    const broken = [historyFixture[0]!, callRow({ balance_after_msat: 1_233_000 }), topupRow()];
    expect(continuityBreaks(broken)).toEqual([0, 1]);
    expect(continuityBreaks([historyFixture[0]!, historyFixture[2]!])).toEqual([0]);
  });

  it('sums nothing for no rows', () => {
    expect(sumRows([])).toBeNull();
    expect(continuityBreaks([])).toEqual([]);
  });

  it('appends a page below the rows and takes its cursor', () => {
    const first = appendPage(emptyHistory, { data: historyFixture.slice(0, 2), next_cursor: 'c1' });
    expect(first).toEqual({ rows: historyFixture.slice(0, 2), nextCursor: 'c1' });
    const all = appendPage(first, { data: historyFixture.slice(2), next_cursor: null });
    expect(all.rows).toEqual(historyFixture);
    expect(all.nextCursor).toBeNull();
    expect(continuityBreaks(all.rows)).toEqual([]);
  });
});

describe('the date range', () => {
  const now = Date.UTC(2026, 11, 4, 23, 30) / 1000;

  it('counts the last days in UTC, today included', () => {
    expect(lastDays(30, now)).toEqual({ from: '2026-11-05', to: '2026-12-04' });
    expect(lastDays(1, now)).toEqual({ from: '2026-12-04', to: '2026-12-04' });
  });

  it('turns days into inclusive Unix seconds', () => {
    expect(checkRange({ from: '2026-12-01', to: '2026-12-04' })).toEqual({ ok: true, from: Date.UTC(2026, 11, 1) / 1000, to: Date.UTC(2026, 11, 5) / 1000 - 1 });
  });

  it('refuses missing, impossible and reversed days', () => {
    expect(checkRange({ from: '', to: '2026-12-04' })).toEqual({ ok: false, message: 'Choose a start date.' });
    expect(checkRange({ from: '2026-12-01', to: '2026-02-31' })).toEqual({ ok: false, message: 'Choose an end date.' });
    expect(checkRange({ from: '2026-12-05', to: '2026-12-04' })).toEqual({ ok: false, message: 'The start date is after the end date.' });
    expect(checkRange({ from: '2024-01-01', to: '2026-12-04' })).toMatchObject({ ok: false });
    expect(dayStart('2026-13-01')).toBeNull();
  });

  it('names the CSV file after the range', () => {
    expect(csvFileName({ from: '2026-11-05', to: '2026-12-04' })).toBe('usage-2026-11-05-to-2026-12-04.csv');
  });
});
