// A paid proxied call, top to bottom: price it, secure the payment, run it upstream, decide what
// was served, meter what it used, settle or release, and hand back the answer with its receipt.
// The only home of these rules; the HTTP route parses and writes, nothing more.
import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { pipeline, type Readable } from 'node:stream';
import type { Api } from '../../contract/catalog.js';
import { AppError, invalidToken } from '../errors.js';
import { hashToken, type CallRecord, type Ledger } from '../ledger/index.js';
import { chargeAtMostCeiling, inputCostBoundMsat, type TokenUsage } from '../metering/index.js';
import { matchError, notConfigured, type ApiProxy, type ForwardResponse } from '../proxy/index.js';
import { meteredRequest, type MeteredRequest } from '../proxy/metered-request.js';
import { withFlatOutputCap } from '../proxy/output-cap.js';
import type { PaymentGate, SecuredPayment } from './gate.js';
import { meterStream, readJsonAnswer, type StreamOutcome, type StreamRelay } from './metered-answer.js';
import { aheadCeilingMsat } from './ahead-ceiling.js';
import type { SessionAnswer, Sessions } from './sessions.js';
import { HoldRenewals } from './hold-renewals.js';
import { createStreamBudget, TOPUP_WAIT_SECONDS, wholeEvents, type StreamBudget } from './stream-budget.js';
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

export interface PaidAnswer {
  status: number;
  headers: ForwardResponse['headers'];
  /** a metered stream is relayed by its meter (write it with relayTo); a flat stream is the upstream's own */
  body: Readable | Buffer | StreamRelay;
  receipt: Receipt;
  /** an MPP session's topUp or close sent to the resource: answered as the session endpoint does, nothing forwarded */
  session?: SessionAnswer;
}

export interface PaidCallDeps {
  proxy: ApiProxy;
  gate: PaymentGate;
  ledger: Ledger;
  now: () => number;
  /** how often a live stream renews its hold (the sweep returns holds past their deadline) */
  renewEveryMs?: number;
  onUpstreamError?: (api: string, code: string) => void;
  log?: { error(obj: object, msg: string): void; warn(obj: object, msg: string): void };
  /** MPP sessions: a topUp or close may be sent to the resource itself (the session draft) */
  sessions?: Pick<Sessions, 'act'>;
  /** how long a session-paid stream that ran dry waits for a top-up (default the draft's 60 s) */
  topUpWaitSeconds?: number;
}

/** The upstream served the request only with a 2xx; its own refusal (4xx) costs nothing. */
const served = (status: number): boolean => status >= 200 && status < 300;
const isEventStream = (headers: ForwardResponse['headers']): boolean => /^text\/event-stream/i.test(String(headers['content-type'] ?? ''));

export function createPaidCalls(deps: PaidCallDeps) {
  const { proxy, gate } = deps;
  const logFailure = (err: unknown) => deps.log?.error({ err }, 'settling a paid call failed');
  const renewals = new HoldRenewals(deps.renewEveryMs ?? 60_000, logFailure);

  /** The charge for what was used: the contract's formula, never above the reservation. */
  function chargeOf(metered: MeteredRequest, usage: TokenUsage): bigint {
    const { chargeMsat, capped } = chargeAtMostCeiling(metered.price, usage, metered.ceilingMsat);
    // the input bound or output limit was beaten: the operator pays the difference, so say so
    if (capped) deps.log?.warn({ model: metered.model, usage, ceilingMsat: metered.ceilingMsat.toString() }, 'a metered call used more than its ceiling; charged the ceiling');
    return chargeMsat;
  }

  /** A credential that is wrong gets its 401 before "not configured" (contract, Running). */
  async function assertConfigured(api: Api, action: PaidAction, creds: Credentials): Promise<void> {
    if (proxy.isConfigured(api.name)) return;
    gate.verifyCredential(action, creds);
    if (creds.token !== null && !(await deps.ledger.accountByToken(hashToken(creds.token)))) throw invalidToken(await deps.ledger.tokenRefusal(hashToken(creds.token)));
    throw notConfigured(api);
  }

  /** An MPP Payment credential read before the body (a topUp or close calls nothing); null for any other, or one that is wrong (refused in its turn, after the body). */
  function paymentCredentialsFirst(call: ProxyCall, api: Api): Credentials | null {
    if (!deps.sessions || !/^payment\s/i.test(call.headers.authorization ?? '')) return null;
    try {
      return call.credentials(api);
    } catch {
      return null;
    }
  }

  /** Runs one paid call; null when the client left before it was forwarded (nothing charged). */
  return async function paidCall(call: ProxyCall): Promise<PaidAnswer | null> {
    const m = proxy.match(call.method, call.rawUrl);
    if (m.kind !== 'found') throw matchError(m, call.method, call.rawUrl);
    // the draft's top-up and close at the resource change the session and call nothing: no body is read for them
    const early = paymentCredentialsFirst(call, m.api);
    const sessionAction = early?.mpp?.session?.action;
    if (deps.sessions && early?.mpp && (sessionAction === 'topUp' || sessionAction === 'close')) {
      return { status: 200, headers: {}, body: Buffer.alloc(0), receipt: { kind: 'free', chargedMsat: null, balanceMsat: null }, session: await deps.sessions.act(early.mpp) };
    }
    const input = await proxy.parseBody(m.endpoint, call.headers['content-type'], call.body);
    proxy.validate(m.endpoint, input, { api: m.api, headers: call.headers, search: m.search });
    const price = proxy.price(m.endpoint, input);
    const metered = price.metered && input.kind === 'json' ? await meteredRequest({ shape: price.metered.usage, model: price.model!, price: price.metered.price, body: input.body, raw: call.body! }) : null;
    const action: PaidAction = {
      api: m.api.name,
      endpoint: `${m.endpoint.method} /api/v1/${m.api.name}${m.endpoint.path}`,
      priceMsat: metered ? metered.ceilingMsat : price.priceMsat,
      description: `alittlebitofmoney ${m.api.name} ${m.endpoint.path}${price.model ? ` (${price.model})` : ''}`,
      sessions: true,
      aheadMsat: metered ? aheadCeilingMsat(metered.ceilingMsat) : price.priceMsat,
      ...(metered ? { changeBack: true } : {}),
      // a stream can stop where a session's money ends; its input is paid before anything is sent
      ...(metered?.streamed ? { floorMsat: inputCostBoundMsat(metered.price, metered.inputTokensBound) } : {}),
    };
    const creds = early ?? call.credentials(m.api);
    await assertConfigured(m.api, action, creds);
    const requestId = randomUUID();
    const record = recorder(requestId, m.api.name, action.endpoint, price.model, deps.now);

    // 1. secure
    const payment = await gate.secure(action, creds, call.client);
    if (call.clientGone()) {
      await payment.release();
      return null;
    }
    // 2. run: the upstream call is not tied to the client, who pays for it once it is made
    let answer: ForwardResponse;
    try {
      const body = metered ? metered.body : input.kind === 'json' && call.body ? withFlatOutputCap(m.endpoint, input.body, call.body) : call.body;
      answer = await proxy.forward({ api: m.api, endpoint: m.endpoint, method: call.method, search: m.search, headers: call.headers, body, ...(price.free ? { scrubAnswer: true } : {}) });
    } catch (err) {
      await payment.release();
      if (err instanceof AppError) deps.onUpstreamError?.(m.api.name, err.code);
      throw err;
    }
    // 3. decide: nothing served, nothing charged; released before the answer, so a retry finds the value back
    if (!served(answer.status)) {
      await payment.release().catch(logFailure);
      return { ...answer, receipt: receiptOf(payment, requestId, 0n) };
    }
    // 4. meter and settle; a flat price settles off the response path, the hold already secured it
    if (!metered) {
      void payment.settle(payment.heldMsat, record(null), true).catch(logFailure);
      return { ...answer, receipt: receiptOf(payment, requestId, payment.heldMsat) };
    }
    if (isEventStream(answer.headers)) {
      const held = payment.heldMsat < metered.ceilingMsat ? payment.heldMsat : metered.ceilingMsat;
      return { ...answer, body: settleAtEnd(answer.body, metered, payment, record), receipt: { ...receiptOf(payment, requestId, null, held), maxChargeMsat: metered.ceilingMsat } };
    }
    let json;
    try {
      json = await readJsonAnswer(answer.body, metered);
    } catch (err) {
      await payment.release();
      throw Object.assign(new AppError('upstream_error', 'The upstream answer broke off before it was complete; nothing was charged.'), { cause: err });
    }
    // a session's smaller hold (a stream asked for, a JSON answered) is the most it pays
    const used = chargeOf(metered, json.usage);
    const charge = used < payment.heldMsat ? used : payment.heldMsat;
    const settling = payment.settle(charge, record(usageRecord(json.usage, json.reported)), payment.reservedAhead === true);
    // a balance read after the answer shows its charge: from the database once the settlement committed, or at once on the instance that reserved the hold ahead
    if (payment.reservedAhead) void settling.catch(logFailure);
    else await settling;
    // 5. receipt
    return { ...answer, body: json.bytes, receipt: receiptOf(payment, requestId, charge) };
  };

  /** A stream settles when the upstream's answer ends (the client may have left), and renews its hold while it runs. */
  function settleAtEnd(body: Readable, metered: MeteredRequest, payment: SecuredPayment, record: (u: CallRecord['usage']) => CallRecord): StreamRelay {
    renewals.start(payment);
    const budget = sessionBudget(metered, payment);
    return meterStream(
      budget ? pipeline(body, wholeEvents(), () => {}) : body,
      metered,
      async (outcome) => {
        renewals.end(payment);
        // the client's stream was cut off where the upstream's broke: say so once, nothing is charged
        if (!outcome.ended && !outcome.stopped) {
          deps.log?.warn({ model: metered.model }, outcome.reportedError ? 'an upstream stream reported an error before its end; its call was not charged' : 'an upstream stream broke off before its end; its call was not charged');
        }
        const ahead = payment.reservedAhead === true && !budget;
        const settled = budget ? settleBudget(budget, outcome, metered, payment, record) : outcome.ended ? payment.settle(chargeOf(metered, outcome.usage), record(usageRecord(outcome.usage, outcome.reported)), ahead) : payment.release();
        // reserved ahead, this instance's balances count the charge at once and its receipts wait for the commit: the stream need not
        if (ahead) void settled.catch(logFailure);
        else return settled.catch(logFailure);
      },
      budget ?? undefined,
    );
  }

  /** A session that held less than the ceiling pays event by event (stream-budget.ts). */
  function sessionBudget(metered: MeteredRequest, payment: SecuredPayment): StreamBudget | null {
    if (!payment.session || payment.heldMsat >= metered.ceilingMsat) return null;
    return createStreamBudget({ metered, heldMsat: payment.heldMsat, session: payment.session, waitMs: (deps.topUpWaitSeconds ?? TOPUP_WAIT_SECONDS) * 1000 });
  }

  /** Ended by the budget: what was delivered; else what the upstream used; never more than the hold has grown to. */
  async function settleBudget(budget: StreamBudget, outcome: StreamOutcome, metered: MeteredRequest, payment: SecuredPayment, record: (u: CallRecord['usage']) => CallRecord): Promise<void> {
    if (!outcome.ended && !outcome.stopped) return payment.release();
    const usage = outcome.stopped ? await budget.deliveredUsage() : outcome.usage;
    const charge = chargeOf(metered, usage);
    await payment.settle(charge < budget.heldMsat() ? charge : budget.heldMsat(), record(usageRecord(usage, outcome.reported && !outcome.stopped)));
  }
}

/** A call's record for its settlement; built by a module function, as tsx wraps a named closure in __name on every call. */
function recorder(requestId: string, api: string, endpoint: string, model: string | null, now: () => number): (usage: CallRecord['usage']) => CallRecord {
  return (usage) => ({ requestId, api, endpoint, model, usage, createdAt: now() });
}

function usageRecord(u: TokenUsage, reported: boolean): Record<string, number> {
  return { input_tokens: u.input, cached_input_tokens: u.cachedInput, cache_write_tokens: u.cacheWrite, output_tokens: u.output, estimated: reported ? 0 : 1 };
}

/** chargedMsat null: not known yet (a metered stream); keptMsat: what stays taken from the balance shown, the charge or a running stream's ceiling (a hold reserved ahead may be larger). */
function receiptOf(payment: SecuredPayment, requestId: string, chargedMsat: bigint | null, keptMsat: bigint = chargedMsat ?? payment.heldMsat): Receipt {
  // a token's or an MPP session's hold was taken from the balance it reported; what is not kept goes back
  const back = payment.kind === 'token' || payment.session ? payment.heldMsat - keptMsat : 0n;
  return {
    kind: payment.kind,
    requestId,
    chargedMsat,
    balanceMsat: payment.balanceMsat === null ? null : payment.balanceMsat + back,
    lowBalanceMsat: payment.lowBalanceMsat ?? null,
    ...(payment.reference ? { payment: payment.reference } : {}),
  };
}

export type PaidCalls = ReturnType<typeof createPaidCalls>;
