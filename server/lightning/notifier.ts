// Settled-invoice notices for backends with a subscription of their own (LND's invoice stream,
// Core Lightning's waitanyinvoice): the subscription runs while anyone listens, resumes where it
// stopped after a failure, and while it is down the invoices created here are looked up instead.
import { setTimeout as sleep } from 'node:timers/promises';
import type { IncomingInvoice, PaymentReceivedEvent } from './backend.js';

export interface SettledWatcherOptions {
  /**
   * Runs one subscription until it ends or fails, calling found() for each settled invoice, and
   * live() once it is established. It resumes from its own cursor where the backend has one; one
   * without a cursor (or not yet holding one) calls live(), and the open invoices are then looked
   * up once, so that one settled while the subscription was down is still told.
   */
  subscribe(signal: AbortSignal, found: (event: PaymentReceivedEvent) => void, live: () => void): Promise<void>;
  /** the polling fallback: one invoice by hash */
  lookup(paymentHash: string): Promise<IncomingInvoice | null>;
  /** wait after a failed or ended subscription, before polling and subscribing again */
  retryDelayMs?: number;
  /** injectable wait (tests) */
  wait?: (ms: number, signal: AbortSignal) => Promise<void>;
  /** told once when the subscription starts failing (again), with why; never given secrets */
  onTrouble?: (message: string) => void;
}

const MAX_OPEN = 50_000; // invoices polled while the subscription is down
const REMEMBERED = 10_000; // notices already given, so a replay after a resume is not told twice

export class SettledWatcher {
  private readonly listeners = new Set<(event: PaymentReceivedEvent) => void>();
  /** hash → externalId and expiry, created here and not yet told: oldest first */
  private readonly open = new Map<string, { externalId: string | null; expiresAt: number }>();
  private readonly told = new Set<string>();
  private readonly stop = new AbortController();
  private loop: Promise<void> | null = null;
  /** how many times the subscription ended or failed (tests, health) */
  restarts = 0;

  constructor(private readonly opts: SettledWatcherOptions) {}

  /** An invoice created here (expiry in Unix seconds): polled while the subscription is down. */
  watch(paymentHash: string, externalId: string | null, expiresAt: number): void {
    // the oldest entries go once expired (or when too many), so an unpaid invoice is not kept for ever
    const now = Math.floor(Date.now() / 1000);
    for (const [hash, entry] of this.open) {
      if (entry.expiresAt >= now && this.open.size < MAX_OPEN) break;
      this.open.delete(hash);
    }
    if (!this.told.has(paymentHash)) this.open.set(paymentHash, { externalId, expiresAt });
  }

  listen(listener: (event: PaymentReceivedEvent) => void): () => void {
    this.listeners.add(listener);
    this.loop ??= this.run();
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    this.stop.abort();
    await this.loop;
  }

  private emit(event: PaymentReceivedEvent): void {
    const hash = event.paymentHash;
    if (this.told.has(hash)) return;
    this.told.add(hash);
    if (this.told.size > REMEMBERED) this.told.delete(this.told.values().next().value as string);
    const told = { ...event, externalId: event.externalId ?? this.open.get(hash)?.externalId ?? null };
    this.open.delete(hash);
    for (const listener of this.listeners) {
      try {
        listener(told);
      } catch {
        // a listener's failure is its own; the others are still told
      }
    }
  }

  private async run(): Promise<void> {
    const signal = this.stop.signal;
    const wait = this.opts.wait ?? ((ms, s) => sleep(ms, undefined, { signal: s }));
    let failing = false;
    while (!signal.aborted) {
      const started = Date.now();
      let heard = false;
      try {
        await this.opts.subscribe(
          signal,
          (event) => {
            heard = true;
            this.emit(event);
          },
          // caught up after the subscription is live: nothing settled before it is missed, nothing after it is told twice
          () => void this.pollOpen(),
        );
      } catch (err) {
        // unreachable or cut off: polled below, subscribed again after the delay
        if (heard || Date.now() - started > 10_000) failing = false; // it was up for a while
        if (!failing && !signal.aborted) this.opts.onTrouble?.(err instanceof Error ? err.message : String(err));
        failing = true;
      }
      if (signal.aborted) break;
      this.restarts += 1;
      try {
        await wait(this.opts.retryDelayMs ?? 2_000, signal);
      } catch {
        break; // closed
      }
      // just before subscribing again, when the node is likelier back: what settled meanwhile is told even by a subscription that replays nothing
      await this.pollOpen();
    }
  }

  private async pollOpen(): Promise<void> {
    for (const [hash, { externalId }] of [...this.open]) {
      try {
        const invoice = await this.opts.lookup(hash);
        if (invoice?.isPaid) this.emit({ paymentHash: hash, amountMsat: invoice.receivedMsat, externalId: invoice.externalId ?? externalId });
        else if (invoice === null || invoice.isExpired) this.open.delete(hash);
      } catch {
        return; // the node is down altogether: next round
      }
    }
  }
}
