import { describe, expect, it } from 'vitest';
import type { CallUsage } from '../../../contract/api';
import type { ProxyHead } from '../api/proxyResult';
import { chargeOfHead, chargeText, receiptOf, tokenCountsText, upsertReceipt, withUsage, type CallReceipt } from './callReceipt';

const head = (over: Partial<ProxyHead>): ProxyHead => ({
  status: 200,
  ok: true,
  contentType: 'application/json',
  streamed: false,
  requestId: 'req-1',
  chargedSats: null,
  chargedMsats: null,
  maxChargeSats: null,
  balanceSats: null,
  ...over,
});
const call = { token: 'abl_t', endpointTitle: 'Chat completions', model: 'gpt-4o-mini', at: 5 };
const usage = (over: Partial<CallUsage> = {}): CallUsage => ({
  request_id: 'req-1',
  kind: 'call',
  created_at: 1,
  api: 'openai',
  endpoint: 'POST /api/v1/openai/v1/chat/completions',
  model: 'gpt-4o-mini',
  status: 'settled',
  charged_msat: 2_417,
  charged_sats: 3,
  max_charge_msat: 9_834_000,
  amount_msat: -2_417,
  usage: { input_tokens: 12, cached_input_tokens: 0, cache_write_tokens: 0, output_tokens: 5, estimated: false },
  ...over,
});

describe('call receipts', () => {
  it('read the charge a JSON answer names, exact to the msat where it is not whole sats', () => {
    const metered = chargeOfHead(head({ chargedSats: 1, chargedMsats: 417, balanceSats: 999 }));
    expect(metered).toEqual({ state: 'charged', sats: 1, msats: 417 });
    expect(chargeText(metered)).toBe('0.417 sats');
    expect(chargeText(chargeOfHead(head({ chargedSats: 30, chargedMsats: 30_000 })))).toBe('30 sats');
    expect(chargeText(chargeOfHead(head({ chargedSats: 30 })))).toBe('30 sats');
  });

  it('hold a stream’s ceiling until its usage record says what it cost', () => {
    const r = receiptOf(head({ streamed: true, contentType: 'text/event-stream', maxChargeSats: 9_834, balanceSats: 100 }), call);
    expect(r?.charge).toEqual({ state: 'held', maxSats: 9_834 });
    expect(chargeText(r?.charge ?? { state: 'none' })).toBe('up to 9,834 sats');
    const settled = withUsage(r as CallReceipt, usage());
    expect(settled.charge).toEqual({ state: 'charged', sats: 3, msats: 2_417 });
    expect(chargeText(settled.charge)).toBe('2.417 sats');
    expect(settled.usage?.output_tokens).toBe(5);
  });

  it('make no receipt for refused, free or anonymous calls', () => {
    expect(receiptOf(head({ status: 402, ok: false, chargedSats: 30 }), call)).toBeNull();
    expect(chargeText(chargeOfHead(head({ status: 402, ok: false })))).toBe('nothing');
    expect(receiptOf(head({}), call)).toBeNull();
    expect(receiptOf(head({ chargedSats: 30, requestId: null }), call)).toBeNull();
    expect(receiptOf(head({ chargedSats: 30 }), { ...call, token: null })).toBeNull();
    expect(receiptOf(head({ chargedSats: 30, balanceSats: 70 }), call)).toMatchObject({ requestId: 'req-1', token: 'abl_t', balanceSats: 70, usage: null });
  });

  it('say token counts, leaving out cache kinds that are zero', () => {
    expect(tokenCountsText({ input_tokens: 1200, cached_input_tokens: 0, cache_write_tokens: 0, output_tokens: 5, estimated: false })).toBe('1,200 input · 5 output tokens');
    expect(tokenCountsText({ input_tokens: 3, cached_input_tokens: 2048, cache_write_tokens: 10, output_tokens: 0, estimated: true })).toBe(
      '3 input · 2,048 cached input · 10 cache-write · 0 output tokens (estimated: the upstream reported none)',
    );
  });

  it('keep the newest first, replace in place, drop the oldest past the limit', () => {
    const r = (id: string, sats = 1): CallReceipt => ({ ...call, requestId: id, charge: { state: 'charged', sats, msats: null }, usage: null, balanceSats: null });
    let list = upsertReceipt([], r('a'), 2);
    list = upsertReceipt(list, r('b'), 2);
    expect(list.map((x) => x.requestId)).toEqual(['b', 'a']);
    list = upsertReceipt(list, r('a', 7), 2);
    expect(list.map((x) => [x.requestId, x.charge])).toEqual([['b', { state: 'charged', sats: 1, msats: null }], ['a', { state: 'charged', sats: 7, msats: null }]]);
    expect(upsertReceipt(list, r('c'), 2).map((x) => x.requestId)).toEqual(['c', 'b']);
  });
});
