// The suite's one HTTP client: undici's request, so repeated headers (the two WWW-Authenticate
// lines of a 402) stay separate values. Reads every body whole (the suite checks them) and, in
// verbose mode, prints each request and response with credentials shortened.
import { request, type FormData } from 'undici';

export interface HttpRequest {
  method: string;
  url: string;
  headers?: Record<string, string>;
  /** a JSON body (sent as application/json) */
  json?: unknown;
  /** a multipart body (undici sets the boundary) */
  form?: FormData;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  contentType: string;
  bytes: Buffer;
  text: string;
  /** the body parsed as JSON, or undefined when it is not JSON */
  json: unknown;
}

export type Send = (req: HttpRequest) => Promise<HttpResponse>;

export interface HttpOptions {
  verbose: boolean;
  log: (line: string) => void;
  /** whole request, body included; default 120 s (a real upstream can be slow) */
  timeoutMs?: number;
}

export function createHttp(opts: HttpOptions): Send {
  const timeoutMs = opts.timeoutMs ?? 120_000;
  return async (req) => {
    const headers: Record<string, string> = { ...req.headers };
    let body: string | FormData | undefined;
    if (req.json !== undefined) {
      body = JSON.stringify(req.json);
      headers['content-type'] ??= 'application/json';
    } else if (req.form) {
      body = req.form;
    }
    if (opts.verbose) logRequest(opts.log, req, headers, body);
    const res = await request(req.url, {
      method: req.method as 'GET',
      headers,
      ...(body !== undefined ? { body } : {}),
      signal: AbortSignal.timeout(timeoutMs),
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
    });
    const bytes = Buffer.from(await res.body.arrayBuffer());
    const contentType = String(res.headers['content-type'] ?? '');
    const text = bytes.toString('utf8');
    const out: HttpResponse = { status: res.statusCode, headers: res.headers, contentType, bytes, text, json: parseJson(text) };
    if (opts.verbose) logResponse(opts.log, out);
    return out;
  };
}

/** One header as a list of its values (undici gives repeated headers as an array). */
export function headerValues(res: HttpResponse, name: string): string[] {
  const v = res.headers[name.toLowerCase()];
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}

export function header(res: HttpResponse, name: string): string | undefined {
  return headerValues(res, name)[0];
}

function parseJson(text: string): unknown {
  if (text.length === 0) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

const SECRET_HEADERS = new Set(['authorization', 'x-token']);
const shorten = (s: string, max: number) => (s.length > max ? `${s.slice(0, max)}… (${s.length} chars)` : s);

function logRequest(log: (l: string) => void, req: HttpRequest, headers: Record<string, string>, body: string | FormData | undefined): void {
  log(`    → ${req.method} ${req.url}`);
  for (const [k, v] of Object.entries(headers)) log(`      ${k}: ${SECRET_HEADERS.has(k.toLowerCase()) ? shorten(v, 24) : v}`);
  if (typeof body === 'string') logBlock(log, shorten(body, 600));
  else if (body) {
    for (const [k, v] of body.entries()) log(`      [form] ${k} = ${typeof v === 'string' ? shorten(v, 200) : `<file ${v.name}, ${v.type}, ${v.size} bytes>`}`);
  }
}

function logResponse(log: (l: string) => void, res: HttpResponse): void {
  log(`    ← ${res.status} ${res.contentType || '(no content type)'} ${res.bytes.length} bytes`);
  for (const [k, v] of Object.entries(res.headers)) {
    for (const one of Array.isArray(v) ? v : [v ?? '']) log(`      ${k}: ${shorten(one, 200)}`);
  }
  const textual = /json|text|xml|event-stream/i.test(res.contentType) || res.contentType === '';
  logBlock(log, textual ? shorten(res.text, 1200) : `<${res.bytes.length} bytes of ${res.contentType}>`);
}

/** A body, indented line by line under its request or response (event streams span many lines). */
function logBlock(log: (l: string) => void, text: string): void {
  for (const line of text.split(/\r?\n/)) if (line.trim() !== '') log(`      ${line}`);
}
