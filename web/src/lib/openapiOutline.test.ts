import { describe, expect, it } from 'vitest';
import { openApiOutline } from './openapiOutline';

describe('OpenAPI outline', () => {
  it('groups operations by their first tag, in order', () => {
    const doc = {
      paths: {
        '/api/v1/topup': { post: { summary: 'Create a top-up invoice', tags: ['topup'] } },
        '/api/v1/ai-for-hire/tasks': { get: { summary: 'List tasks', tags: ['ai-for-hire'] }, post: { summary: 'Post a task', tags: ['ai-for-hire'] }, parameters: [] },
        '/api/v1/health': { get: { summary: 'Health' } },
      },
    };
    expect(openApiOutline(doc)).toEqual([
      { tag: 'topup', operations: [{ method: 'POST', path: '/api/v1/topup', summary: 'Create a top-up invoice' }] },
      {
        tag: 'ai-for-hire',
        operations: [
          { method: 'GET', path: '/api/v1/ai-for-hire/tasks', summary: 'List tasks' },
          { method: 'POST', path: '/api/v1/ai-for-hire/tasks', summary: 'Post a task' },
        ],
      },
      { tag: 'other', operations: [{ method: 'GET', path: '/api/v1/health', summary: 'Health' }] },
    ]);
  });

  it('is empty for anything that is not a document', () => {
    expect(openApiOutline(null)).toEqual([]);
    expect(openApiOutline({ paths: 'x' })).toEqual([]);
  });
});
