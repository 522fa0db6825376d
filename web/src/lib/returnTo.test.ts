import { describe, expect, it } from 'vitest';
import { returnLabel, safeReturnPath, topupHref } from './returnTo';
import { parseTaskDraft } from './taskDraft';

describe('the way back from a top-up', () => {
  it('follows only AI for Hire paths of this app', () => {
    expect(safeReturnPath('/hire/new')).toBe('/hire/new');
    expect(safeReturnPath('/hire/tasks/6a1f4c84-6a49-4b8e-9d1e-0c1f0b7e6c11')).toBe('/hire/tasks/6a1f4c84-6a49-4b8e-9d1e-0c1f0b7e6c11');
    for (const bad of [null, '', '//evil.example/hire', 'https://evil.example/hire', '/hire/../account', '/hire/new?x=1', '/account', 'javascript:alert(1)', '/hire\\evil', '/hire/%2e%2e/account']) {
      expect(safeReturnPath(bad)).toBeNull();
    }
  });

  it('builds the top-up link with the amount and the way back', () => {
    expect(topupHref(100, '/hire/new')).toBe('/topup?amount=100&return=%2Fhire%2Fnew');
    expect(topupHref(undefined, '/account')).toBe('/topup');
    expect(returnLabel('/hire/new')).toBe('Back to your task draft');
    expect(returnLabel('/hire/tasks/x')).toBe('Back to the task');
  });
});

describe('task draft', () => {
  it('reads what was saved, and nothing from garbage', () => {
    expect(parseTaskDraft('{"title":"T","description":"D","budget":"40"}')).toEqual({ title: 'T', description: 'D', budget: '40' });
    expect(parseTaskDraft('{"title":5}')).toEqual({ title: '', description: '', budget: '' });
    expect(parseTaskDraft('not json')).toEqual({ title: '', description: '', budget: '' });
    expect(parseTaskDraft(null)).toEqual({ title: '', description: '', budget: '' });
  });
});
