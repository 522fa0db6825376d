// The wallet backend the server pays and gets paid through. Amounts are msat.
// Implementations: PhoenixdWallet (phoenixd's HTTP API; the development node speaks the
// same API, so the server never knows which of the two it talks to), LndWallet (LND's REST API),
// ClnWallet (Core Lightning's clnrest) and NwcWallet (Nostr Wallet Connect, NIP-47).

export interface CreateInvoiceParams {
  amountMsat: bigint;
  /** ≤ 128 characters (phoenixd's limit) */
  description: string;
  expirySeconds: number;
  externalId?: string;
  webhookUrl?: string;
}

export interface CreatedInvoice {
  paymentHash: string; // 64 lower-case hex
  bolt11: string;
  amountMsat: bigint;
  /** Unix seconds */
  expiresAt: number;
}

export interface IncomingInvoice {
  paymentHash: string;
  bolt11: string;
  /** only `isPaid` means paid: phoenixd shows the preimage of unpaid invoices too */
  isPaid: boolean;
  /** a hold invoice whose payment is locked in, waiting for settle or cancel (never `isPaid` yet) */
  isHeld?: boolean;
  isExpired: boolean;
  receivedMsat: bigint;
  requestedMsat: bigint | null;
  externalId: string | null;
  /** Unix seconds */
  expiresAt: number;
  completedAt: number | null;
}

/**
 * A payment has three outcomes. `pending` means "not known": it must never be taken as a
 * failure, and the payment must never be retried blindly; getPayment settles it later.
 */
export type PaymentOutcome =
  | { status: 'succeeded'; paymentHash: string; preimage: string; amountMsat: bigint; feeMsat: bigint }
  | { status: 'failed'; paymentHash: string | null; reason: string }
  | { status: 'pending'; paymentHash: string | null };

export interface PayInvoiceParams {
  bolt11: string;
  /** for zero-amount invoices only */
  amountMsat?: bigint;
  /** the most routing may cost (LND's fee_limit_msat, Core Lightning's maxfee); default: the backend's limit. phoenixd sets its own. */
  maxFeeMsat?: bigint;
}

/** A verified `payment_received` notification. */
export interface PaymentReceivedEvent {
  paymentHash: string;
  amountMsat: bigint;
  externalId: string | null;
}

/**
 * Hold invoices (LND; NWC wallet services that offer them): the caller keeps the preimage, so a payment is locked in but not taken
 * until it settles (reveals the preimage) or cancels (the payer gets the money back). For a later
 * non-custodial escrow; only backends that have them offer this capability.
 */
export interface HoldInvoices {
  createHoldInvoice(params: CreateInvoiceParams & { paymentHash: string }): Promise<CreatedInvoice>;
  /** takes the held payment; the preimage's hash names the invoice */
  settleHoldInvoice(preimage: string): Promise<void>;
  /** gives a held payment back (or closes an unpaid hold invoice) */
  cancelHoldInvoice(paymentHash: string): Promise<void>;
}

export interface WalletBackend {
  readonly kind: string;
  /** present only on backends with hold invoices */
  readonly holdInvoices?: HoldInvoices;
  createInvoice(params: CreateInvoiceParams): Promise<CreatedInvoice>;
  /** null when the backend does not know the hash */
  getInvoice(paymentHash: string): Promise<IncomingInvoice | null>;
  /** An invoice this node has already paid (or is paying) answers that payment, never `failed`: nothing is sent twice. */
  payInvoice(params: PayInvoiceParams): Promise<PaymentOutcome>;
  /** outgoing payment by hash; null when the backend never saw it */
  getPayment(paymentHash: string): Promise<PaymentOutcome | null>;
  getInfo(): Promise<{ nodeId: string }>;
  /** resolves once the node answers anything (a wallet may refuse getinfo's details and still serve payments); default: getInfo */
  ping?(): Promise<void>;
  /**
   * Checks a webhook's raw body against its signature header; returns the event or null
   * (bad signature, no secret configured, or not a payment_received event).
   */
  verifyWebhook(rawBody: Buffer, signatureHeader: string | undefined): PaymentReceivedEvent | null;
  /**
   * Backends that learn of payments by a stream of their own (LND, Core Lightning) tell the
   * listener of every invoice settled from now on. A notice is a hint: the receiver confirms it
   * with getInvoice before crediting. Returns the unsubscribe function.
   */
  onPaymentReceived?(listener: (event: PaymentReceivedEvent) => void): () => void;
}

/** Thrown when the backend cannot be reached or answers nonsense: maps to topup_unavailable. */
export class WalletUnavailableError extends Error {
  override name = 'WalletUnavailableError';
}

/**
 * Thrown by payInvoice only when nothing was sent: the node could not be reached before the
 * payment was asked for (no connection made), so the caller may give the money back at once.
 */
export class PaymentNotSentError extends WalletUnavailableError {
  override name = 'PaymentNotSentError';
}
