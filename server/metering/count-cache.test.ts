import { describe, expect, it } from 'vitest';
import { COUNT_CACHE_MAX_TEXT, CountCache } from './count-cache.js';

const text = (i: number) => `text number ${String(i).padStart(18, '0')}`; // 30 characters

describe('CountCache', () => {
  it('keeps what it was given and answers it', () => {
    const cache = new CountCache(1000);
    cache.set(text(1), 7);
    expect(cache.get(text(1))).toBe(7);
    expect(cache.get(text(2))).toBeUndefined();
  });

  it('stays within two generations of its character bound, however many texts pass', () => {
    const cache = new CountCache(100); // three 30-character texts per generation
    for (let i = 0; i < 1000; i++) cache.set(text(i), i);
    expect(cache.size).toBeLessThanOrEqual(6);
    expect(cache.get(text(999))).toBe(999);
    expect(cache.get(text(0))).toBeUndefined();
  });

  it('keeps a text in use across generations: a hit in the older one moves it to the newer', () => {
    const cache = new CountCache(100);
    cache.set(text(0), 0);
    for (let i = 1; i < 50; i++) {
      cache.set(text(i), i);
      expect(cache.get(text(0))).toBe(0);
    }
  });

  it('does not keep a text longer than its limit', () => {
    const cache = new CountCache();
    const long = 'a '.repeat(COUNT_CACHE_MAX_TEXT);
    cache.set(long, 1);
    expect(cache.get(long)).toBeUndefined();
    expect(cache.size).toBe(0);
  });
});
