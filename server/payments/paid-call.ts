// A paid proxied call, top to bottom: price it, secure the payment, run it upstream, decide what
// was served, settle or release, and hand back the answer with its receipt. The only home of
// these rules; the HTTP route parses and writes, nothing more.
import type { IncomingHttpHeaders } from 'node:http';
import type { Api } from '../../contract/catalog.js';
import { AppError } from '../errors.js';
import { hashToken, type Ledger } from '../ledger/index.js';
import { matchError, notConfigured, type ApiProxy, type ForwardResponse } from '../proxy/index.js';
import type { PaymentGate, SecuredPayment } from './gate.js';
import { verifyL402 } from './l402-rail.js';
import type { Credentials, PaidAction, Receipt } from './types.js';

export interface ProxyCall {
  method: string;
  /** the URL as sent, before any decoding */
  rawUrl: string;
  headers: IncomingHttpHeaders;
  body: Buffer | null;
  /** read after matching and validation, so a bad path or body is answered first */
  credentials(api: Api): Credentials;
  /** who is asking, for invoice rate limits */
  client: string;
  /** true once the client has gone: a call not yet forwarded is then not made, and costs nothing */
  clientGone(): boolean;
}

export interface PaidAnswer extends ForwardResponse {
  receipt: Receipt;
}

export interface PaidCallDeps {
  proxy: ApiProxy;
  gate: PaymentGate;
  ledger: Ledger;
  rootKey: Buffer;
  now: () => number;
  onUpstreamError?: (api: string, code: string) => void;
  log?: { error(obj: object, msg: string): void };
}

/** The upstream served the request only with a 2xx; its own refusal (4xx) costs nothing. */
const served = (status: number): boolean => status >= 200 && status < 300;

export function createPaidCalls(deps: PaidCallDeps) {
  const { proxy, gate } = deps;

  /** A credential that is wrong gets its 401 before "not configured" (contract, Running). */
  async function assertConfigured(api: Api, action: PaidAction, creds: Credentials): Promise<void> {
    if (proxy.isConfigured(api.name)) return;
    if (creds.l402) verifyL402(deps.rootKey, action, creds.l402, deps.now());
    if (creds.token !== null && !(await deps.ledger.accountByToken(hashToken(creds.token)))) throw new AppError('invalid_token', 'Unknown token.');
    throw notConfigured(api);
  }

  /** Runs one paid call; null when the client left before it was forwarded (nothing charged). */
  return async function paidCall(call: ProxyCall): Promise<PaidAnswer | null> {
    const m = proxy.match(call.method, call.rawUrl);
    if (m.kind !== 'found') throw matchError(m, call.method, call.rawUrl);
    const input = await proxy.parseBody(m.endpoint, call.headers['content-type'], call.body);
    proxy.validate(m.endpoint, input, { api: m.api, headers: call.headers, search: m.search });
    const price = proxy.price(m.endpoint, input);
    const action: PaidAction = {
      api: m.api.name,
      endpoint: `${m.endpoint.method} /api/v1/${m.api.name}${m.endpoint.path}`,
      priceMsat: price.priceMsat,
      description: `alittlebitofmoney ${m.api.name} ${m.endpoint.path}${price.model ? ` (${price.model})` : ''}`,
    };
    const creds = call.credentials(m.api);
    await assertConfigured(m.api, action, creds);

    // 1. secure
    const payment = await gate.secure(action, creds, call.client);
    if (call.clientGone()) {
      await payment.release();
      return null;
    }
    // 2. run: the upstream call is not tied to the client, who pays for it once it is made
    let answer: ForwardResponse;
    try {
      answer = await proxy.forward({ api: m.api, endpoint: m.endpoint, method: call.method, search: m.search, headers: call.headers, body: call.body });
    } catch (err) {
      await payment.release();
      if (err instanceof AppError) deps.onUpstreamError?.(m.api.name, err.code);
      throw err;
    }
    // 3. decide, 4. settle: off the response path, as the hold already secured the money
    const ok = served(answer.status);
    void (ok ? payment.settle(payment.heldMsat) : payment.release()).catch((err: unknown) => deps.log?.error({ err }, 'settling a paid call failed'));
    // 5. receipt
    return { ...answer, receipt: receiptOf(payment, ok ? payment.heldMsat : 0n) };
  };
}

function receiptOf(payment: SecuredPayment, chargedMsat: bigint): Receipt {
  // a token's hold was taken from the balance it reported; whatever is not charged goes back
  const back = payment.kind === 'token' ? payment.heldMsat - chargedMsat : 0n;
  return { kind: payment.kind, chargedMsat, balanceMsat: payment.balanceMsat === null ? null : payment.balanceMsat + back };
}

export type PaidCalls = ReturnType<typeof createPaidCalls>;
