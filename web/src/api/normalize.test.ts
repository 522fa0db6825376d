import { describe, expect, it } from 'vitest';
import { listOf, messagesOf, taskWithQuotes, unwrap } from './normalize';

describe('response envelopes', () => {
  it('reads lists bare or wrapped', () => {
    expect(listOf([1, 2], 'tasks')).toEqual([1, 2]);
    expect(listOf({ tasks: [3] }, 'tasks')).toEqual([3]);
    expect(listOf({ other: [] }, 'tasks')).toEqual([]);
    expect(messagesOf({ messages: [{ body: 'hi' }] })).toEqual([{ body: 'hi' }]);
  });

  it('unwraps a named object and leaves a bare one alone', () => {
    expect(unwrap({ quote: { id: 1 } }, 'quote')).toEqual({ id: 1 });
    expect(unwrap({ id: 2, quote: 'x' }, 'quote')).toEqual({ id: 2, quote: 'x' });
  });

  it('always gives a task a quotes array', () => {
    expect(taskWithQuotes({ id: 1, status: 'open' }).quotes).toEqual([]);
    expect(taskWithQuotes({ id: 1, quotes: [{ id: 2 }] }).quotes).toEqual([{ id: 2 }]);
  });
});
