// The endpoint's refusals, sent without credentials so that a request the proxy failed to refuse
// would show up as a 402 challenge: the e2e invalid case must answer its expect_error keyword, the
// example without its required field missing_required_field naming the field; no invoice either way.
import type { PublicEndpoint } from '../../contract/catalog.js';
import { callEndpoint, endpointLabel, type SuiteContext } from './context.js';
import { ensureErrorKeyword, ensureNoInvoice } from './expect.js';
import { examplePayload, invalidPayload, withoutField } from './payload.js';

export async function checkInvalidCase(ctx: SuiteContext, ep: PublicEndpoint): Promise<void> {
  const label = endpointLabel(ep);
  const e2e = ep.example?.e2e;
  const payload = ep.example ? invalidPayload(ep.example) : null;
  if (!e2e || !payload) return ctx.recorder.skip(label, 'invalid', 'invalid case', 'the catalog example has no e2e invalid case');
  await ctx.recorder.run(label, 'invalid', 'invalid case', async () => {
    const res = await callEndpoint(ctx, ep, payload);
    const seen = ensureErrorKeyword(res, { status: 400, code: e2e.expect_error, strict: ctx.strictKeywords });
    ensureNoInvoice(res);
    return `${seen}, no invoice`;
  });
}

export async function checkRequiredField(ctx: SuiteContext, ep: PublicEndpoint): Promise<void> {
  const label = endpointLabel(ep);
  const field = ep.example?.e2e?.required_field;
  if (!ep.example || field === undefined) return ctx.recorder.skip(label, 'required', 'required field', 'the catalog example names no required_field');
  const payload = withoutField(examplePayload(ep.example), field);
  await ctx.recorder.run(label, 'required', `without ${field}`, async () => {
    const res = await callEndpoint(ctx, ep, payload);
    const seen = ensureErrorKeyword(res, { status: 400, code: 'missing_required_field', field, strict: ctx.strictKeywords });
    ensureNoInvoice(res);
    return `${seen}, no invoice`;
  });
}
