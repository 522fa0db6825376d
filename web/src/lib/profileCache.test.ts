import { describe, expect, it } from 'vitest';
import type { Profile } from '../../../contract/hire-views';
import { createProfileCache, PROFILE_KEEP_MS } from './profileCache';

const profile = (id: string, completed: number) => ({ id, completed }) as unknown as Profile;

function rig() {
  let now = 1_000_000;
  const asked: string[] = [];
  let completed = 0;
  const cache = createProfileCache(async (id) => (asked.push(id), profile(id, completed)), () => now);
  return { cache, asked, later: (ms: number) => void (now += ms), done: () => void (completed += 1) };
}

describe('createProfileCache', () => {
  it('reads a profile once for every line that shows it within a minute', async () => {
    const r = rig();
    await Promise.all([r.cache.get('prf_a'), r.cache.get('prf_a'), r.cache.get('prf_b')]);
    r.later(PROFILE_KEEP_MS - 1);
    await r.cache.get('prf_a');
    expect(r.asked).toEqual(['prf_a', 'prf_b']);
    r.later(1);
    await r.cache.get('prf_a');
    expect(r.asked).toEqual(['prf_a', 'prf_b', 'prf_a']);
  });

  it('reads it again at once under a new version (a deal closed, a rating given)', async () => {
    const r = rig();
    expect((await r.cache.get('prf_a', 'open')).completed).toBe(0);
    r.done();
    expect((await r.cache.get('prf_a', 'completed')).completed).toBe(1);
    expect(r.asked).toEqual(['prf_a', 'prf_a']);
  });

  it('keeps no failure', async () => {
    let fail = true;
    const asked: string[] = [];
    const cache = createProfileCache(async (id) => {
      asked.push(id);
      if (fail) throw new Error('429');
      return profile(id, 0);
    }, () => 0);
    await expect(cache.get('prf_a')).rejects.toThrow('429');
    fail = false;
    await cache.get('prf_a');
    expect(asked).toEqual(['prf_a', 'prf_a']);
  });
});
