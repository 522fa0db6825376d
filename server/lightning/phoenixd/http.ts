// A small HTTP client for phoenixd's API: basic auth with an empty user name, form bodies,
// one keep-alive connection pool, and a deadline on every call (answer body included).
import { Agent, request } from 'undici';
import { describe, readCapped, TransportError } from '../json-http.js';

export interface PhoenixdAnswer {
  status: number;
  text: string;
}

/** No HTTP answer at all from phoenixd (refused, reset, timed out): as the other nodes' TransportError, `neverSent` when no connection was made. */
export class PhoenixdTransportError extends TransportError {
  override name = 'PhoenixdTransportError';
}

export interface PhoenixdHttpOptions {
  baseUrl: string;
  password: string;
  timeoutMs: number;
}

type FormFields = Record<string, string | undefined>;

const MAX_ANSWER_BYTES = 1_000_000; // phoenixd's answers are small; anything bigger is not phoenixd

export class PhoenixdHttp {
  private readonly agent = new Agent({ keepAliveTimeout: 10_000, connections: 16 });
  private readonly base: URL;
  private readonly authorization: string;

  constructor(private readonly opts: PhoenixdHttpOptions) {
    // A trailing slash makes relative paths resolve under a base path (phoenixd behind a proxy).
    this.base = new URL(opts.baseUrl.endsWith('/') ? opts.baseUrl : `${opts.baseUrl}/`);
    this.authorization = `Basic ${Buffer.from(`:${opts.password}`, 'utf8').toString('base64')}`;
  }

  get(path: string, timeoutMs = this.opts.timeoutMs): Promise<PhoenixdAnswer> {
    return this.send('GET', path, undefined, timeoutMs);
  }

  postForm(path: string, fields: FormFields, timeoutMs = this.opts.timeoutMs): Promise<PhoenixdAnswer> {
    const form = new URLSearchParams();
    for (const [name, value] of Object.entries(fields)) if (value !== undefined) form.set(name, value);
    return this.send('POST', path, form.toString(), timeoutMs);
  }

  close(): Promise<void> {
    return this.agent.close();
  }

  private async send(method: 'GET' | 'POST', path: string, body: string | undefined, timeoutMs: number): Promise<PhoenixdAnswer> {
    const url = new URL(path.replace(/^\//, ''), this.base);
    const headers: Record<string, string> = { authorization: this.authorization, accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/x-www-form-urlencoded';
    try {
      const answer = await request(url, {
        method,
        headers,
        body,
        dispatcher: this.agent,
        signal: AbortSignal.timeout(timeoutMs),
      });
      const text = await readCapped(answer.body, MAX_ANSWER_BYTES);
      return { status: answer.statusCode, text };
    } catch (err) {
      throw new PhoenixdTransportError(`${method} ${url.pathname}: ${describe(err)}`, err);
    }
  }
}
