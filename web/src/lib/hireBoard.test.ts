import { describe, expect, it } from 'vitest';
import type { TaskSummary } from '../../../contract/hire-views';
import { taskFixture } from '../testing/hireFixture';
import { boardTasks, summaryMayChange, type LiveTask } from './hireBoard';

const task = (id: string, status: TaskSummary['status'], created_at: number): TaskSummary => ({ ...taskFixture({ id, status, created_at }), quote_count: 0 });
const live = (...entries: [TaskSummary, boolean][]) => new Map<string, LiveTask>(entries.map(([t, announced]) => [t.id, { task: t, announced }]));

describe('boardTasks', () => {
  const loaded = [task('b', 'open', 20), task('a', 'open', 10)];

  it('puts announced new tasks on top, newest first, and only once', () => {
    const shown = boardTasks(loaded, live([task('c', 'open', 30), true], [task('d', 'open', 40), true], [task('b', 'open', 20), true]), 'open');
    expect(shown.map((t) => t.id)).toEqual(['d', 'c', 'b', 'a']);
  });

  it('replaces a listed task by its fresh copy, and drops it when its status leaves the filter', () => {
    const fresh = { ...task('b', 'open', 20), quote_count: 2 };
    expect(boardTasks(loaded, live([fresh, false]), 'open').map((t) => [t.id, t.quote_count])).toEqual([['b', 2], ['a', 0]]);
    expect(boardTasks(loaded, live([task('b', 'awarded', 20), false]), 'open').map((t) => t.id)).toEqual(['a']);
    expect(boardTasks(loaded, live([task('b', 'awarded', 20), false]), '').map((t) => [t.id, t.status])).toEqual([['b', 'awarded'], ['a', 'open']]);
  });

  it('leaves out an unlisted task that was not announced (an old task changing elsewhere)', () => {
    expect(boardTasks(loaded, live([task('z', 'cancelled', 5), false]), '').map((t) => t.id)).toEqual(['b', 'a']);
  });
});

describe('summaryMayChange', () => {
  it('fetches a listed task again only on events that can change what the board shows of it', () => {
    for (const e of ['task.created', 'quote.created', 'quote.accepted', 'task.delivered', 'task.completed', 'task.left_open']) expect(summaryMayChange(e)).toBe(true);
    for (const e of ['message.created', 'quote.updated', 'quote.declined', 'payout.completed']) expect(summaryMayChange(e)).toBe(false);
  });
});
