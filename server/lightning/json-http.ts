// A JSON-over-HTTPS client shared by the LND and Core Lightning backends: one keep-alive pool,
// optionally trusting exactly one certificate (a node's self-signed one), a secret header on every
// call, a deadline on every call, and newline-delimited JSON streams.
import { Agent, request } from 'undici';

export interface JsonAnswer {
  status: number;
  text: string;
}

/** No HTTP answer at all (refused, reset, timed out, TLS refused): the request may have been acted on, unless `neverSent`. */
export class TransportError extends Error {
  override name = 'TransportError';
  /** no connection was made: the request never reached the node */
  readonly neverSent: boolean;

  constructor(message: string, cause: unknown) {
    super(message, { cause });
    this.neverSent = noConnection(cause);
  }
}

// errors of a connection that was never made (a kept-alive socket reset mid-request is not one)
const NO_CONNECTION = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);

/** The request failed before any connection to the node was made, so it was never sent. */
export function noConnection(err: unknown): boolean {
  for (let e = err, depth = 0; e instanceof Error && depth < 4; e = e.cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && NO_CONNECTION.has(code)) return true;
    // undici's "fetch failed"-style wrappers, and an AggregateError of each address tried
    if (e instanceof AggregateError && e.errors.length > 0 && e.errors.every((x) => noConnection(x))) return true;
  }
  return false;
}

export interface JsonHttpOptions {
  baseUrl: string;
  /** headers sent with every call (the credential); never logged */
  headers: Record<string, string>;
  /** PEM: when set, the only certificate (or CA) trusted for this node */
  caPem?: string;
  timeoutMs: number;
}

const MAX_ANSWER_BYTES = 4_000_000;
const MAX_LINE_BYTES = 1_000_000;

export class JsonHttp {
  private readonly agent: Agent;
  private readonly base: URL;

  constructor(private readonly opts: JsonHttpOptions) {
    this.base = new URL(opts.baseUrl.endsWith('/') ? opts.baseUrl : `${opts.baseUrl}/`);
    this.agent = new Agent({ keepAliveTimeout: 10_000, connections: 16, ...(opts.caPem ? { connect: { ca: opts.caPem } } : {}) });
  }

  get(path: string, timeoutMs = this.opts.timeoutMs): Promise<JsonAnswer> {
    return this.send('GET', path, undefined, AbortSignal.timeout(timeoutMs));
  }

  post(path: string, body: unknown, timeoutMs = this.opts.timeoutMs): Promise<JsonAnswer> {
    return this.send('POST', path, JSON.stringify(body), AbortSignal.timeout(timeoutMs));
  }

  /** a POST ended by the caller's signal (a long poll) */
  postUntil(path: string, body: unknown, signal: AbortSignal): Promise<JsonAnswer> {
    return this.send('POST', path, JSON.stringify(body), signal);
  }

  /**
   * A streaming call: each JSON line goes to onLine until it returns true (done), the stream ends,
   * or the signal aborts. Resolves with the HTTP status and, for a non-200, the body text; onOpen
   * is called once a 200 has come, before any line.
   */
  async stream(
    method: 'GET' | 'POST',
    path: string,
    body: unknown,
    signal: AbortSignal,
    onLine: (line: unknown) => boolean | void,
    onOpen?: () => void,
  ): Promise<JsonAnswer> {
    const url = this.url(path);
    try {
      const answer = await request(url, { method, headers: this.headers(body !== undefined), body: body === undefined ? undefined : JSON.stringify(body), dispatcher: this.agent, signal });
      if (answer.statusCode !== 200) return { status: answer.statusCode, text: await readCapped(answer.body) };
      onOpen?.();
      let pending = '';
      for await (const chunk of answer.body as AsyncIterable<Buffer>) {
        pending += chunk.toString('utf8');
        if (pending.length > MAX_LINE_BYTES) throw new Error('stream line too long');
        let newline: number;
        while ((newline = pending.indexOf('\n')) >= 0) {
          const line = pending.slice(0, newline).trim();
          pending = pending.slice(newline + 1);
          if (line && onLine(parseJson(line)) === true) {
            answer.body.destroy();
            return { status: 200, text: '' };
          }
        }
      }
      if (pending.trim() && onLine(parseJson(pending.trim())) === true) return { status: 200, text: '' };
      return { status: 200, text: '' };
    } catch (err) {
      throw new TransportError(`${method} ${url.pathname}: ${describe(err)}`, err);
    }
  }

  close(): Promise<void> {
    return this.agent.close();
  }

  private headers(hasBody: boolean): Record<string, string> {
    return { ...this.opts.headers, accept: 'application/json', ...(hasBody ? { 'content-type': 'application/json' } : {}) };
  }

  private url(path: string): URL {
    return new URL(path.replace(/^\//, ''), this.base);
  }

  private async send(method: 'GET' | 'POST', path: string, body: string | undefined, signal: AbortSignal): Promise<JsonAnswer> {
    const url = this.url(path);
    try {
      const answer = await request(url, { method, headers: this.headers(body !== undefined), body, dispatcher: this.agent, signal });
      return { status: answer.statusCode, text: await readCapped(answer.body) };
    } catch (err) {
      throw new TransportError(`${method} ${url.pathname}: ${describe(err)}`, err);
    }
  }
}

/** JSON.parse that gives undefined for a line that is not JSON (mapped to "unexpected" by callers). */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** A node's answer as text, refused past `maxBytes` (a node's answers are small; a huge one is not the node). */
export async function readCapped(body: AsyncIterable<Buffer>, maxBytes = MAX_ANSWER_BYTES): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > maxBytes) throw new Error('answer too large');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** A transport failure in one line, with the error code when there is one (never a secret: no headers). */
export function describe(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    return typeof code === 'string' ? `${code} ${err.message}` : `${err.name}: ${err.message}`;
  }
  return String(err);
}
