import { describe, expect, it } from 'vitest';
import { oneAtATime } from './oneAtATime';

/** a run the test finishes by hand */
function runs() {
  const started: string[] = [];
  const finish: (() => void)[] = [];
  const run = (key: string) => {
    started.push(key);
    return new Promise<void>((resolve) => finish.push(resolve));
  };
  return { started, run, finishNext: async () => {
    finish.shift()!();
    await new Promise((resolve) => setTimeout(resolve, 0));
  } };
}

describe('oneAtATime', () => {
  it('a burst of asks while one run is on its way costs one more run after it, per key', async () => {
    const r = runs();
    const ask = oneAtATime(r.run);
    ask('a');
    ask('a');
    ask('b');
    expect(r.started).toEqual([]); // the asks of one go share a run, started a microtask later
    await Promise.resolve();
    expect(r.started).toEqual(['a', 'b']);
    ask('a');
    await r.finishNext(); // a's first run ends: asked again meanwhile, so once more
    expect(r.started).toEqual(['a', 'b', 'a']);
    await r.finishNext(); // b ends, not asked again
    await r.finishNext(); // a's second run ends
    expect(r.started).toEqual(['a', 'b', 'a']);
    ask('a'); // idle again: runs at once
    await Promise.resolve();
    expect(r.started).toEqual(['a', 'b', 'a', 'a']);
  });

  it('a failed run is not the end: asked meanwhile, it runs again', async () => {
    const started: number[] = [];
    let fail!: (e: Error) => void;
    const ask = oneAtATime((key: number) => {
      started.push(key);
      return started.length === 1 ? new Promise<void>((_, reject) => (fail = reject)) : Promise.resolve();
    });
    ask(1);
    await Promise.resolve();
    ask(1);
    fail(new Error('offline'));
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(started).toEqual([1, 1]);
  });
});
