// OpenAPI 3.1, generated from the same zod schemas the routes validate with and from the
// catalog's validation rules, so the document cannot drift from the server.
import { z } from 'zod';
import * as api from '../../contract/api.js';
import { fieldTypes, publicPath, PublicCatalogSchema, ruleSchemaKeywords, type Catalog, type Endpoint, type FieldRule } from '../../contract/catalog.js';
import { ErrorBodySchema, PaidRefusalSchema, PaymentRequiredSchema } from '../../contract/error-bodies.js';

type Json = Record<string, unknown>;

/** One operation of the server's own API, described by its schemas. */
export interface OperationSpec {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  path: string;
  summary: string;
  tags: string[];
  auth?: 'none' | 'token' | 'paid' | 'optional-token';
  body?: z.ZodType;
  /** status → schema (null: no body) */
  responses: Record<number, z.ZodType | null>;
  params?: Record<string, string>;
  query?: Record<string, string>;
  /** the 200 answer may also be these (content type → description), with these headers (name → description) */
  alsoAnswers?: Record<string, string>;
  answerHeaders?: Record<string, string>;
}

const schemaOf = (s: z.ZodType, io: 'input' | 'output'): Json => {
  const { $schema: _drop, ...rest } = z.toJSONSchema(s, { io, unrepresentable: 'any' }) as Json;
  return rest;
};

const ERROR_REF = { $ref: '#/components/schemas/Error' };
const PAYMENT_REQUIRED_REF = { $ref: '#/components/schemas/PaymentRequired' };
/** a paid action's 402: the challenge, or (a token or session too short) the error alone */
const PAID_REFUSAL = { anyOf: [PAYMENT_REQUIRED_REF, ERROR_REF] };
const json = (schema: Json) => ({ 'application/json': { schema } });

/** Schemas shown once under components and referred to everywhere else. */
const COMPONENT_REFS = new Map<z.ZodType, Json>([
  [ErrorBodySchema, ERROR_REF],
  [PaymentRequiredSchema, PAYMENT_REQUIRED_REF],
  [PaidRefusalSchema, PAID_REFUSAL],
]);
const responseSchema = (s: z.ZodType): Json => COMPONENT_REFS.get(s) ?? schemaOf(s, 'output');

/** The 402's challenges for one invoice: LSAT, L402 and Payment lines (ABL_CHALLENGE_ORDER), and x402's header. */
const CHALLENGE_HEADERS: Json = {
  'WWW-Authenticate': {
    description:
      'LSAT and L402 macaroon="…", invoice="…"; Payment id, realm, method="lightning", intent="charge", request, expires; on proxied endpoints also, just before the charge line, Payment … intent="session" (request: amount, currency "sat", unitType, depositInvoice = the same invoice, paymentHash, depositAmount, idleTimeout)',
    schema: { type: 'string' },
  },
  'Cache-Control': { description: 'no-store: a 402 is never cached', schema: { type: 'string' } },
  'PAYMENT-REQUIRED': { description: 'x402 v2: base64 JSON whose accepts[] has a Lightning exact entry with extra.invoice', schema: { type: 'string' } },
};
/** A paid answer's receipt, by the door it was paid through. */
const RAIL_RECEIPT_HEADERS: Json = {
  'Payment-Receipt': { description: 'MPP: base64url JSON {challengeId, method, reference (payment hash; for a session, the session id), status, timestamp}', schema: { type: 'string' } },
  'PAYMENT-RESPONSE': { description: 'x402: base64 JSON {success, transaction (the invoice), network, payer, extra: {invoice, paymentHash, settledAt}}', schema: { type: 'string' } },
};

function securityOf(auth: OperationSpec['auth']): Json[] | undefined {
  if (auth === 'token') return [{ token: [] }, { bearer: [] }];
  if (auth === 'paid') return [{ token: [] }, { bearer: [] }, { l402: [] }, { mpp: [] }, { x402: [] }];
  if (auth === 'optional-token') return [{}, { token: [] }, { bearer: [] }];
  return undefined;
}

function operation(spec: OperationSpec): Json {
  const parameters = [
    ...Object.entries(spec.params ?? {}).map(([name, description]) => ({ name, in: 'path', required: true, description, schema: { type: 'string' } })),
    ...Object.entries(spec.query ?? {}).map(([name, description]) => ({ name, in: 'query', required: false, description, schema: { type: 'string' } })),
  ];
  const responses: Json = {};
  for (const [status, schema] of Object.entries(spec.responses)) {
    const ok = Number(status) < 300;
    const also = ok ? Object.fromEntries(Object.entries(spec.alsoAnswers ?? {}).map(([type, description]) => [type, { schema: { type: 'string' }, description }])) : {};
    const headers = ok && spec.answerHeaders ? { headers: Object.fromEntries(Object.entries(spec.answerHeaders).map(([name, description]) => [name, { description, schema: { type: 'string' } }])) } : {};
    const content = { ...(schema ? json(responseSchema(schema)) : {}), ...also };
    responses[status] = { description: ok ? 'success' : 'see the error code', ...(Object.keys(content).length ? { content } : {}), ...headers };
  }
  responses.default = { description: 'error', content: json(ERROR_REF) };
  const security = securityOf(spec.auth);
  return {
    summary: spec.summary,
    tags: spec.tags,
    ...(parameters.length ? { parameters } : {}),
    ...(spec.body ? { requestBody: { required: true, content: json(schemaOf(spec.body, 'input')) } } : {}),
    responses,
    ...(security ? { security } : {}),
  };
}

const RANGE_QUERY = { from: 'Unix seconds, included', to: 'Unix seconds, included' };

export function coreOperations(c: Catalog): OperationSpec[] {
  return [
    { method: 'get', path: '/api/v1/health', summary: 'Health', tags: ['meta'], responses: { 200: api.HealthSchema } },
    { method: 'get', path: '/api/v1/catalog', summary: 'The catalog: APIs, endpoints, prices, examples', tags: ['meta'], responses: { 200: PublicCatalogSchema } },
    {
      method: 'post', path: '/api/v1/topup', summary: 'Create a top-up invoice (send X-Token to refill that token)', tags: ['top-up'], auth: 'optional-token',
      body: api.topupRequestSchema(c.topup.min_sats, c.topup.max_sats), responses: { 201: api.TopupCreatedSchema },
    },
    { method: 'post', path: '/api/v1/topup/claim', summary: 'Claim a paid top-up: with its preimage, or a new token with payment_hash + claim_secret', tags: ['top-up'], auth: 'optional-token', body: api.ClaimRequestSchema, responses: { 200: api.ClaimResponseSchema, 409: ErrorBodySchema } },
    { method: 'get', path: '/api/v1/topup/{payment_hash}', summary: 'Status of a top-up invoice', tags: ['top-up'], params: { payment_hash: '64 hex' }, responses: { 200: api.TopupStatusSchema } },
    { method: 'get', path: '/api/v1/balance', summary: 'Balance of the token', tags: ['top-up'], auth: 'token', responses: { 200: api.BalanceSchema } },
    {
      method: 'get', path: '/api/v1/usage', summary: 'The token\'s history, newest first: calls, top-ups, fees, escrow, payouts, with the balance after each', tags: ['usage'], auth: 'token',
      query: { ...RANGE_QUERY, limit: 'rows per page, 1–500 (50); a CSV export without it is the whole history', cursor: 'the previous page\'s next_cursor (CSV: its X-Next-Cursor)', format: 'json (the default) or csv (also chosen by Accept: text/csv)' },
      alsoAnswers: { 'text/csv': 'format=csv: created_at,kind,amount_msat,balance_after_msat,request_id,api,endpoint,model,charged_msat,status,ref' },
      answerHeaders: { 'X-Next-Cursor': 'CSV with a limit: the cursor of the next page, when there is one' },
      responses: { 200: api.UsagePageSchema, 400: ErrorBodySchema },
    },
    { method: 'get', path: '/api/v1/usage/daily', summary: 'Spent and credited per UTC day, settled calls per API', tags: ['usage'], auth: 'token', query: RANGE_QUERY, responses: { 200: api.DailyUsageSchema, 400: ErrorBodySchema } },
    {
      method: 'post', path: '/api/v1/webhooks/phoenixd', summary: 'phoenixd\'s payment_received webhook (X-Phoenix-Signature: HMAC-SHA256 of the body with PHOENIXD_WEBHOOK_SECRET); credits the paid top-up', tags: ['lightning'],
      responses: { 200: null, 401: ErrorBodySchema },
    },
    {
      method: 'get', path: '/metrics', summary: 'Prometheus metrics: requests and latency, 402 challenges, charges, wallet errors', tags: ['meta'],
      alsoAnswers: { 'text/plain': 'the Prometheus text format' },
      responses: { 200: null },
    },
    { method: 'post', path: '/api/v1/tokens', summary: 'Make a child token for an agent: amount_sats moved from this token, optional expires_at, max_sats_per_day, apis', tags: ['tokens'], auth: 'token', body: api.CreateChildTokenSchema, responses: { 201: api.ChildTokenCreatedSchema, 402: ErrorBodySchema, 403: ErrorBodySchema } },
    { method: 'get', path: '/api/v1/balance/alert', summary: 'This token\'s low-balance threshold (below_sats null: none set)', tags: ['tokens'], auth: 'token', responses: { 200: api.BalanceAlertSchema } },
    { method: 'put', path: '/api/v1/balance/alert', summary: 'A low-balance threshold for this token: paid answers below it carry X-Balance-Low: true (null clears it)', tags: ['tokens'], auth: 'token', body: api.BalanceAlertSchema, responses: { 200: api.BalanceAlertSchema } },
    { method: 'get', path: '/api/v1/tokens', summary: 'This token\'s child tokens', tags: ['tokens'], auth: 'token', responses: { 200: api.ChildTokenListSchema } },
    { method: 'delete', path: '/api/v1/tokens/{id}', summary: 'Revoke a child token; what it has left comes back', tags: ['tokens'], auth: 'token', params: { id: 'the child token\'s id' }, responses: { 200: api.ChildTokenRevokedSchema, 404: ErrorBodySchema, 409: ErrorBodySchema } },
    { method: 'get', path: '/api/v1/usage/{request_id}', summary: 'One paid call\'s charge and token counts (a metered stream\'s receipt), for the token or L402 credential that paid it', tags: ['usage'], auth: 'token', params: { request_id: 'the answer\'s X-Request-Id' }, responses: { 200: api.CallUsageSchema, 404: ErrorBodySchema } },
  ];
}

/** JSON Schema of one field rule (multipart files become binary strings). */
function fieldSchema(rule: FieldRule, multipart: boolean): Json {
  const types = fieldTypes(rule).map((t) => (t === 'file' ? 'string' : t));
  const s: Json = { type: types.length === 1 ? types[0] : types };
  if (fieldTypes(rule).includes('file')) s.format = 'binary';
  if (multipart && !fieldTypes(rule).includes('file')) s.type = 'string';
  Object.assign(s, ruleSchemaKeywords(rule));
  if (rule.item_types && !multipart) {
    const named = rule.item_types.filter((t): t is string => t !== null);
    const untyped = rule.item_types.includes(null);
    s.items = { type: 'object', properties: { type: { enum: untyped ? [...named, null] : named } }, ...(untyped ? {} : { required: ['type'] }) };
  }
  if (rule.description) s.description = rule.description;
  return s;
}

function proxyOperation(apiName: string, ep: Endpoint): Json {
  const multipart = ep.content_type === 'multipart';
  const properties: Json = {};
  for (const [name, rule] of Object.entries(ep.validation.fields)) properties[name] = fieldSchema(rule, multipart);
  if ('models' in ep.price) properties[ep.price.model_field] = { type: 'string', enum: Object.keys(ep.price.models) };
  // the rules are an allow-list: other fields are refused (a JSON null counts as absent)
  const others = ep.validation.other_fields === 'pass' ? true : multipart ? false : { type: 'null' };
  const body = { type: 'object', properties, required: ep.validation.required, additionalProperties: others };
  const free = 'sats' in ep.price && ep.price.sats === 0;
  const price = 'models' in ep.price ? `per model: ${Object.entries(ep.price.models).map(([m, p]) => `${m} ${p} sats`).join(', ')}` : `${ep.price.sats} sats`;
  const okContent: Json = ep.response === 'binary' ? { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } } : json({ type: 'object' });
  if (ep.streaming) {
    okContent['text/event-stream'] = {
      schema: { type: 'string' },
      description: 'paid from an MPP session that cannot hold the ceiling: event: payment-need-topup {sessionId, balanceSpent, balanceRequired} where its money ends (the stream goes on after a topUp), event: session-timeout (same data) when none comes in time',
    };
  }
  return {
    summary: ep.title,
    description: `${ep.description}\n\nPrice: ${free ? 'free' : price}. Forwarded to the ${apiName} upstream.`.trim(),
    tags: [apiName],
    ...(ep.content_type === 'none' ? {} : { requestBody: { required: true, content: { [multipart ? 'multipart/form-data' : 'application/json']: { schema: body } } } }),
    responses: {
      200: { description: 'the upstream answer, passed through', content: okContent, headers: { 'X-Charged-Sats': { schema: { type: 'integer' } }, 'X-Balance-Sats': { schema: { type: 'integer' } }, ...RAIL_RECEIPT_HEADERS } },
      ...(free ? {} : { 402: { description: 'payment required (one invoice offered as L402, MPP and x402) or insufficient balance', content: json(PAID_REFUSAL), headers: CHALLENGE_HEADERS } }),
      default: { description: 'error', content: json(ERROR_REF) },
    },
    ...(free ? {} : { security: securityOf('paid') }),
  };
}

export function buildOpenApi(opts: { catalog: Catalog; version: string; operations: OperationSpec[] }): Json {
  const paths: Record<string, Json> = {};
  const add = (path: string, method: string, op: Json) => {
    paths[path] = { ...(paths[path] ?? {}), [method]: op };
  };
  for (const spec of opts.operations) add(spec.path, spec.method, operation(spec));
  for (const a of opts.catalog.apis) for (const ep of a.endpoints) add(publicPath(a.name, ep.path), ep.method.toLowerCase(), proxyOperation(a.name, ep));
  return {
    openapi: '3.1.0',
    info: {
      title: 'alittlebitofmoney',
      version: opts.version,
      description: 'An API proxy paid with Bitcoin Lightning: per request (L402, MPP or x402, one invoice) or from a prepaid abl_ token.',
    },
    paths,
    components: {
      schemas: { Error: schemaOf(ErrorBodySchema, 'output'), PaymentRequired: schemaOf(PaymentRequiredSchema, 'output') },
      securitySchemes: {
        token: { type: 'apiKey', in: 'header', name: 'X-Token', description: 'prepaid token abl_…' },
        bearer: { type: 'http', scheme: 'bearer', description: 'the same prepaid token as a bearer token (OpenAI SDKs)' },
        l402: { type: 'apiKey', in: 'header', name: 'Authorization', description: 'L402 <macaroon>:<preimage> (also LSAT), from a 402 challenge' },
        mpp: {
          type: 'http',
          scheme: 'Payment',
          description:
            'MPP (HTTP Payment scheme, Lightning charge): Payment <base64url credential echoing the challenge, with the preimage>. Lightning session: payload {action: open|bearer|topUp|close, …}; on a proxied endpoint open pays the request from the new session, topUp and close answer {status: ok|closed, …} and call nothing upstream',
        },
        x402: { type: 'apiKey', in: 'header', name: 'PAYMENT-SIGNATURE', description: 'x402 v2, Lightning exact: base64 JSON naming the paid invoice and the accepted requirements' },
      },
    },
  };
}
