// Reads a streamed call's usage record, which the server writes just after the stream's last byte:
// a 404 right at the end means "not yet", so it asks again a few times, waiting longer each time.
import type { CallUsage } from '../../../contract/api';
import { ApiError } from './errors';

/** About 7 s in all: a settle takes milliseconds, a loaded server a little more. */
export const USAGE_RETRY_DELAYS_MS = [250, 500, 1000, 2000, 3500] as const;

export type Wait = (ms: number, signal?: AbortSignal) => Promise<void>;

const aborted = (): DOMException => new DOMException('aborted', 'AbortError');

const wait: Wait = (ms, signal) =>
  new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(aborted());
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(aborted());
      },
      { once: true },
    );
  });

export async function readSettledUsage(
  read: (signal?: AbortSignal) => Promise<CallUsage>,
  opts: { signal?: AbortSignal; delays?: readonly number[]; wait?: Wait } = {},
): Promise<CallUsage> {
  const delays = opts.delays ?? USAGE_RETRY_DELAYS_MS;
  for (let attempt = 0; ; attempt++) {
    try {
      return await read(opts.signal);
    } catch (e) {
      const delay = delays[attempt];
      if (!(e instanceof ApiError) || e.status !== 404 || delay === undefined) throw e;
      await (opts.wait ?? wait)(delay, opts.signal);
    }
  }
}
