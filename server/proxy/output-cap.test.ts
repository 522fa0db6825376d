import { describe, expect, it } from 'vitest';
import { Endpoint } from '../../contract/catalog.js';
import { withFlatOutputCap } from './output-cap.js';

const endpoint = (fields: Record<string, unknown>): Endpoint =>
  Endpoint.parse({ method: 'POST', path: '/v1/chat/completions', title: 'chat', price: { sats: 30 }, validation: { fields } });
const raw = (body: unknown) => Buffer.from(JSON.stringify(body));

describe('withFlatOutputCap', () => {
  it('sends the validation maximum when the body names no output limit', () => {
    const ep = endpoint({ max_tokens: { type: 'integer', min: 1, max: 4096 } });
    expect(JSON.parse(withFlatOutputCap(ep, { model: 'm' }, raw({ model: 'm' })).toString())).toEqual({ max_tokens: 4096, model: 'm' });
  });

  it('leaves a body that names its own limit, or an endpoint without a maximum, untouched', () => {
    const ep = endpoint({ max_tokens: { type: 'integer', max: 4096 }, max_completion_tokens: { type: 'integer', max: 4096 } });
    const own = raw({ model: 'm', max_completion_tokens: 10 });
    expect(withFlatOutputCap(ep, { model: 'm', max_completion_tokens: 10 }, own)).toBe(own);
    const open = raw({ model: 'm' });
    expect(withFlatOutputCap(endpoint({ max_tokens: { type: 'integer' } }), { model: 'm' }, open)).toBe(open);
  });
});
