// What the demo agents share: a small JSON client for the server, a payer for invoices (the
// development wallet behind POST /api/v1/dev/pay unless told otherwise), and the live event
// stream (GET /api/v1/ai-for-hire/events) they wait on instead of polling.
export interface DemoOptions {
  /** the server, e.g. http://127.0.0.1:3000 */
  baseUrl: string;
  /** marks this run's task so the contractor finds it among others */
  tag: string;
  /** pays a BOLT11 invoice and returns its preimage; default: POST /api/v1/dev/pay */
  pay?: (bolt11: string) => Promise<string>;
  log?: (line: string) => void;
  /** how long to wait for the other agent; default 120 s */
  timeoutMs?: number;
}

export interface Answer {
  status: number;
  body: any;
}

export const HIRE = '/api/v1/ai-for-hire';

export interface HireEvent {
  id: string;
  event: string;
  data: any;
}

export interface EventStream {
  /** the first event not yet taken that passes `check` (already received, or the next to come) */
  next(what: string, check: (e: HireEvent) => boolean): Promise<HireEvent>;
  close(): void;
}

export function client(opts: DemoOptions) {
  const base = opts.baseUrl.replace(/\/$/, '');
  const log = opts.log ?? ((line: string) => console.log(line));

  async function call(method: string, path: string, p: { body?: unknown; token?: string; headers?: Record<string, string> } = {}): Promise<Answer> {
    const headers: Record<string, string> = { ...p.headers };
    if (p.token) headers['x-token'] = p.token;
    if (p.body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(base + path, { method, headers, ...(p.body !== undefined ? { body: JSON.stringify(p.body) } : {}) });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  }

  /** the call, which must answer one of `ok`; anything else stops the demo with the server's words */
  async function expectOk(method: string, path: string, p: Parameters<typeof call>[2] = {}, ok = [200, 201]): Promise<any> {
    const answer = await call(method, path, p);
    if (!ok.includes(answer.status)) throw new Error(`${method} ${path} answered ${answer.status}: ${JSON.stringify(answer.body)}`);
    return answer.body;
  }

  const pay =
    opts.pay ??
    (async (bolt11: string) => {
      const paid = await expectOk('POST', '/api/v1/dev/pay', { body: { invoice: bolt11 } }, [200]);
      return paid.preimage as string;
    });

  /** buys a token (or refills `token`) with a top-up of `sats` */
  async function topUp(sats: number, token?: string): Promise<string> {
    const invoice = await expectOk('POST', '/api/v1/topup', { body: { amount_sats: sats }, ...(token ? { token } : {}) });
    const preimage = await pay(invoice.invoice);
    const claimed = await expectOk('POST', '/api/v1/topup/claim', { body: { preimage }, ...(token ? { token } : {}) }, [200]);
    return token ?? claimed.token;
  }

  /** the token's event stream; `query` as GET /events takes it (new_tasks, match, last_event_id) */
  async function events(token: string, query = ''): Promise<EventStream> {
    const abort = new AbortController();
    const res = await fetch(`${base}${HIRE}/events${query}`, { headers: { 'x-token': token, accept: 'text/event-stream' }, signal: abort.signal });
    if (res.status !== 200 || !res.body) throw new Error(`GET ${HIRE}/events answered ${res.status}: ${await res.text()}`);
    const received: HireEvent[] = [];
    const waiters = new Set<{ check: (e: HireEvent) => boolean; resolve: (e: HireEvent) => void }>();
    void (async () => {
      const decoder = new TextDecoder();
      let buf = '';
      try {
        for await (const chunk of res.body as AsyncIterable<Uint8Array>) {
          buf += decoder.decode(chunk, { stream: true });
          for (let cut = buf.indexOf('\n\n'); cut >= 0; cut = buf.indexOf('\n\n')) {
            const lines = buf.slice(0, cut).split('\n');
            buf = buf.slice(cut + 2);
            const field = (name: string) => lines.find((l) => l.startsWith(`${name}: `))?.slice(name.length + 2);
            const name = field('event');
            if (!name) continue; // a comment (keep-alive)
            const e: HireEvent = { id: field('id') ?? '', event: name, data: JSON.parse(field('data') ?? '{}') };
            received.push(e);
            for (const w of waiters) if (w.check(e)) (waiters.delete(w), w.resolve(e));
          }
        }
      } catch {
        // closed
      }
    })();
    return {
      next(what, check) {
        const seen = received.find(check);
        if (seen) {
          received.splice(received.indexOf(seen), 1);
          return Promise.resolve(seen);
        }
        return new Promise((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`gave up waiting for ${what}`)), opts.timeoutMs ?? 120_000);
          const w = {
            check,
            resolve: (e: HireEvent) => {
              clearTimeout(timer);
              received.splice(received.indexOf(e), 1);
              resolve(e);
            },
          };
          waiters.add(w);
        });
      },
      close: () => abort.abort(),
    };
  }

  return { call, expectOk, pay, topUp, events, log };
}

/** `--name value` from argv, else the environment variable, else the fallback */
export function arg(name: string, env: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return (i >= 0 ? process.argv[i + 1] : undefined) ?? process.env[env] ?? fallback;
}

/** the base URL: the first argument that is not an option, or ABL_URL */
export function baseUrlArg(): string {
  const positional = process.argv.slice(2).find((a, i, all) => !a.startsWith('--') && !all[i - 1]?.startsWith('--'));
  return positional ?? process.env.ABL_URL ?? 'http://127.0.0.1:3000';
}
