import { describe, expect, it } from 'vitest';
import { RecentKeys } from './recent-keys.js';

describe('keys seen lately', () => {
  it('a key asked for lately is kept; one not asked for is forgotten two generations on', () => {
    const keys = new RecentKeys(2);
    for (const k of ['a', 'b', 'c']) keys.add(k); // a and b now the older generation
    expect([keys.has('a'), keys.has('c'), keys.has('never')]).toEqual([true, true, false]);
    keys.add('d');
    keys.add('e');
    expect(keys.has('b')).toBe(false);
    expect([keys.has('a'), keys.has('d'), keys.has('e')]).toEqual([true, true, true]);
  });
});
