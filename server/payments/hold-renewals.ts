// The holds of calls still running (metered streams), renewed together by one timer so the sweep
// never returns a hold while its stream runs: one timer for every live stream, not one each.
import type { SecuredPayment } from './gate.js';

type Renewable = Pick<SecuredPayment, 'renew'>;

/** Often enough that a hold of `holdSeconds` is renewed twice before it could lapse, and at least every minute. */
export function renewalIntervalMs(holdSeconds: number): number {
  return Math.max(1_000, Math.min(60_000, Math.floor((holdSeconds * 1000) / 3)));
}

export class HoldRenewals {
  private readonly live = new Set<Renewable>();
  private timer: NodeJS.Timeout | null = null;

  /** everyMs: at most this long between two renewals of a live hold */
  constructor(
    private readonly everyMs: number,
    private readonly onError: (err: unknown) => void,
  ) {}

  /** the call's hold is renewed every everyMs until `end` */
  start(payment: Renewable): void {
    this.live.add(payment);
    if (this.timer) return;
    this.timer = setInterval(() => this.renewAll(), this.everyMs);
    this.timer.unref();
  }

  end(payment: Renewable): void {
    this.live.delete(payment);
    if (this.live.size > 0 || !this.timer) return;
    clearInterval(this.timer);
    this.timer = null;
  }

  private renewAll(): void {
    for (const payment of this.live) payment.renew().catch(this.onError);
  }
}
