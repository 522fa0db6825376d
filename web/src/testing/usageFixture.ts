// Usage rows in the shape GET /api/v1/usage serves, for unit tests: a top-up then calls, newest first.
import type { UsageRow } from '../../../contract/api';

export function callRow(over: Partial<UsageRow> = {}): UsageRow {
  return {
    kind: 'call',
    created_at: 1_764_806_400,
    amount_msat: -417,
    balance_after_msat: 1_233_583,
    ref: '12',
    request_id: 'req-1',
    api: 'openai',
    endpoint: 'POST /api/v1/openai/v1/chat/completions',
    model: 'gpt-4o-mini',
    charged_msat: 417,
    status: 'settled',
    ...over,
  };
}

export function topupRow(over: Partial<UsageRow> = {}): UsageRow {
  return { kind: 'topup', created_at: 1_764_806_000, amount_msat: 1_234_000, balance_after_msat: 1_234_000, ref: 'ab'.repeat(32), ...over };
}

/** two calls after a 1,234-sat top-up, newest first: the balances chain */
export const historyFixture: UsageRow[] = [
  callRow({ created_at: 1_764_806_500, amount_msat: -1_008, balance_after_msat: 1_232_575, request_id: 'req-2', ref: '13', charged_msat: 1_008 }),
  callRow(),
  topupRow(),
];
