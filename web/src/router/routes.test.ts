import { describe, expect, it } from 'vitest';
import { matchRoute, paths } from './routes';

describe('matchRoute', () => {
  it('matches every page, with or without a trailing slash', () => {
    expect(matchRoute('/')).toEqual({ name: 'home' });
    expect(matchRoute('/catalog/')).toEqual({ name: 'catalog' });
    expect(matchRoute('/hire/new')).toEqual({ name: 'hire-new' });
    expect(matchRoute('/docs')).toEqual({ name: 'docs' });
  });

  it('reads a task id and round-trips it through paths.hireTask', () => {
    expect(matchRoute(paths.hireTask('a b/c'))).toEqual({ name: 'hire-task', taskId: 'a b/c' });
    expect(matchRoute('/hire/tasks/42')).toEqual({ name: 'hire-task', taskId: '42' });
  });

  it('answers not-found for anything else', () => {
    expect(matchRoute('/hire/tasks/')).toEqual({ name: 'not-found' });
    expect(matchRoute('/hire/tasks/%E0%A4%A')).toEqual({ name: 'not-found' });
    expect(matchRoute('/nope')).toEqual({ name: 'not-found' });
  });
});
