// The streaming run of a streaming-capable endpoint: the example with "stream": true, paid by the
// token, must answer text/event-stream with at least one `data:` event. The catalog does not say
// which models stream; when the example's model answers without streaming (OpenAI ignores
// "stream" for whisper-1), the run is repeated once with the cheapest other priced model.
import type { Example, PublicEndpoint } from '../../contract/catalog.js';
import { endpointLabel, type SuiteContext, type TokenWallet } from './context.js';
import { ensureServed, is2xx } from './expect.js';
import { examplePayload, fieldOf, withField, withStream } from './payload.js';
import { cheapestOtherModel, modelField } from './price.js';
import { tokenCall } from './token-call.js';

export async function checkStream(ctx: SuiteContext, wallet: TokenWallet, ep: PublicEndpoint, example: Example): Promise<void> {
  await ctx.recorder.run(endpointLabel(ep), 'token', 'token, "stream": true', async () => {
    const field = modelField(ep);
    let payload = withStream(examplePayload(example));
    let attempt = await tokenCall(ctx, wallet, ep, payload);
    let note = '';
    const other = cheapestOtherModel(ep, fieldOf(payload, field));
    const answeredPlain = is2xx(attempt.res.status) && /json/i.test(attempt.res.contentType);
    if (answeredPlain && other !== undefined) {
      ensureServed(ep, attempt.res); // the non-streamed answer is still a valid, paid answer
      note = ` (${fieldOf(payload, field) ?? 'the default model'} answered without streaming, ${attempt.charge}; streamed with ${other})`;
      payload = withField(payload, field, other);
      attempt = await tokenCall(ctx, wallet, ep, payload);
    }
    const events = ensureServed(ep, attempt.res, { stream: true });
    return `${attempt.res.status} ${events}; ${attempt.charge}${note}`;
  });
}
