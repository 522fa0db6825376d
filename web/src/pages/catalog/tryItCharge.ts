// The "Charged" fact of a "Try it" answer as it changes: the ceiling while a stream runs and
// while its usage is read, then the actual charge. Pure, so it is tested.
import type { ProxyHead } from '../../api/proxyResult';
import { chargeOfHead, chargeText, type CallReceipt } from '../../lib/callReceipt';

export type ChargePhase = 'receiving' | 'reading' | 'failed' | 'done';

export function chargedFact(head: ProxyHead, receipt: CallReceipt | null, phase: ChargePhase): string {
  const charge = receipt?.charge ?? chargeOfHead(head);
  const text = chargeText(charge);
  if (charge.state !== 'held') return text;
  switch (phase) {
    case 'receiving':
      return `${text} (streaming…)`;
    case 'reading':
      return `${text} (reading the actual charge…)`;
    case 'failed':
      return `${text} (the actual charge could not be read yet)`;
    case 'done':
      return text;
  }
}

export function chargePhase(sending: boolean, readStatus: 'idle' | 'reading' | 'failed'): ChargePhase {
  if (sending) return 'receiving';
  return readStatus === 'idle' ? 'done' : readStatus;
}
