import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { parseCatalog } from '../catalog.js';
import { buildOpenApi, coreOperations } from './openapi.js';
import { hireOperations } from './routes/hire-openapi.js';

const catalog = parseCatalog(readFileSync('config.yaml', 'utf8'));
const doc = buildOpenApi({ catalog, version: '1.2.3', operations: [...coreOperations(catalog), ...hireOperations(catalog.hire.max_price_sats)] }) as any;

describe('the OpenAPI document', () => {
  it('is OpenAPI 3.1 with every catalog endpoint and the core routes', () => {
    expect(doc.openapi).toBe('3.1.0');
    for (const a of catalog.apis) for (const ep of a.endpoints) expect(doc.paths[`/api/v1/${a.name}${ep.path}`]?.[ep.method.toLowerCase()], ep.path).toBeDefined();
    for (const p of ['/api/v1/topup', '/api/v1/topup/claim', '/api/v1/topup/{payment_hash}', '/api/v1/balance', '/api/v1/health', '/api/v1/webhooks/phoenixd', '/metrics']) expect(doc.paths[p]).toBeDefined();
  });

  it('names the usage history\'s parameters, its CSV answer and the header that pages it', () => {
    const usage = doc.paths['/api/v1/usage'].get;
    expect(usage.parameters.map((p: { name: string }) => p.name).sort()).toEqual(['cursor', 'format', 'from', 'limit', 'to']);
    expect(Object.keys(usage.responses['200'].content)).toEqual(['application/json', 'text/csv']);
    expect(usage.responses['200'].headers['X-Next-Cursor']).toBeDefined();
    expect(doc.paths['/api/v1/usage/daily'].get.parameters.map((p: { name: string }) => p.name)).toEqual(['from', 'to']);
  });

  it('takes the top-up bounds and the priced models from the same sources the server validates with', () => {
    const topup = doc.paths['/api/v1/topup'].post.requestBody.content['application/json'].schema;
    expect(topup.properties.amount_sats).toMatchObject({ type: 'integer', minimum: catalog.topup.min_sats, maximum: catalog.topup.max_sats });
    expect(topup.required).toEqual(['amount_sats']);
    const chat = doc.paths['/api/v1/openai/v1/chat/completions'].post;
    expect(chat.requestBody.content['application/json'].schema.properties.model.enum).toContain('gpt-4o-mini');
    expect(chat.responses['402'].content['application/json'].schema).toEqual({ anyOf: [{ $ref: '#/components/schemas/PaymentRequired' }, { $ref: '#/components/schemas/Error' }] });
    const transcribe = doc.paths['/api/v1/openai/v1/audio/transcriptions'].post.requestBody.content['multipart/form-data'].schema;
    expect(transcribe.properties.file).toMatchObject({ type: 'string', format: 'binary' });
    expect(doc.paths['/api/v1/openai/v1/models'].get.responses['402']).toBeUndefined();
  });

  it("a paid action's 402 is described as the challenge or, for a token or session too short, the error alone", () => {
    const ajv = new Ajv2020({ strict: false });
    ajv.addSchema(doc, 'openapi');
    const challenge = { error: { code: 'payment_required', message: 'pay' }, invoice: 'lnbcrt1', payment_hash: 'ab'.repeat(32), amount_sats: 30, macaroon: 'AgE=', expires_at: 1 };
    const short = { error: { code: 'insufficient_balance', message: 'short', balance_sats: 1, price_sats: 30, held_sats: 2 } };
    for (const path of ['/api/v1/openai/v1/chat/completions', '/api/v1/ai-for-hire/tasks']) {
      const valid = ajv.compile({ $ref: `openapi#/paths/${path.replaceAll('/', '~1')}/post/responses/402/content/application~1json/schema` });
      for (const body of [challenge, short, { ...challenge, token: 'abl_x' }]) expect(valid(body), `${path} ${JSON.stringify(valid.errors)}`).toBe(true);
      expect(valid({ error: { code: 'insufficient_balance', message: 'short' }, invoice: 'lnbcrt1' })).toBe(false);
    }
  });

  it('describes the three doors of a 402 and their receipts', () => {
    const chat = doc.paths['/api/v1/openai/v1/chat/completions'].post;
    expect(Object.keys(chat.responses['402'].headers)).toEqual(['WWW-Authenticate', 'Cache-Control', 'PAYMENT-REQUIRED']);
    expect(chat.responses['402'].headers['WWW-Authenticate'].description).toContain('intent="session"');
    expect(chat.responses['200'].content['text/event-stream'].description).toContain('payment-need-topup');
    expect(Object.keys(chat.responses['200'].headers)).toEqual(expect.arrayContaining(['Payment-Receipt', 'PAYMENT-RESPONSE']));
    expect(chat.security).toEqual(expect.arrayContaining([{ l402: [] }, { mpp: [] }, { x402: [] }]));
    expect(doc.components.securitySchemes.x402).toMatchObject({ in: 'header', name: 'PAYMENT-SIGNATURE' });
    expect(doc.components.securitySchemes.mpp).toMatchObject({ type: 'http', scheme: 'Payment' });
  });

  it('describes the AI for Hire bodies with their limits', () => {
    const post = doc.paths['/api/v1/ai-for-hire/tasks'].post.requestBody.content['application/json'].schema;
    expect(post.properties.title).toMatchObject({ type: 'string', minLength: 1, maxLength: 200 });
    expect(post.required).toEqual(['title', 'description']);
    const quote = doc.paths['/api/v1/ai-for-hire/tasks/{id}/quotes'].post.requestBody.content['application/json'].schema;
    expect(quote.properties.price_sats).toMatchObject({ type: 'integer', minimum: 1, maximum: catalog.hire.max_price_sats });
    expect(doc.paths['/api/v1/ai-for-hire/collect'].post).toBeDefined();
  });

  it('describes the answers with the strict response schemas of contract/', () => {
    const ok = (path: string, method: string, status = 200) => doc.paths[path][method].responses[status].content['application/json'].schema;
    const task = ok('/api/v1/ai-for-hire/tasks/{id}', 'get');
    expect(task.additionalProperties).toBe(false);
    expect(task.properties.status.enum).toContain('revision_requested');
    expect(task.required).toEqual(expect.arrayContaining(['id', 'status', 'quote_count', 'quotes']));
    expect(task.required).not.toContain('role');
    expect(ok('/api/v1/ai-for-hire/tasks', 'post', 201).properties.token).toBeDefined();
    expect(ok('/api/v1/catalog', 'get').properties.apis.items.properties.endpoints.items.additionalProperties).toBe(false);
    expect(ok('/api/v1/balance', 'get')).toMatchObject({ additionalProperties: false, required: ['balance_sats', 'balance_msat'] });
    expect(doc.paths['/api/v1/ai-for-hire/tasks'].post.responses['402'].content['application/json'].schema.anyOf[0].$ref).toBe('#/components/schemas/PaymentRequired');
    expect(doc.components.schemas.Error.properties.error.properties.code.enum).toContain('invalid_state');
  });
});
