// Typed client for every endpoint of the HTTP contract; one method per endpoint.
import type { TopupCreated } from '../../../contract/api';
import { requestJson, send, type FetchLike, type HttpConfig } from './http';
import { listOf, messagesOf, nextOffsetOf, taskWithQuotes, unwrap } from './normalize';
import { readProxyResponse, type ProxyResult } from './proxyResult';
import type {
  Balance,
  ClaimResult,
  CollectResult,
  DevPayResult,
  Health,
  Id,
  Me,
  Message,
  NewQuote,
  NewTask,
  PublicCatalog,
  Quote,
  QuotePatch,
  Task,
  TaskPage,
  TopupStatus,
} from './types';

/** A top-up invoice; a new token's also carries the claim secret that redeems it (shown only to its requester). */
export type NewTopupInvoice = TopupCreated & { claim_secret?: string };

const HIRE = '/api/v1/ai-for-hire';
const seg = (id: Id): string => encodeURIComponent(String(id));

export interface ProxyCall {
  method: string;
  /** public path, e.g. /api/v1/openai/v1/chat/completions */
  path: string;
  token?: string | undefined;
  /** JSON value or FormData; none for GET */
  body?: unknown;
  signal?: AbortSignal;
}

export interface ClientOptions {
  baseUrl?: string;
  fetch?: FetchLike;
  timeoutMs?: number;
  /** proxied calls wait on an upstream (images, audio): a longer limit */
  proxyTimeoutMs?: number;
}

export function createApiClient(options: ClientOptions = {}) {
  const config: HttpConfig = {
    baseUrl: options.baseUrl ?? '',
    fetch: options.fetch ?? ((input, init) => globalThis.fetch(input, init)),
    timeoutMs: options.timeoutMs ?? 20_000,
  };
  const proxyTimeoutMs = options.proxyTimeoutMs ?? 180_000;
  const json = <T>(path: string, opts?: Parameters<typeof requestJson>[2]): Promise<T> => requestJson<T>(config, path, opts);

  return {
    getCatalog: (signal?: AbortSignal) => json<PublicCatalog>('/api/v1/catalog', { signal }),
    getHealth: (signal?: AbortSignal) => json<Health>('/api/v1/health', { signal }),

    /** a refill with `token`; without, a new token, whose claim secret alone redeems it when `claimSecretOnly` */
    createTopup: (amountSats: number, token?: string, claimSecretOnly = false) =>
      json<NewTopupInvoice>('/api/v1/topup', {
        method: 'POST',
        body: claimSecretOnly && !token ? { amount_sats: amountSats, claim_secret_only: true } : { amount_sats: amountSats },
        token,
      }),
    claimTopup: (preimage: string, token?: string) =>
      json<ClaimResult>('/api/v1/topup/claim', { method: 'POST', body: { preimage }, token }),
    /** a new token with the claim secret its invoice answered: no preimage needed, may be asked again */
    claimTopupWithSecret: (paymentHash: string, claimSecret: string, signal?: AbortSignal) =>
      json<ClaimResult>('/api/v1/topup/claim', { method: 'POST', body: { payment_hash: paymentHash, claim_secret: claimSecret }, signal }),
    getTopupStatus: (paymentHash: string, signal?: AbortSignal) =>
      json<TopupStatus>(`/api/v1/topup/${seg(paymentHash)}`, { signal }),
    getBalance: (token: string, signal?: AbortSignal) => json<Balance>('/api/v1/balance', { token, signal }),
    /** development wallet only: the server pays its own invoice and returns the preimage */
    devPay: (invoice: string) => json<DevPayResult>('/api/v1/dev/pay', { method: 'POST', body: { invoice } }),

    listTasks: async (params: { status?: string; offset?: number } = {}, signal?: AbortSignal): Promise<TaskPage> => {
      const query = new URLSearchParams();
      if (params.status) query.set('status', params.status);
      if (params.offset) query.set('offset', String(params.offset));
      const qs = query.toString();
      const body = await json<unknown>(`${HIRE}/tasks${qs ? `?${qs}` : ''}`, { signal });
      return { tasks: listOf<Task>(body, 'tasks'), nextOffset: nextOffsetOf(body) };
    },
    /** with the token, the buyer and the accepted contractor also get `role` and the delivery */
    getTask: async (id: Id, token?: string | null, signal?: AbortSignal) =>
      taskWithQuotes(await json<unknown>(`${HIRE}/tasks/${seg(id)}`, { token: token ?? undefined, signal })),
    postTask: async (token: string | undefined, task: NewTask) =>
      unwrap<Task>(await json<unknown>(`${HIRE}/tasks`, { method: 'POST', body: task, token }), 'task'),
    postQuote: async (token: string, taskId: Id, quote: NewQuote) =>
      unwrap<Quote>(await json<unknown>(`${HIRE}/tasks/${seg(taskId)}/quotes`, { method: 'POST', body: quote, token }), 'quote'),
    editQuote: async (token: string, taskId: Id, quoteId: Id, patch: QuotePatch) =>
      unwrap<Quote>(
        await json<unknown>(`${HIRE}/tasks/${seg(taskId)}/quotes/${seg(quoteId)}`, { method: 'PATCH', body: patch, token }),
        'quote',
      ),
    acceptQuote: async (token: string, taskId: Id, quoteId: Id, expectedPriceSats: number) =>
      unwrap<Task>(
        await json<unknown>(`${HIRE}/tasks/${seg(taskId)}/quotes/${seg(quoteId)}/accept`, {
          method: 'POST',
          body: { expected_price_sats: expectedPriceSats },
          token,
        }),
        'task',
      ),
    getMessages: async (token: string, taskId: Id, quoteId: Id, signal?: AbortSignal) =>
      messagesOf(await json<unknown>(`${HIRE}/tasks/${seg(taskId)}/quotes/${seg(quoteId)}/messages`, { token, signal })),
    postMessage: async (token: string, taskId: Id, quoteId: Id, body: string) =>
      unwrap<Message>(
        await json<unknown>(`${HIRE}/tasks/${seg(taskId)}/quotes/${seg(quoteId)}/messages`, { method: 'POST', body: { body }, token }),
        'message',
      ),
    withdrawQuote: async (token: string, taskId: Id, quoteId: Id) =>
      unwrap<Quote>(await json<unknown>(`${HIRE}/tasks/${seg(taskId)}/quotes/${seg(quoteId)}/withdraw`, { method: 'POST', body: {}, token }), 'quote'),
    cancelTask: async (token: string, taskId: Id) =>
      unwrap<Task>(await json<unknown>(`${HIRE}/tasks/${seg(taskId)}/cancel`, { method: 'POST', body: {}, token }), 'task'),
    requestRevision: async (token: string, taskId: Id, body?: string) =>
      unwrap<Task>(
        await json<unknown>(`${HIRE}/tasks/${seg(taskId)}/request-revision`, { method: 'POST', body: body ? { body } : {}, token }),
        'task',
      ),
    deliver: async (token: string, taskId: Id, body: string) =>
      unwrap<Task>(await json<unknown>(`${HIRE}/tasks/${seg(taskId)}/deliver`, { method: 'POST', body: { body }, token }), 'task'),
    confirm: async (token: string, taskId: Id) =>
      unwrap<Task>(await json<unknown>(`${HIRE}/tasks/${seg(taskId)}/confirm`, { method: 'POST', body: {}, token }), 'task'),
    collect: (token: string, invoice: string) => json<CollectResult>(`${HIRE}/collect`, { method: 'POST', body: { invoice }, token }),
    me: (token: string, signal?: AbortSignal) => json<Me>(`${HIRE}/me`, { token, signal }),

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
      return readProxyResponse(res);
    },
  };
}

export type ApiClient = ReturnType<typeof createApiClient>;

/** The app's client: same origin as the page. */
export const api: ApiClient = createApiClient();
