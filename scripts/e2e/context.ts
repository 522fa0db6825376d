// What every step of the suite shares: where the server is, how to call it and pay, the recorder,
// and the prepaid token bought at the start.
import type { PublicEndpoint } from '../../contract/catalog.js';
import type { HttpResponse, Send } from './http.js';
import { toHttpBody, type Payload } from './payload.js';
import type { Recorder } from './report.js';

export interface TokenWallet {
  token: string;
  /** the balance as the server last reported it (X-Balance-Sats) */
  balance: number;
  /** the balance right after the top-up claim */
  initial: number;
  /** what every served token call was charged: the catalog price, or a metered call's receipt */
  chargedMsat: bigint;
}

export interface SuiteContext {
  baseUrl: string;
  send: Send;
  pay: (bolt11: string) => Promise<string>;
  strictKeywords: boolean;
  recorder: Recorder;
  /** null when the top-up failed or nothing needed paying */
  wallet: TokenWallet | null;
}

/** The row name of an endpoint in the progress lines and the summary. */
export const endpointLabel = (ep: PublicEndpoint): string => `${ep.method} ${ep.path}`;

/** Calls the endpoint with this payload and these headers. */
export function callEndpoint(ctx: SuiteContext, ep: PublicEndpoint, payload: Payload, headers: Record<string, string> = {}): Promise<HttpResponse> {
  return ctx.send({ method: ep.method, url: ctx.baseUrl + ep.path, headers, ...toHttpBody(payload) });
}
