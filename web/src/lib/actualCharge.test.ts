import { describe, expect, it } from 'vitest';
import type { CallUsage } from '../../../contract/api';
import { ApiError } from '../api/errors';
import { readActualCharge } from './actualCharge';
import type { CallReceipt } from './callReceipt';

const held: CallReceipt = {
  requestId: 'req 1',
  token: 'abl_t',
  endpointTitle: 'Chat completions',
  model: 'gpt-4o-mini',
  at: 1,
  charge: { state: 'held', maxSats: 9_834 },
  usage: null,
  balanceSats: 100,
};
const usage: CallUsage = {
  request_id: 'req 1',
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
const noWait = async (): Promise<void> => undefined;

describe('reading a stream’s actual charge', () => {
  it('reads the usage record with the paying token once it exists, then the balance the settle left', async () => {
    const asked: string[] = [];
    let reads = 0;
    const client = {
      getCallUsage: async (token: string, id: string) => {
        asked.push(`${token} ${id}`);
        if (reads++ === 0) throw new ApiError({ code: 'not_found', message: 'not yet', status: 404 });
        return usage;
      },
      getBalance: async () => ({ balance_sats: 9_933, balance_msat: 9_933_583 }),
    };
    const r = await readActualCharge(client, held, { wait: noWait });
    expect(asked).toEqual(['abl_t req 1', 'abl_t req 1']);
    expect(r).toMatchObject({ charge: { state: 'charged', sats: 1, msats: 417 }, usage: usage.usage, balanceSats: 9_933 });
  });

  it('shows no balance rather than the one with the ceiling still taken off', async () => {
    const client = {
      getCallUsage: async () => usage,
      getBalance: async () => {
        throw new ApiError({ code: 'network_error', message: 'down', status: 0 });
      },
    };
    expect(await readActualCharge(client, held, { wait: noWait })).toMatchObject({ charge: { state: 'charged', sats: 1 }, balanceSats: null });
  });
});
