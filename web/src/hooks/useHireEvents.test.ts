import { describe, expect, it } from 'vitest';
import { parseSse } from './useHireEvents';

describe('parseSse', () => {
  it('reads complete events, skips comments, keeps a partial one for the next chunk', () => {
    const { events, rest } = parseSse(': hello\n\nid: 7\nevent: quote.created\ndata: {"task_id":"t1"}\n\nid: 8\nevent: task.deliv');
    expect(events).toEqual([{ id: '7', event: 'quote.created', data: { task_id: 't1' } }]);
    expect(parseSse(rest + 'ered\ndata: {"task_id":"t1"}\n\n').events).toEqual([{ id: '8', event: 'task.delivered', data: { task_id: 't1' } }]);
  });
});
