// What the demo agents share: a small JSON client for the server, a payer for invoices (the
// development wallet behind POST /api/v1/dev/pay unless told otherwise), and polling.
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

  async function until<T>(what: string, check: () => Promise<T | undefined>): Promise<T> {
    const deadline = Date.now() + (opts.timeoutMs ?? 120_000);
    for (;;) {
      const value = await check();
      if (value !== undefined) return value;
      if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  return { call, expectOk, pay, topUp, until, log };
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
