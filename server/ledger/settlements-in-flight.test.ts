import { describe, expect, it } from 'vitest';
import { SettlementsInFlight } from './settlements-in-flight.js';

function deferred() {
  let resolve!: () => void;
  let reject!: (err: Error) => void;
  const promise = new Promise<void>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}
const flushed = () => new Promise((resolve) => setImmediate(resolve));

describe('settlements in flight', () => {
  it('a read of one account waits for that account’s settlements only, failed ones included', async () => {
    const inFlight = new SettlementsInFlight();
    const a1 = deferred();
    const a2 = deferred();
    const b = deferred();
    inFlight.track(1n, a1.promise);
    inFlight.track(1n, a2.promise);
    inFlight.track(2n, b.promise);
    let readA = false;
    let readB = false;
    const waitA = inFlight.settledFor(1n).then(() => (readA = true));
    const waitB = inFlight.settledFor(2n).then(() => (readB = true));
    a1.resolve();
    await flushed();
    expect(readA).toBe(false);
    b.resolve();
    await waitB;
    expect(readB).toBe(true);
    expect(readA).toBe(false);
    a2.reject(new Error('the database refused it'));
    await waitA;
    expect(inFlight.has(1n)).toBe(false);
    expect(inFlight.has(2n)).toBe(false);
  });

  it('an account with nothing in flight is read at once; drain waits for every account', async () => {
    const inFlight = new SettlementsInFlight();
    await inFlight.settledFor(7n);
    const x = deferred();
    const y = deferred();
    inFlight.track(1n, x.promise);
    inFlight.track(2n, y.promise);
    expect(inFlight.has(1n)).toBe(true);
    let drained = false;
    const drain = inFlight.drain().then(() => (drained = true));
    x.resolve();
    await flushed();
    expect(drained).toBe(false);
    y.resolve();
    await drain;
    expect(drained).toBe(true);
  });
});
