// The catalog schema: the only description of config.yaml. The server validates the
// file with it at start-up, the proxy validates requests with its rules, the web app and
// the e2e suite read the public projection served at GET /api/v1/catalog.
import { z } from 'zod';
import { ERROR_STATUS } from './errors.js';
import type { PublicMeteredPrice } from './metered-price.js';

export { meteredCallSats, modelCallSats, type PublicMeteredPrice } from './metered-price.js';

const sats = z.number('a whole number of sats').int('a whole number of sats').min(0, 'a whole number of sats, 0 or more').max(2_100_000_000_000_000);
const positiveSats = z.number('a whole number of sats, 1 or more').int('a whole number of sats, 1 or more').min(1, 'a whole number of sats, 1 or more').max(2_100_000_000_000_000);
const seconds = z.number().int().min(1);

/** How a request body travels, and what an upstream answers (JSON, or bytes such as audio). */
const ContentType = z.enum(['json', 'multipart', 'none']);
const ResponseKind = z.enum(['json', 'binary']);

export const FieldType = z.enum(['string', 'integer', 'number', 'boolean', 'array', 'object', 'file']);
export type FieldType = z.infer<typeof FieldType>;

/** One rule for one request field (JSON body key or multipart field). */
export const FieldRule = z
  .object({
    /** one type, or a list when the upstream takes several (OpenAI's `input`: string or array) */
    type: z.union([FieldType, z.array(FieldType).min(1)]),
    enum: z.array(z.union([z.string(), z.number(), z.boolean()])).min(1).optional(),
    min: z.number().optional(),
    max: z.number().optional(),
    min_length: z.number().int().min(0).optional(),
    max_length: z.number().int().min(0).optional(),
    min_items: z.number().int().min(0).optional(),
    max_items: z.number().int().min(0).optional(),
    /**
     * an array of objects whose `type` must be one of these (null admits an item without a
     * `type`): the tool types a price covers, e.g. [function] refuses OpenAI's hosted tools
     */
    item_types: z.array(z.string().nullable()).min(1).optional(),
    description: z.string().optional(),
  })
  .strict();
export type FieldRule = z.infer<typeof FieldRule>;

/** The accepted types of a rule, always as a list. */
export function fieldTypes(rule: FieldRule): FieldType[] {
  return Array.isArray(rule.type) ? rule.type : [rule.type];
}

/** A rule's enum and bounds as JSON Schema keywords (for the OpenAPI document and the MCP tools). */
export function ruleSchemaKeywords(rule: FieldRule): Record<string, unknown> {
  const s: Record<string, unknown> = {};
  if (rule.enum) s.enum = rule.enum;
  if (rule.min !== undefined) s.minimum = rule.min;
  if (rule.max !== undefined) s.maximum = rule.max;
  if (rule.min_length !== undefined) s.minLength = rule.min_length;
  if (rule.max_length !== undefined) s.maxLength = rule.max_length;
  if (rule.min_items !== undefined) s.minItems = rule.min_items;
  if (rule.max_items !== undefined) s.maxItems = rule.max_items;
  return s;
}

export const Validation = z
  .object({
    required: z.array(z.string()).default([]),
    fields: z.record(z.string(), FieldRule).default({}),
    /**
     * a body field without a rule in `fields` (and not the model field): `refuse` answers 400
     * invalid_field_value naming it, before any invoice (the rules are an allow-list: a new
     * upstream parameter may cost more than the price covers); `pass` forwards it untouched
     */
    other_fields: z.enum(['refuse', 'pass']).default('refuse'),
    /** query parameters that pass; any other is refused with 400 invalid_field_value, field "query" */
    query: z.array(z.string()).default([]),
  })
  .strict();
export type Validation = z.infer<typeof Validation>;
const NO_VALIDATION: Validation = { required: [], fields: {}, other_fields: 'refuse', query: [] };

/** Where a metered call's token counts are read from: the upstream's answer format. */
export const USAGE_SHAPES = ['openai-chat', 'openai-responses', 'openai-embeddings', 'anthropic-messages'] as const;
export const UsageShape = z.enum(USAGE_SHAPES);
export type UsageShape = z.infer<typeof UsageShape>;

// sats per million tokens, exact to the millisat per million (at most three decimals)
const satsPerMtok = z
  .number()
  .min(0)
  .max(1_000_000_000)
  .refine((n) => Number.isInteger(Math.round(n * 1000)) && Math.abs(n * 1000 - Math.round(n * 1000)) < 1e-6, 'at most three decimals');

/** A metered model: sats per million tokens of each kind the upstream reports, plus a fee per call. */
export const MeteredModelPrice = z
  .object({
    call_sats: sats.default(0),
    input_sats_per_mtok: satsPerMtok,
    /** defaults to the input price */
    cached_input_sats_per_mtok: satsPerMtok.optional(),
    /** defaults to the input price */
    cache_write_sats_per_mtok: satsPerMtok.optional(),
    output_sats_per_mtok: satsPerMtok.default(0),
    /** the most output a request may ask for, and what is reserved when it names no limit */
    max_output_tokens: z.number().int().min(0).max(10_000_000),
    /** requests whose input may exceed this many tokens are refused before any charge */
    max_input_tokens: z.number().int().min(1).max(100_000_000).optional(),
  })
  .strict();
export type MeteredModelPrice = z.infer<typeof MeteredModelPrice>;

export const ModelPrice = z.union([positiveSats, MeteredModelPrice]);
export type ModelPrice = z.infer<typeof ModelPrice>;

export const isMetered = (p: ModelPrice): p is MeteredModelPrice => typeof p === 'object';

/** Endpoint price: one price, or one per model (the model named by `model_field`), flat or metered. */
export const Price = z.union([
  z.object({ sats: sats }).strict(),
  z
    .object({
      models: z.record(z.string(), ModelPrice).refine((m) => Object.keys(m).length > 0, 'at least one model'),
      model_field: z.string().default('model'),
      /** the model the upstream uses when the request names none; unset: the model field is required */
      default_model: z.string().optional(),
      /** the answer format metered models read their token counts from */
      usage: UsageShape.optional(),
    })
    .strict()
    .refine((p) => p.default_model === undefined || p.default_model in p.models, {
      message: 'default_model must be one of the priced models',
      path: ['default_model'],
    })
    .refine((p) => p.usage !== undefined || !Object.values(p.models).some(isMetered), {
      message: 'metered models need `usage`: the answer format their token counts are read from',
      path: ['usage'],
    }),
]);
export type Price = z.infer<typeof Price>;

/** Example request: drives the web app's code samples and the e2e suite. */
export const Example = z
  .object({
    content_type: ContentType,
    body: z.record(z.string(), z.unknown()).optional(),
    /** multipart fields; a value `@file:<name>.<ext>` stands for a generated file */
    fields: z.record(z.string(), z.string()).optional(),
    e2e: z
      .object({
        required_field: z.string().optional(),
        invalid: z
          .object({
            body: z.record(z.string(), z.unknown()).optional(),
            fields: z.record(z.string(), z.string()).optional(),
          })
          .strict(),
        expect_error: z.string(),
        skip_happy_path: z.boolean().default(false),
      })
      .strict()
      .optional(),
  })
  .strict();
export type Example = z.infer<typeof Example>;

export const Endpoint = z
  .object({
    method: z.enum(['GET', 'POST', 'DELETE']),
    /** upstream path, appended to the upstream origin; the public path is /api/v1/<api><path> */
    path: z.string().regex(/^\/[A-Za-z0-9._~\-/]*$/, 'a path of plain segments starting with /'),
    title: z.string(),
    description: z.string().default(''),
    content_type: ContentType.default('json'),
    /** what the upstream answers: JSON, server-sent events when the body asks to stream, or bytes */
    response: ResponseKind.default('json'),
    streaming: z.boolean().default(false),
    /** overrides the upstream's timeout_seconds for this endpoint (slow image or audio models) */
    timeout_seconds: seconds.optional(),
    /** lowers limits.json_body_bytes / upload_bytes for this endpoint (bounds what a flat price covers); a higher value has no effect */
    max_body_bytes: z.number().int().min(1024).optional(),
    price: Price,
    validation: Validation.default(NO_VALIDATION),
    example: Example.optional(),
  })
  .strict()
  // the example's e2e case drives published samples and the e2e suite: a typo there is a broken test
  .superRefine((ep, ctx) => {
    const e2e = ep.example?.e2e;
    if (!e2e) return;
    if (!Object.hasOwn(ERROR_STATUS, e2e.expect_error)) {
      ctx.addIssue({ code: 'custom', path: ['example', 'e2e', 'expect_error'], message: `"${e2e.expect_error}" is not an error code of the contract` });
    }
    const required = ep.validation.required;
    if (e2e.required_field !== undefined && !required.includes(e2e.required_field)) {
      ctx.addIssue({ code: 'custom', path: ['example', 'e2e', 'required_field'], message: `"${e2e.required_field}" is not in validation.required (${required.join(', ') || 'none'})` });
    }
  });
export type Endpoint = z.infer<typeof Endpoint>;

export const Upstream = z
  .object({
    base_url: z.url(),
    /** environment variable that overrides base_url */
    base_url_env: z.string().optional(),
    auth: z
      .object({
        header: z.string().default('Authorization'),
        /** value prefix, e.g. "Bearer" gives "Bearer <key>"; empty sends the key alone */
        scheme: z.string().default('Bearer'),
        key_env: z.string(),
      })
      .strict(),
    /** extra headers sent upstream on every call, e.g. an API version */
    headers: z.record(z.string(), z.string()).default({}),
    /** upstream response headers never shown to clients, e.g. the operator's organisation id */
    hide_response_headers: z.array(z.string()).default([]),
    /**
     * client headers the upstream itself reads: a header whose lower-case name starts with one
     * of `namespaces` passes only when `allow` names it; any other is refused with 400
     * invalid_field_value naming it (OpenAI-Project would pick which of the operator's projects
     * pays, anthropic-beta turns on features priced differently). Other headers are plain HTTP.
     */
    client_headers: z
      .object({
        namespaces: z.array(z.string().regex(/^[a-z0-9-]+$/, 'a lower-case header name prefix')).default([]),
        allow: z.array(z.string().regex(/^[a-z0-9-]+$/, 'a lower-case header name')).default([]),
      })
      .strict()
      .default({ namespaces: [], allow: [] }),
    timeout_seconds: seconds.default(120),
  })
  .strict();
export type Upstream = z.infer<typeof Upstream>;

export const Api = z
  .object({
    name: z.string().regex(/^[a-z][a-z0-9-]*$/, 'lower-case letters, digits and dashes'),
    title: z.string(),
    description: z.string().default(''),
    upstream: Upstream,
    endpoints: z.array(Endpoint).min(1),
  })
  .strict();
export type Api = z.infer<typeof Api>;

export const Catalog = z
  .object({
    topup: z
      .object({
        min_sats: positiveSats.default(1),
        max_sats: positiveSats.default(1_000_000),
        invoice_expiry_seconds: seconds.default(3600),
      })
      .strict()
      .default({ min_sats: 1, max_sats: 1_000_000, invoice_expiry_seconds: 3600 }),
    limits: z
      .object({
        json_body_bytes: z.number().int().min(1024).default(1_048_576),
        upload_bytes: z.number().int().min(1024).default(26_214_400),
      })
      .strict()
      .default({ json_body_bytes: 1_048_576, upload_bytes: 26_214_400 }),
    l402: z
      .object({ credential_ttl_seconds: seconds.default(3600) })
      .strict()
      .default({ credential_ttl_seconds: 3600 }),
    hire: z
      .object({
        post_task_sats: positiveSats.default(50),
        quote_sats: positiveSats.default(10),
        max_price_sats: positiveSats.default(10_000_000),
        max_revisions: z.number().int().min(0).default(3),
        delivery_deadline_seconds: seconds.default(7 * 24 * 3600),
        review_deadline_seconds: seconds.default(3 * 24 * 3600),
        open_task_ttl_seconds: seconds.default(30 * 24 * 3600),
        /** routing-fee reserve held while a collect pays: ppm of the amount plus a base */
        collect_fee_reserve_ppm: z.number().int().min(0).max(1_000_000).default(5000),
        collect_fee_reserve_base_sats: sats.default(10),
      })
      .strict()
      .default({
        post_task_sats: 50,
        quote_sats: 10,
        max_price_sats: 10_000_000,
        max_revisions: 3,
        delivery_deadline_seconds: 7 * 24 * 3600,
        review_deadline_seconds: 3 * 24 * 3600,
        open_task_ttl_seconds: 30 * 24 * 3600,
        collect_fee_reserve_ppm: 5000,
        collect_fee_reserve_base_sats: 10,
      }),
    apis: z.array(Api).min(1),
  })
  .strict()
  .superRefine((c, ctx) => {
    if (c.topup.min_sats > c.topup.max_sats) {
      ctx.addIssue({ code: 'custom', path: ['topup', 'min_sats'], message: 'min_sats is above max_sats' });
    }
    const names = new Set<string>();
    c.apis.forEach((api, i) => {
      if (names.has(api.name)) ctx.addIssue({ code: 'custom', path: ['apis', i, 'name'], message: `duplicate api "${api.name}"` });
      names.add(api.name);
      const seen = new Set<string>();
      api.endpoints.forEach((ep, j) => {
        const key = `${ep.method} ${ep.path}`;
        if (seen.has(key)) ctx.addIssue({ code: 'custom', path: ['apis', i, 'endpoints', j], message: `duplicate endpoint ${key}` });
        seen.add(key);
        const segments = ep.path.split('/').slice(1);
        if (segments.some((s) => s === '.' || s === '..')) {
          ctx.addIssue({ code: 'custom', path: ['apis', i, 'endpoints', j, 'path'], message: 'dot segments are not allowed' });
        }
        // requests are matched segment by segment as sent; an empty segment could never match
        if (segments.some((s) => s === '')) {
          ctx.addIssue({ code: 'custom', path: ['apis', i, 'endpoints', j, 'path'], message: 'empty segments (// or a trailing /) are not allowed' });
        }
      });
    });
  });
export type Catalog = z.infer<typeof Catalog>;

/** A metered price as the public catalog shows it: every kind resolved (the type lives zod-free in metered-price.ts). */
export const PublicMeteredPriceSchema = z.strictObject({
  call_sats: z.int(),
  input_sats_per_mtok: z.number(),
  cached_input_sats_per_mtok: z.number(),
  cache_write_sats_per_mtok: z.number(),
  output_sats_per_mtok: z.number(),
  max_output_tokens: z.int(),
  max_input_tokens: z.int().optional(),
}) satisfies z.ZodType<PublicMeteredPrice>;

/** The optional kinds filled with their defaults (the input price). */
export function publicMeteredPrice(p: MeteredModelPrice): PublicMeteredPrice {
  return {
    call_sats: p.call_sats,
    input_sats_per_mtok: p.input_sats_per_mtok,
    cached_input_sats_per_mtok: p.cached_input_sats_per_mtok ?? p.input_sats_per_mtok,
    cache_write_sats_per_mtok: p.cache_write_sats_per_mtok ?? p.input_sats_per_mtok,
    output_sats_per_mtok: p.output_sats_per_mtok,
    max_output_tokens: p.max_output_tokens,
    ...(p.max_input_tokens !== undefined ? { max_input_tokens: p.max_input_tokens } : {}),
  };
}

/** The public projection of one endpoint, as GET /api/v1/catalog serves it (no secrets). */
export const PublicEndpointSchema = z.strictObject({
  method: Endpoint.shape.method,
  path: z.string().describe('public path, /api/v1/<api><upstream path>'),
  upstream_path: z.string(),
  title: z.string(),
  description: z.string(),
  content_type: ContentType,
  response: ResponseKind,
  streaming: z.boolean(),
  free: z.boolean(),
  /** per model: sats per call, or a metered price with every kind resolved (or price_sats for the whole endpoint) */
  models: z.record(z.string(), z.union([z.int(), PublicMeteredPriceSchema])).optional(),
  /** the model priced when a request names none */
  default_model: z.string().optional(),
  price_sats: z.int().optional(),
  /** the endpoint's own body limit, when it has one */
  max_body_bytes: z.int().optional(),
  validation: Validation,
  example: Example.optional(),
});
export type PublicEndpoint = z.infer<typeof PublicEndpointSchema>;

/** Who answers an API's calls on this server: its real upstream, the development-mode demo, or nobody (503). */
export const UPSTREAM_STATUSES = ['configured', 'demo', 'not_configured'] as const;
export type UpstreamStatus = (typeof UPSTREAM_STATUSES)[number];

export const PublicApiSchema = z.strictObject({
  name: z.string(),
  title: z.string(),
  description: z.string(),
  /** set by the server at run time (GET /api/v1/catalog) */
  upstream: z.enum(UPSTREAM_STATUSES).optional(),
  endpoints: z.array(PublicEndpointSchema),
});
export type PublicApi = z.infer<typeof PublicApiSchema>;

export const PublicCatalogSchema = z.strictObject({
  apis: z.array(PublicApiSchema),
  topup: z.strictObject({ min_sats: z.int(), max_sats: z.int() }),
  hire: z.strictObject({ post_task_sats: z.int(), quote_sats: z.int(), max_price_sats: z.int() }),
});
export type PublicCatalog = z.infer<typeof PublicCatalogSchema>;

export const API_PREFIX = '/api/v1';

export function publicPath(api: string, endpointPath: string): string {
  return `${API_PREFIX}/${api}${endpointPath}`;
}

export function toPublicCatalog(c: Catalog): PublicCatalog {
  return {
    apis: c.apis.map((api) => ({
      name: api.name,
      title: api.title,
      description: api.description,
      endpoints: api.endpoints.map((ep) => {
        const pub: PublicEndpoint = {
          method: ep.method,
          path: publicPath(api.name, ep.path),
          upstream_path: ep.path,
          title: ep.title,
          description: ep.description,
          content_type: ep.content_type,
          response: ep.response,
          streaming: ep.streaming,
          free: 'sats' in ep.price && ep.price.sats === 0,
          validation: ep.validation,
          ...(ep.max_body_bytes !== undefined ? { max_body_bytes: ep.max_body_bytes } : {}),
          ...(ep.example ? { example: ep.example } : {}),
        };
        if ('models' in ep.price) {
          pub.models = Object.fromEntries(Object.entries(ep.price.models).map(([m, p]) => [m, isMetered(p) ? publicMeteredPrice(p) : p]));
          if (ep.price.default_model !== undefined) pub.default_model = ep.price.default_model;
        } else pub.price_sats = ep.price.sats;
        return pub;
      }),
    })),
    topup: { min_sats: c.topup.min_sats, max_sats: c.topup.max_sats },
    hire: { post_task_sats: c.hire.post_task_sats, quote_sats: c.hire.quote_sats, max_price_sats: c.hire.max_price_sats },
  };
}
