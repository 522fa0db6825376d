// The happy path paid from the prepaid token: X-Charged-Sats is the catalog price of the request's
// model and X-Balance-Sats drops by it; a free endpoint charges nothing. Streaming-capable endpoints
// run once more with "stream": true (see stream.ts).
import type { PublicEndpoint } from '../../contract/catalog.js';
import { endpointLabel, type SuiteContext } from './context.js';
import { ensureServed } from './expect.js';
import { examplePayload } from './payload.js';
import { isFree } from './price.js';
import { checkStream } from './stream.js';
import { tokenCall } from './token-call.js';

export async function checkTokenPath(ctx: SuiteContext, ep: PublicEndpoint): Promise<void> {
  const label = endpointLabel(ep);
  const example = ep.example;
  if (!example) return ctx.recorder.skip(label, 'token', 'token', 'the catalog has no example for this endpoint');
  if (example.e2e?.skip_happy_path) return ctx.recorder.skip(label, 'token', 'token', 'skip_happy_path is set in the catalog example');
  const wallet = ctx.wallet;
  if (!wallet) return ctx.recorder.skip(label, 'token', 'token', 'no prepaid token (see the top-up check)');

  await ctx.recorder.run(label, 'token', isFree(ep) ? 'token (free endpoint)' : 'token', async () => {
    const { res, charge } = await tokenCall(ctx, wallet, ep, examplePayload(example));
    return `${res.status} ${ensureServed(ep, res)}; ${charge}`;
  });
  if (ep.streaming) await checkStream(ctx, wallet, ep, example);
}
