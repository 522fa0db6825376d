// One tool per catalog endpoint that takes JSON (or no body): its input schema from the catalog's
// validation rules, its price from the catalog, and a call that runs the HTTP API's paid path
// (server/payments/paid-call.ts) with the MCP request's token. Multipart endpoints (audio
// uploads) are not offered as tools. Streams are not offered either: a tool answers once.
import { PassThrough, type Readable } from 'node:stream';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { fieldTypes, isMetered, ruleSchemaKeywords, publicMeteredPrice, publicPath, type Api, type Catalog, type Endpoint, type FieldRule } from '../../contract/catalog.js';
import { meteredCallSats, type PublicMeteredPrice } from '../../contract/metered-price.js';
import { AppError } from '../errors.js';
import { isStreamRelay } from '../payments/metered-answer.js';
import type { PaidAnswer, PaidCalls } from '../payments/paid-call.js';
import { answer, flatPrice, receiptJson, type JsonSchemaObject, type McpTool, type ToolPrice } from './tool.js';

/** Fields of a streaming endpoint that are not offered: a tool call answers once. */
const STREAM_ONLY_FIELDS = new Set(['stream', 'stream_options']);
/** The most of an answer a tool call reads (an image as b64_json is a few MiB). */
const MAX_ANSWER_BYTES = 32 * 1024 * 1024;

/** `openai` + `/v1/chat/completions` → `openai_chat_completions` (the version segment dropped). */
export function toolName(api: string, ep: Endpoint, taken: Set<string>): string {
  const segments = ep.path.split('/').filter((s) => s !== '' && !/^v\d+$/.test(s));
  let name = [api, ...segments].join('_').replace(/[^A-Za-z0-9_-]/g, '_');
  if (taken.has(name)) name = `${name}_${ep.method.toLowerCase()}`;
  taken.add(name);
  return name.slice(0, 128);
}

/** A model's price for the listing: flat sats, or a metered price with the most one call costs. */
function modelPrice(p: number | PublicMeteredPrice): number | (PublicMeteredPrice & { max_sats: number | null }) {
  if (typeof p === 'number') return p;
  return { ...p, max_sats: p.max_input_tokens === undefined ? null : meteredCallSats(p, p.max_input_tokens, p.max_output_tokens) };
}

function describeModel(model: string, p: ReturnType<typeof modelPrice>): string {
  if (typeof p === 'number') return `${model}: ${p} sats per call`;
  const parts = [`${p.input_sats_per_mtok} sats per 1M input tokens`];
  if (p.cached_input_sats_per_mtok !== p.input_sats_per_mtok) parts.push(`${p.cached_input_sats_per_mtok} per 1M cached input tokens`);
  if (p.cache_write_sats_per_mtok !== p.input_sats_per_mtok) parts.push(`${p.cache_write_sats_per_mtok} per 1M cache-write tokens`);
  if (p.output_sats_per_mtok > 0) parts.push(`${p.output_sats_per_mtok} per 1M output tokens`);
  if (p.call_sats > 0) parts.push(`plus ${p.call_sats} sats per call`);
  return `${model}: ${parts.join(', ')}${p.max_sats === null ? '' : `; up to ${p.max_sats} sats per call`}`;
}

export function endpointPrice(ep: Endpoint): ToolPrice {
  if ('sats' in ep.price) return flatPrice(ep.price.sats);
  const models = Object.fromEntries(Object.entries(ep.price.models).map(([m, p]) => [m, modelPrice(isMetered(p) ? publicMeteredPrice(p) : p)]));
  const values = Object.values(models);
  const metered = values.some((p) => typeof p !== 'number');
  const maxes = values.map((p) => (typeof p === 'number' ? p : p.max_sats));
  const max = maxes.every((m) => m !== null) ? Math.max(...(maxes as number[])) : undefined;
  const lines = Object.entries(models).map(([m, p]) => describeModel(m, p));
  const summary = metered ? `metered by the tokens used, per model (${lines.join('; ')}); the balance must cover the call's reservation, the unused part comes back` : `per model: ${lines.join('; ')}`;
  const flat = values.filter((p): p is number => typeof p === 'number');
  const range = flat.length && Math.min(...flat) !== Math.max(...flat) ? `${Math.min(...flat)}–${Math.max(...flat)}` : String(flat[0]);
  const short = metered ? `metered by tokens${max !== undefined ? `, up to ${max} sats per call` : ''}` : `${range} sats per call by model`;
  return { free: false, summary, short, models, ...(max !== undefined ? { max_sats: max } : {}) };
}

/** JSON Schema of one field rule. */
function fieldSchema(rule: FieldRule): Record<string, unknown> {
  const types = fieldTypes(rule);
  const s: Record<string, unknown> = { type: types.length === 1 ? types[0] : types };
  Object.assign(s, ruleSchemaKeywords(rule));
  const notes = [rule.description, rule.item_types ? `Items are objects whose "type" is ${rule.item_types.map((t) => (t === null ? 'absent' : t)).join(' or ')}.` : undefined].filter(Boolean);
  if (notes.length) s.description = notes.join(' ');
  return s;
}

/** The input schema of a JSON endpoint: its fields, the priced models as an enum, the required fields. */
export function endpointSchema(ep: Endpoint): JsonSchemaObject {
  const v = ep.validation;
  const properties: Record<string, object> = {};
  if (ep.content_type === 'none') {
    for (const q of v.query) properties[q] = { type: 'string', description: 'query parameter' };
    return { type: 'object', properties, additionalProperties: false };
  }
  for (const [name, rule] of Object.entries(v.fields)) {
    if (ep.streaming && STREAM_ONLY_FIELDS.has(name)) continue;
    properties[name] = fieldSchema(rule);
  }
  if ('models' in ep.price) {
    const field = ep.price.model_field;
    const models = Object.keys(ep.price.models);
    const given = properties[field] as { description?: string } | undefined;
    properties[field] = {
      type: 'string',
      enum: models,
      description: given?.description ?? `One of the priced models${ep.price.default_model ? ` (default ${ep.price.default_model})` : ''}.`,
    };
  }
  const required = v.required.filter((f) => f in properties);
  return { type: 'object', properties, ...(required.length ? { required } : {}), additionalProperties: v.other_fields === 'pass' };
}

async function readAll(answer: PaidAnswer['body']): Promise<Buffer> {
  if (Buffer.isBuffer(answer)) return answer;
  let body = answer as Readable;
  if (isStreamRelay(answer)) answer.relayTo((body = new PassThrough()));
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    const b = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string);
    size += b.length;
    if (size > MAX_ANSWER_BYTES) {
      body.destroy();
      throw new AppError('upstream_error', `The answer is larger than ${MAX_ANSWER_BYTES} bytes, too large for a tool result; call the HTTP API instead.`);
    }
    chunks.push(b);
  }
  return Buffer.concat(chunks);
}

function header(h: PaidAnswer['headers'], name: string): string {
  const v = h[name];
  return String((Array.isArray(v) ? v[0] : v) ?? '');
}

/** The upstream's answer and the receipt; not served (non-2xx) is a tool error that cost nothing. */
async function toResult(a: PaidAnswer, ep: Endpoint): Promise<CallToolResult> {
  const bytes = await readAll(a.body);
  const contentType = header(a.headers, 'content-type');
  const receipt = receiptJson(a.receipt);
  const served = a.status >= 200 && a.status < 300;
  if (served && ep.response === 'binary' && !/json|^text\//i.test(contentType)) {
    const mimeType = contentType.split(';')[0]!.trim() || 'application/octet-stream';
    const content = mimeType.startsWith('audio/') ? [{ type: 'audio' as const, data: bytes.toString('base64'), mimeType }] : [];
    return answer({ status: a.status, content_type: mimeType, bytes: bytes.length, ...(content.length ? {} : { base64: bytes.toString('base64') }), receipt }, content);
  }
  const text = bytes.toString('utf8');
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    /* not JSON: the text as it is */
  }
  const result = answer({ status: a.status, answer: body, receipt });
  return served ? result : { ...result, isError: true };
}

export interface CatalogToolDeps {
  paidCall: PaidCalls;
}

function endpointTool(api: Api, ep: Endpoint, name: string, deps: CatalogToolDeps): McpTool {
  const price = endpointPrice(ep);
  const path = publicPath(api.name, ep.path);
  return {
    name,
    title: `${api.title} ${ep.title}`,
    description: `${ep.method} ${path}: ${ep.description || ep.title}${ep.streaming ? ' Over MCP the tool answers in one piece: leave "stream" out (the HTTP API streams).' : ''}`,
    inputSchema: endpointSchema(ep),
    readOnly: ep.method === 'GET',
    price,
    needsToken: !price.free,
    async run(args, ctx) {
      let rawUrl = path;
      let body: Buffer | null = null;
      if (ep.content_type === 'none') {
        const query = new URLSearchParams(Object.entries(args).map(([k, v]): [string, string] => [k, typeof v === 'string' ? v : JSON.stringify(v)]));
        if ([...query].length) rawUrl += `?${query.toString()}`;
      } else {
        if (ep.streaming && args.stream !== undefined && args.stream !== false) {
          throw new AppError('invalid_field_value', 'stream: a tool answers once; streaming is not offered over MCP (use the HTTP API to stream).', { field: 'stream' });
        }
        if (args.stream_format === 'sse') throw new AppError('invalid_field_value', 'stream_format: sse is not offered over MCP.', { field: 'stream_format' });
        body = Buffer.from(JSON.stringify(args));
      }
      const a = await deps.paidCall({
        method: ep.method,
        rawUrl,
        headers: body ? { 'content-type': 'application/json' } : {},
        body,
        credentials: () => ({ token: ctx.token, l402: null }),
        client: ctx.client,
        clientGone: () => ctx.signal.aborted,
      });
      if (a === null) throw new AppError('internal_error', 'The request was cancelled before it was forwarded; nothing was charged.');
      return toResult(a, ep);
    },
  };
}

export function catalogTools(catalog: Catalog, deps: CatalogToolDeps): McpTool[] {
  const taken = new Set<string>();
  return catalog.apis.flatMap((api) => api.endpoints.filter((ep) => ep.content_type !== 'multipart').map((ep) => endpointTool(api, ep, toolName(api.name, ep, taken), deps)));
}
