// Fire-and-forget delivery of payment_received webhooks, signed like phoenixd's. A delivery that
// fails never touches the payment: it is retried a few times, then dropped.
import { setTimeout as sleep } from 'node:timers/promises';
import { Agent, request } from 'undici';
import { signWebhook } from '../webhook.js';

export interface WebhookSenderOptions {
  secret: string;
  /** per attempt; default 3 s */
  timeoutMs?: number;
  /** waits before each retry; default 250 ms, 1 s, 3 s */
  retryDelaysMs?: number[];
}

export class WebhookSender {
  private readonly agent = new Agent({ keepAliveTimeout: 5_000 });
  private readonly stop = new AbortController();
  private readonly inFlight = new Set<Promise<void>>();

  constructor(private readonly opts: WebhookSenderOptions) {}

  /** Starts delivering `body` to every URL; returns at once. */
  send(urls: readonly string[], body: string): void {
    if (this.stop.signal.aborted) return;
    const signature = signWebhook(body, this.opts.secret);
    for (const url of new Set(urls)) {
      const delivery = this.deliver(url, body, signature).finally(() => this.inFlight.delete(delivery));
      this.inFlight.add(delivery);
    }
  }

  /** Stops retrying, abandons open attempts, waits for them to unwind. */
  async close(): Promise<void> {
    this.stop.abort();
    await Promise.allSettled([...this.inFlight]);
    await this.agent.close();
  }

  private async deliver(url: string, body: string, signature: string): Promise<void> {
    const delays = this.opts.retryDelaysMs ?? [250, 1_000, 3_000];
    for (let attempt = 0; attempt <= delays.length; attempt++) {
      if (attempt > 0 && !(await pause(delays[attempt - 1] ?? 0, this.stop.signal))) return;
      if (await this.attempt(url, body, signature)) return;
    }
  }

  private async attempt(url: string, body: string, signature: string): Promise<boolean> {
    try {
      const answer = await request(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-phoenix-signature': signature },
        body,
        dispatcher: this.agent,
        signal: AbortSignal.any([this.stop.signal, AbortSignal.timeout(this.opts.timeoutMs ?? 3_000)]),
      });
      await answer.body.dump();
      return answer.statusCode >= 200 && answer.statusCode < 300;
    } catch {
      return false;
    }
  }
}

/** false when the wait was cut short by close(). */
async function pause(ms: number, signal: AbortSignal): Promise<boolean> {
  try {
    await sleep(ms, undefined, { signal });
    return true;
  } catch {
    return false;
  }
}
