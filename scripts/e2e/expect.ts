// Assertions on responses: a served answer in the endpoint's format (JSON, server-sent events,
// audio bytes), an error with its keyword, and the absence of a payment challenge.
import type { PublicEndpoint } from '../../contract/catalog.js';
import { header, headerValues, type HttpResponse } from './http.js';
import { ensure } from './report.js';

const brief = (res: HttpResponse): string => {
  const text = res.text.replace(/\s+/g, ' ');
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
};

export function ensureStatus(res: HttpResponse, ok: (status: number) => boolean, expected: string): void {
  ensure(ok(res.status), `expected ${expected}, got ${res.status} ${brief(res)}`);
}

export const is2xx = (s: number): boolean => s >= 200 && s < 300;

/** A 2xx answer in the endpoint's format; returns a short description of it. */
export function ensureServed(ep: PublicEndpoint, res: HttpResponse, opts: { stream?: boolean } = {}): string {
  ensureStatus(res, is2xx, '2xx');
  if (opts.stream) return ensureEventStream(res);
  if (ep.response === 'binary') {
    ensure(res.bytes.length > 0, `expected audio bytes, got an empty body (${res.contentType})`);
    ensure(/^(audio|video|image)\/|^application\/octet-stream/i.test(res.contentType), `expected an audio content type, got "${res.contentType}"`);
    return `${res.bytes.length} bytes of ${res.contentType}`;
  }
  ensure(/json/i.test(res.contentType), `expected JSON, got "${res.contentType}": ${brief(res)}`);
  ensure(res.json !== undefined, `the JSON body does not parse: ${brief(res)}`);
  return `JSON ${describeJson(res.json)}`;
}

/** text/event-stream with at least one `data:` event. */
export function ensureEventStream(res: HttpResponse): string {
  ensure(/^text\/event-stream/i.test(res.contentType), `expected text/event-stream, got "${res.contentType}": ${brief(res)}`);
  const events = res.text.split(/\r?\n/).filter((l) => l.startsWith('data:')).length;
  ensure(events > 0, `the event stream carries no data: event (${res.bytes.length} bytes)`);
  return `${events} data: events`;
}

/**
 * An error answer carrying `code` (and `field`): strictly `error.code` / `error.field` with the
 * status the contract gives; relaxed, any 4xx whose body mentions the keyword (and the field).
 */
export function ensureErrorKeyword(res: HttpResponse, opts: { status: number; code: string; field?: string; strict: boolean }): string {
  if (!opts.strict) {
    ensureStatus(res, (s) => s >= 400 && s < 500, `a 4xx with "${opts.code}"`);
    ensure(res.text.includes(opts.code), `expected "${opts.code}" in the body, got ${res.status} ${brief(res)}`);
    if (opts.field !== undefined) ensure(res.text.includes(opts.field), `expected the field "${opts.field}" in the body, got ${brief(res)}`);
    return `${res.status}, body mentions ${opts.code}${opts.field !== undefined ? ` and ${opts.field}` : ''}`;
  }
  ensureStatus(res, (s) => s === opts.status, `${opts.status} ${opts.code}`);
  const error = (res.json as { error?: { code?: unknown; field?: unknown } } | undefined)?.error;
  ensure(error?.code === opts.code, `expected error.code "${opts.code}", got ${brief(res)}`);
  if (opts.field !== undefined) ensure(error.field === opts.field, `expected error.field "${opts.field}", got ${brief(res)}`);
  return `${res.status} ${opts.code}${opts.field !== undefined ? ` (field ${opts.field})` : ''}`;
}

/** A rejected request created no invoice: no challenge header, no invoice in the body. */
export function ensureNoInvoice(res: HttpResponse): void {
  ensure(headerValues(res, 'www-authenticate').length === 0, `a rejected request carries WWW-Authenticate: ${header(res, 'www-authenticate')}`);
  const body = res.json as Record<string, unknown> | undefined;
  ensure(body?.invoice === undefined, 'a rejected request carries an invoice in its body');
}

function describeJson(v: unknown): string {
  if (typeof v !== 'object' || v === null) return typeof v;
  const o = v as Record<string, unknown>;
  if (typeof o.object === 'string') return `object=${o.object}`;
  if (typeof o.type === 'string') return `type=${o.type}`;
  return `{${Object.keys(o).slice(0, 4).join(', ')}}`;
}
