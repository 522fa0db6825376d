import { describe, expect, it } from 'vitest';
import type { CallUsage } from '../../../contract/api';
import { ApiError } from './errors';
import { readSettledUsage } from './settledUsage';

const usage: CallUsage = {
  request_id: 'r1',
  kind: 'call',
  created_at: 1,
  api: 'openai',
  endpoint: 'POST /api/v1/openai/v1/chat/completions',
  model: 'gpt-4o-mini',
  status: 'settled',
  charged_msat: 417,
  charged_sats: 1,
  max_charge_msat: 9_834_000,
  amount_msat: -417,
  usage: { input_tokens: 12, cached_input_tokens: 0, cache_write_tokens: 0, output_tokens: 5, estimated: false },
};
const notFound = new ApiError({ code: 'not_found', message: 'No paid call with this id', status: 404 });

/** Answers from a script, one per read; records the waits instead of waiting. */
function scripted(answers: Array<CallUsage | ApiError>) {
  const waited: number[] = [];
  let reads = 0;
  const read = async (): Promise<CallUsage> => {
    const a = answers[reads++];
    if (a === undefined || a instanceof ApiError) throw a ?? new Error('read too often');
    return a;
  };
  return { read, waited, wait: async (ms: number) => void waited.push(ms), reads: () => reads };
}

describe('reading a stream’s usage once it settled', () => {
  it('asks again while the record is not there yet, waiting longer each time', async () => {
    const s = scripted([notFound, notFound, usage]);
    await expect(readSettledUsage(s.read, { wait: s.wait, delays: [10, 20, 40] })).resolves.toEqual(usage);
    expect(s.waited).toEqual([10, 20]);
  });

  it('gives up with the 404 after the last delay', async () => {
    const s = scripted([notFound, notFound, notFound]);
    await expect(readSettledUsage(s.read, { wait: s.wait, delays: [10, 20] })).rejects.toBe(notFound);
    expect(s.reads()).toBe(3);
  });

  it('does not retry other errors', async () => {
    const invalid = new ApiError({ code: 'invalid_token', message: 'Unknown token.', status: 401 });
    const s = scripted([invalid, usage]);
    await expect(readSettledUsage(s.read, { wait: s.wait, delays: [10] })).rejects.toBe(invalid);
    expect(s.waited).toEqual([]);
  });

  it('stops waiting when the caller cancels', async () => {
    const s = scripted([notFound, usage]);
    const controller = new AbortController();
    controller.abort();
    await expect(readSettledUsage(s.read, { signal: controller.signal, delays: [60_000] })).rejects.toMatchObject({ name: 'AbortError' });
    expect(s.reads()).toBe(1);
  });
});
