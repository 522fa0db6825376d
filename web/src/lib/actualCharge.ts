// A metered stream's actual charge, read after it ended: its usage record, then the balance that
// the settle left (the balance sent with the stream still had the ceiling taken off).
import type { ApiClient } from '../api/client';
import { readSettledUsage, type Wait } from '../api/settledUsage';
import { withUsage, type CallReceipt } from './callReceipt';

export async function readActualCharge(
  client: Pick<ApiClient, 'getCallUsage' | 'getBalance'>,
  r: CallReceipt,
  opts: { signal?: AbortSignal; wait?: Wait } = {},
): Promise<CallReceipt> {
  const usage = await readSettledUsage((signal) => client.getCallUsage(r.token, r.requestId, signal), opts);
  const settled = withUsage(r, usage);
  try {
    return { ...settled, balanceSats: (await client.getBalance(r.token, opts.signal)).balance_sats };
  } catch (e) {
    if (opts.signal?.aborted) throw e;
    // the charge is what matters here; a stale balance would mislead, so none is shown
    return { ...settled, balanceSats: null };
  }
}
