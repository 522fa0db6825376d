// The AI for Hire marketplace: one service object over the ledger and the wallet. Knows
// nothing of HTTP; routes and operator commands call these functions.
import type { Credentials } from '../payments/gate.js';
import { hireAuditChecks } from './audit-checks.js';
import { acceptQuote } from './award.js';
import { collect, payoutStatus } from './collect.js';
import type { HireDeps } from './deps.js';
import { resolveDispute, type Resolution } from './disputes.js';
import type { NodeIdentity } from './invoice-checks.js';
import { listMessages, postMessage } from './messages.js';
import { nodeIdentity } from './node-identity.js';
import { reconcilePayouts } from './payouts.js';
import { cancelTask, editQuote, postQuote, postTask, withdrawQuote, type QuoteInput, type TaskInput } from './posting.js';
import { createEventHub } from './event-hub.js';
import { openLive, type LiveEvent, type LiveFilter } from './live.js';
import { getTask, listTasks, me } from './queries.js';
import { httpWebhookSender } from './webhook-sender.js';
import { deliverWebhooks, getWebhook, removeWebhook, setWebhook, type WebhookSender } from './webhooks.js';
import { profile, rateTask } from './reputation.js';
import { sweepDeadlines } from './sweep.js';
import type { TaskStatus } from './tasks-store.js';
import { quoteView, taskView } from './views.js';
import { confirm, deliver, dispute, requestRevision } from './work.js';

export type { HireDeps } from './deps.js';
export type { Resolution } from './disputes.js';
export type { LiveEvent, LiveFilter } from './live.js';
export { hireRules, type HireRules } from './rules.js';
export { TASK_STATUSES, type TaskStatus } from './tasks-store.js';

type Ids = { taskId: string; quoteId: string };

export function createHireService(deps: HireDeps, opts: { node?: Partial<NodeIdentity>; eventPollMs?: number; webhookSender?: WebhookSender; liveRecheckMs?: number } = {}) {
  for (const check of hireAuditChecks) deps.ledger.addAuditCheck(check);
  const hub = createEventHub(deps.db, { pollMs: opts.eventPollMs ?? 500, onError: (err) => deps.log?.warn({ err: (err as Error)?.message }, 'reading hire events failed') });
  // local subscribers hear of a change at once; other instances on their next poll
  const nudged = <T>(p: Promise<T>): Promise<T> => p.finally(() => hub.nudge());
  const webhookSender = opts.webhookSender ?? httpWebhookSender({ allowInternal: false });
  const identity = nodeIdentity(deps.wallet, opts.node);
  const max = deps.rules.maxRevisions;
  const task = <T extends Parameters<typeof taskView>[0]>(row: T) => taskView(row, max);

  return {
    rules: deps.rules,
    me: (token: string) => me(deps, token),
    listTasks: (p: { status: TaskStatus | null; limit: number; offset: number }) => listTasks(deps, p),
    getTask: (taskId: string, token: string | null) => getTask(deps, taskId, token),

    async postTask(input: TaskInput, creds: Credentials, client: string) {
      const paid = await nudged(postTask(deps, input, creds, client));
      return { ...paid, value: taskView(paid.value, max, { quote_count: 0, quotes: [] }) };
    },
    async postQuote(taskId: string, input: QuoteInput, creds: Credentials, client: string) {
      const paid = await nudged(postQuote(deps, taskId, input, creds, client));
      return { ...paid, value: quoteView(paid.value) };
    },
    editQuote: async (token: string, ids: Ids, patch: { priceMsat: bigint | null; description: string | null }) => quoteView(await nudged(editQuote(deps, token, ids, patch))),
    withdrawQuote: async (token: string, ids: Ids) => quoteView(await nudged(withdrawQuote(deps, token, ids))),
    cancelTask: async (token: string, taskId: string) => task(await nudged(cancelTask(deps, token, taskId))),
    acceptQuote: async (token: string, ids: Ids, expectedPriceMsat: bigint | null) => task(await nudged(acceptQuote(deps, token, ids, expectedPriceMsat))),

    postMessage: (token: string, ids: Ids, body: string) => nudged(postMessage(deps, token, ids, body)),
    listMessages: (token: string, ids: Ids, afterId: bigint) => listMessages(deps, token, ids, afterId),

    deliver: async (token: string, taskId: string, body: string) => task(await nudged(deliver(deps, token, taskId, body))),
    requestRevision: async (token: string, taskId: string, body: string | null) => task(await nudged(requestRevision(deps, token, taskId, body))),
    dispute: async (token: string, taskId: string, body: string | null) => task(await nudged(dispute(deps, token, taskId, body))),
    confirm: async (token: string, taskId: string) => task(await nudged(confirm(deps, token, taskId))),
    /** operators only: the answer shows how the escrow was divided */
    async resolveDispute(taskId: string, resolution: Resolution) {
      const row = await nudged(resolveDispute(deps, taskId, resolution));
      return taskView(row, max, { contractor_paid_sats: Number(row.contractor_paid_msat! / 1000n), buyer_refunded_sats: Number(row.buyer_refunded_msat! / 1000n) });
    },

    /** deal-bound reputation */
    rateTask: (token: string, taskId: string, input: { stars: number; comment: string | null }) => rateTask(deps, token, taskId, input),
    profile: (profileId: string) => profile(deps, profileId),

    collect: (token: string, invoice: string) => nudged(collect(deps, identity, token, invoice)),
    payoutStatus: (token: string, paymentHash: string) => payoutStatus(deps, token, paymentHash),

    /** background passes, idempotent on any number of instances */
    sweep: () => nudged(sweepDeadlines(deps)),
    reconcilePayouts: (minAgeSeconds?: number) => nudged(reconcilePayouts(deps, minAgeSeconds)),

    /** live events: the token's missed ones after filter.afterId, then each new one; returns the unsubscribe; `ended`: a child token revoked or expired meanwhile */
    openLive: (token: string, filter: LiveFilter, send: (e: LiveEvent) => void, ended: () => void) => openLive(deps, hub, token, filter, send, ended, opts.liveRecheckMs),
    /** the token's webhook: every event that concerns it, POSTed and signed */
    setWebhook: (token: string, url: string) => setWebhook(deps, token, url),
    getWebhook: (token: string) => getWebhook(deps, token),
    removeWebhook: (token: string) => removeWebhook(deps, token),
    /** background pass: due webhook deliveries, each tried once */
    deliverWebhooks: () => deliverWebhooks(deps, webhookSender),
    /** stops the event poller (server shutdown, tests) */
    closeLive: () => hub.close(),
  };
}

export type HireService = ReturnType<typeof createHireService>;
