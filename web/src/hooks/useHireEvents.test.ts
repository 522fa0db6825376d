import { describe, expect, it } from 'vitest';
import { parseSse, reconnectDelayMs } from './useHireEvents';

describe('parseSse', () => {
  it('reads complete events, skips comments, keeps a partial one for the next chunk', () => {
    const { events, rest } = parseSse(': hello\n\nid: 7\nevent: quote.created\ndata: {"task_id":"t1"}\n\nid: 8\nevent: task.deliv');
    expect(events).toEqual([{ id: '7', event: 'quote.created', data: { task_id: 't1' } }]);
    expect(parseSse(rest + 'ered\ndata: {"task_id":"t1"}\n\n').events).toEqual([{ id: '8', event: 'task.delivered', data: { task_id: 't1' } }]);
  });
});

describe('reconnectDelayMs', () => {
  it('waits longer after each failure in a row, up to a minute', () => {
    expect([1, 2, 3, 4, 5, 9].map((n) => reconnectDelayMs(n))).toEqual([5_000, 10_000, 20_000, 40_000, 60_000, 60_000]);
  });

  it('waits at least what a 429 asked for', () => {
    expect(reconnectDelayMs(1, 45)).toBe(45_000);
    expect(reconnectDelayMs(4, 1)).toBe(40_000);
  });
});
