// Typed client for every endpoint of the HTTP contract; one method per endpoint.
import type { Balance, BalanceAlert, CallUsage, ClaimResponse, DailyUsage, DevInvoice, DevPayResponse, Health, TopupCreated, TopupStatusBody, UsagePage } from '../../../contract/api';
import type { PublicCatalog } from '../../../contract/catalog';
import type { EditQuoteBody, PostQuoteBody, PostTaskBody } from '../../../contract/hire';
import type { Me, Message, MessageList, Payout, PostedQuote, PostedTask, Profile, Quote, Rating, Task, TaskDetail, TaskList, TaskSummary } from '../../../contract/hire-views';
import type { ChildTokenCreated, ChildTokenList, ChildTokenRevoked, CreateChildTokenBody } from './childTokens';
import { balanceStore, type BalanceSink } from '../state/balanceStore';
import { errorFrom, requestJson, send, type FetchLike, type HttpConfig, type JsonOptions } from './http';
import { readProxyResponse, type ProxyHead, type ProxyResult } from './proxyResult';

/** A top-up invoice; a new token's also carries the claim secret that redeems it (shown only to its requester). */
export type NewTopupInvoice = TopupCreated;

const HIRE = '/api/v1/ai-for-hire';
const seg = (id: string): string => encodeURIComponent(id);

export interface ProxyCall {
  method: string;
  /** public path, e.g. /api/v1/openai/v1/chat/completions */
  path: string;
  token?: string | undefined;
  /** JSON value or FormData; none for GET */
  body?: unknown;
  signal?: AbortSignal;
  /** called with the status and receipt headers as soon as they arrive, before the body */
  onHead?: (head: ProxyHead) => void;
}

/** One page of the task list, as the app pages through it. */
export interface TaskPage {
  tasks: TaskSummary[];
  /** offset of the next page, null on the last one */
  nextOffset: number | null;
}

/** A span of time in Unix seconds, both ends inclusive; either may be open. */
export interface TimeRange {
  from?: number | undefined;
  to?: number | undefined;
}

export interface UsageQuery extends TimeRange {
  limit?: number;
  cursor?: string | null | undefined;
}

/** `?from=&to=…` from the fields that are set, '' when none is. */
function queryString(params: Record<string, string | number | null | undefined>): string {
  const query = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') query.set(k, String(v));
  const qs = query.toString();
  return qs ? `?${qs}` : '';
}

/** The most CSV pages one download follows (500 rows each). */
const CSV_MAX_PAGES = 200;

export interface ClientOptions {
  baseUrl?: string;
  fetch?: FetchLike;
  timeoutMs?: number;
  /** proxied calls wait on an upstream (images, audio): a longer limit */
  proxyTimeoutMs?: number;
  /** hears every balance an answer names: the header shows it at once */
  balances?: BalanceSink;
}

/** A claim names the balance of the token it credited, when it names the token. */
const claimedBalance = (c: ClaimResponse): { token: string; sats: number } | null =>
  c.token !== undefined && c.balance_sats !== undefined ? { token: c.token, sats: c.balance_sats } : null;

export function createApiClient(options: ClientOptions = {}) {
  const config: HttpConfig = {
    baseUrl: options.baseUrl ?? '',
    fetch: options.fetch ?? ((input, init) => globalThis.fetch(input, init)),
    timeoutMs: options.timeoutMs ?? 20_000,
    balances: options.balances,
  };
  const proxyTimeoutMs = options.proxyTimeoutMs ?? 180_000;
  const json = <T>(path: string, opts?: JsonOptions<T>): Promise<T> => requestJson<T>(config, path, opts);

  return {
    getCatalog: (signal?: AbortSignal) => json<PublicCatalog>('/api/v1/catalog', { signal }),
    getHealth: (signal?: AbortSignal) => json<Health>('/api/v1/health', { signal }),
    /** the OpenAPI 3.1 document, read by the docs page as an outline */
    getOpenApi: (signal?: AbortSignal) => json<unknown>('/api/v1/openapi.json', { signal }),

    /** a refill with `token`; without, a new token, whose claim secret alone redeems it when `claimSecretOnly` */
    createTopup: (amountSats: number, token?: string, claimSecretOnly = false) =>
      json<NewTopupInvoice>('/api/v1/topup', {
        method: 'POST',
        body: claimSecretOnly && !token ? { amount_sats: amountSats, claim_secret_only: true } : { amount_sats: amountSats },
        token,
      }),
    claimTopup: (preimage: string, token?: string) =>
      json<ClaimResponse>('/api/v1/topup/claim', { method: 'POST', body: { preimage }, token, balanceIn: claimedBalance }),
    /** a new token with the claim secret its invoice answered: no preimage needed, may be asked again */
    claimTopupWithSecret: (paymentHash: string, claimSecret: string, signal?: AbortSignal) =>
      json<ClaimResponse>('/api/v1/topup/claim', { method: 'POST', body: { payment_hash: paymentHash, claim_secret: claimSecret }, signal, balanceIn: claimedBalance }),
    getTopupStatus: (paymentHash: string, signal?: AbortSignal) =>
      json<TopupStatusBody>(`/api/v1/topup/${seg(paymentHash)}`, { signal }),
    getBalance: (token: string, signal?: AbortSignal) =>
      json<Balance>('/api/v1/balance', { token, signal, balanceIn: (b) => ({ token, sats: b.balance_sats, msat: b.balance_msat }) }),
    /** one paid call's receipt: what it was charged and the tokens it used */
    getCallUsage: (token: string, requestId: string, signal?: AbortSignal) =>
      json<CallUsage>(`/api/v1/usage/${seg(requestId)}`, { token, signal }),
    /** the token's history, newest first, one page; `cursor` is the previous page's next_cursor */
    getUsage: (token: string, q: UsageQuery = {}, signal?: AbortSignal) =>
      json<UsagePage>(`/api/v1/usage${queryString({ limit: q.limit, cursor: q.cursor, from: q.from, to: q.to })}`, { token, signal }),
    /** spent and credited per UTC day, calls per API (default: the last 30 days) */
    getDailyUsage: (token: string, range: TimeRange = {}, signal?: AbortSignal) =>
      json<DailyUsage>(`/api/v1/usage/daily${queryString({ from: range.from, to: range.to })}`, { token, signal }),
    /**
     * The whole history in the range as one CSV file: every page (500 rows each, the header on the
     * first), followed by the X-Next-Cursor each answers. The token goes in the header, never the URL.
     */
    downloadUsageCsv: async (token: string, range: TimeRange = {}, signal?: AbortSignal): Promise<Blob> => {
      const parts: string[] = [];
      let cursor: string | null = null;
      for (let page = 0; page < CSV_MAX_PAGES; page++) {
        const path = `/api/v1/usage${queryString({ format: 'csv', limit: 500, cursor, from: range.from, to: range.to })}`;
        const res = await send(config, path, { token, signal, headers: { Accept: 'text/csv' } });
        if (!res.ok) throw await errorFrom(res);
        parts.push(await res.text());
        cursor = res.headers.get('X-Next-Cursor');
        if (!cursor) break;
      }
      return new Blob(parts, { type: 'text/csv;charset=utf-8' });
    },

    /** a child token for an agent: `amount_sats` move from the parent (`token`) to it; answered once */
    createChildToken: (token: string, body: CreateChildTokenBody) => json<ChildTokenCreated>('/api/v1/tokens', { method: 'POST', body, token }),
    /** the parent's children, without their token strings */
    listChildTokens: async (token: string, signal?: AbortSignal) => (await json<ChildTokenList>('/api/v1/tokens', { token, signal })).data,
    /** the token's low-balance alert: paid answers carry X-Balance-Low below it (null: none) */
    getBalanceAlert: (token: string, signal?: AbortSignal) => json<BalanceAlert>('/api/v1/balance/alert', { token, signal }),
    setBalanceAlert: (token: string, belowSats: number | null) => json<BalanceAlert>('/api/v1/balance/alert', { method: 'PUT', body: { below_sats: belowSats }, token }),
    /** revokes a child: what it has left returns to the parent */
    revokeChildToken: (token: string, id: string) => json<ChildTokenRevoked>(`/api/v1/tokens/${seg(id)}`, { method: 'DELETE', token }),

    /** development wallet only: the server pays its own invoice and returns the preimage */
    devPay: (invoice: string) => json<DevPayResponse>('/api/v1/dev/pay', { method: 'POST', body: { invoice } }),
    /** development mode only: an invoice of the development payee wallet ("someone else's wallet") to withdraw to */
    devInvoice: (amountSats: number) => json<DevInvoice>('/api/v1/dev/invoice', { method: 'POST', body: { amount_sats: amountSats } }),
    getDevInvoice: (paymentHash: string, signal?: AbortSignal) => json<DevInvoice>(`/api/v1/dev/invoice/${seg(paymentHash)}`, { signal }),

    /** `status` as the filter gives it (a task status; the server answers any other with 400) */
    listTasks: async (params: { status?: string | undefined; offset?: number } = {}, signal?: AbortSignal): Promise<TaskPage> => {
      const query = new URLSearchParams();
      if (params.status) query.set('status', params.status);
      if (params.offset) query.set('offset', String(params.offset));
      const qs = query.toString();
      const page = await json<TaskList>(`${HIRE}/tasks${qs ? `?${qs}` : ''}`, { signal });
      return { tasks: page.tasks, nextOffset: page.next_offset };
    },
    /** with the token, the buyer and the accepted contractor also get `role` and the delivery */
    getTask: (id: string, token?: string | null, signal?: AbortSignal) => json<TaskDetail>(`${HIRE}/tasks/${seg(id)}`, { token: token ?? undefined, signal }),
    postTask: (token: string | undefined, task: PostTaskBody) => json<PostedTask>(`${HIRE}/tasks`, { method: 'POST', body: task, token }),
    postQuote: (token: string, taskId: string, quote: PostQuoteBody) =>
      json<PostedQuote>(`${HIRE}/tasks/${seg(taskId)}/quotes`, { method: 'POST', body: quote, token }),
    editQuote: (token: string, taskId: string, quoteId: string, patch: EditQuoteBody) =>
      json<Quote>(`${HIRE}/tasks/${seg(taskId)}/quotes/${seg(quoteId)}`, { method: 'PATCH', body: patch, token }),
    acceptQuote: (token: string, taskId: string, quoteId: string, expectedPriceSats: number) =>
      json<Task>(`${HIRE}/tasks/${seg(taskId)}/quotes/${seg(quoteId)}/accept`, { method: 'POST', body: { expected_price_sats: expectedPriceSats }, token }),
    getMessages: async (token: string, taskId: string, quoteId: string, signal?: AbortSignal): Promise<Message[]> =>
      (await json<MessageList>(`${HIRE}/tasks/${seg(taskId)}/quotes/${seg(quoteId)}/messages`, { token, signal })).messages,
    postMessage: (token: string, taskId: string, quoteId: string, body: string) =>
      json<Message>(`${HIRE}/tasks/${seg(taskId)}/quotes/${seg(quoteId)}/messages`, { method: 'POST', body: { body }, token }),
    withdrawQuote: (token: string, taskId: string, quoteId: string) =>
      json<Quote>(`${HIRE}/tasks/${seg(taskId)}/quotes/${seg(quoteId)}/withdraw`, { method: 'POST', body: {}, token }),
    cancelTask: (token: string, taskId: string) => json<Task>(`${HIRE}/tasks/${seg(taskId)}/cancel`, { method: 'POST', body: {}, token }),
    requestRevision: (token: string, taskId: string, body?: string) =>
      json<Task>(`${HIRE}/tasks/${seg(taskId)}/request-revision`, { method: 'POST', body: body ? { body } : {}, token }),
    deliver: (token: string, taskId: string, body: string) => json<Task>(`${HIRE}/tasks/${seg(taskId)}/deliver`, { method: 'POST', body: { body }, token }),
    /** buyer or accepted contractor, while the task is delivered: an operator then divides the escrow */
    dispute: (token: string, taskId: string, body?: string) =>
      json<Task>(`${HIRE}/tasks/${seg(taskId)}/dispute`, { method: 'POST', body: body ? { body } : {}, token }),
    confirm: (token: string, taskId: string) => json<Task>(`${HIRE}/tasks/${seg(taskId)}/confirm`, { method: 'POST', body: {}, token }),
    collect: (token: string, invoice: string) =>
      json<Payout>(`${HIRE}/collect`, { method: 'POST', body: { invoice }, token, balanceIn: (p) => ({ token, sats: p.balance_sats }) }),
    me: (token: string, signal?: AbortSignal) => json<Me>(`${HIRE}/me`, { token, signal, balanceIn: (m) => ({ token, sats: m.balance_sats, msat: m.balance_msat }) }),
    /** a public record from closed escrowed deals */
    getProfile: (id: string, signal?: AbortSignal) => json<Profile>(`${HIRE}/profiles/${seg(id)}`, { signal }),
    /** the buyer or the accepted contractor of a closed task, once */
    rateTask: (token: string, taskId: string, stars: number, comment?: string) =>
      json<Rating>(`${HIRE}/tasks/${seg(taskId)}/rating`, { method: 'POST', body: comment ? { stars, comment } : { stars }, token }),
    /** the token's live event stream (text/event-stream), with `newTasks` also open tasks coming and going; the caller reads the body until `signal` aborts */
    openEvents: async (token: string, signal: AbortSignal, newTasks = false): Promise<Response> => {
      const res = await send(config, `${HIRE}/events${newTasks ? '?new_tasks=true' : ''}`, { token, signal, headers: { Accept: 'text/event-stream' } });
      if (!res.ok) throw await errorFrom(res);
      return res;
    },

    /** "Try it": any catalog endpoint; resolves with the answer of any status, rejects only without one */
    callEndpoint: async (call: ProxyCall): Promise<ProxyResult> => {
      const method = call.method as 'GET' | 'POST' | 'DELETE';
      const res = await send(config, call.path, {
        method,
        token: call.token,
        body: method === 'GET' ? undefined : call.body,
        timeoutMs: proxyTimeoutMs,
        signal: call.signal,
        headers: { Accept: '*/*' },
      });
      return readProxyResponse(res, call.onHead);
    },
  };
}

export type ApiClient = ReturnType<typeof createApiClient>;

/** The app's client: same origin as the page; the balances it hears reach the header. */
export const api: ApiClient = createApiClient({ balances: balanceStore });
