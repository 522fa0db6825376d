import { describe, expect, it } from 'vitest';
import type { ProxyHead } from '../../api/proxyResult';
import type { CallReceipt } from '../../lib/callReceipt';
import { chargedFact, chargePhase } from './tryItCharge';

const streamHead: ProxyHead = {
  status: 200,
  ok: true,
  contentType: 'text/event-stream',
  streamed: true,
  requestId: 'r1',
  chargedSats: null,
  chargedMsats: null,
  maxChargeSats: 10,
  balanceSats: 1_224,
};
const held: CallReceipt = { requestId: 'r1', token: 'abl_t', endpointTitle: 'Chat', model: 'gpt-4o-mini', at: 1, charge: { state: 'held', maxSats: 10 }, usage: null, balanceSats: 1_224 };

describe('the charged fact of a try-it answer', () => {
  it('shows a stream’s ceiling while it runs and while its usage is read, then the actual charge', () => {
    expect(chargedFact(streamHead, held, chargePhase(true, 'idle'))).toBe('up to 10 sats (streaming…)');
    expect(chargedFact(streamHead, held, chargePhase(false, 'reading'))).toBe('up to 10 sats (reading the actual charge…)');
    expect(chargedFact(streamHead, held, chargePhase(false, 'failed'))).toBe('up to 10 sats (the actual charge could not be read yet)');
    const settled: CallReceipt = { ...held, charge: { state: 'charged', sats: 1, msats: 417 } };
    expect(chargedFact(streamHead, settled, chargePhase(false, 'idle'))).toBe('0.417 sats');
  });

  it('shows a JSON answer’s charge from its headers, and nothing for a refused call', () => {
    const json: ProxyHead = { ...streamHead, contentType: 'application/json', streamed: false, maxChargeSats: null, chargedSats: 30, chargedMsats: 30_000 };
    expect(chargedFact(json, null, 'done')).toBe('30 sats');
    expect(chargedFact({ ...json, status: 402, ok: false }, null, 'done')).toBe('nothing');
  });
});
