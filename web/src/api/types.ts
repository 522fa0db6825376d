// Response bodies of the HTTP contract (shared/api-contract.md), as the web app reads them.
export type { PublicCatalog, PublicApi, PublicEndpoint } from '../../../contract/catalog';

/** The wallet behind the server; `devnode` pays nothing real (the lead adds it to /health). */
export type WalletKind = 'devnode' | 'phoenixd' | (string & {});

export interface Health {
  status: string;
  wallet?: WalletKind;
}

export interface TopupInvoice {
  invoice: string;
  payment_hash: string;
  amount_sats: number;
  /** Unix seconds */
  expires_at: number;
}

export type TopupState = 'pending' | 'paid' | 'expired';

export interface TopupStatus {
  status: TopupState;
  amount_sats?: number;
  expires_at?: number;
}

export interface ClaimResult {
  /** absent for a refill claimed without the token in the request */
  token?: string;
  balance_sats: number;
  credited_sats: number;
}

export interface Balance {
  balance_sats: number;
  balance_msat: number | string;
}

export interface DevPayResult {
  preimage: string;
}

export type Id = string | number;

/** The server's task statuses, in the order a filter lists them. */
export const TASK_STATUSES = ['open', 'awarded', 'delivered', 'revision_requested', 'disputed', 'completed', 'cancelled', 'expired', 'refunded', 'split'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number] | (string & {});

export type QuoteStatus = 'pending' | 'accepted' | 'declined' | 'withdrawn' | (string & {});

export interface Quote {
  id: Id;
  /** a paid POST made without a token answers the token it created */
  token?: string;
  task_id?: Id;
  price_sats: number;
  description: string;
  status: QuoteStatus;
  created_at?: number;
  updated_at?: number;
}

/** A delivery, as a bare string or an object with its body (the contract leaves it open). */
export type Delivery = string | { body: string; created_at?: number };

export interface Task {
  id: Id;
  title: string;
  description: string;
  budget_sats?: number | null;
  status: TaskStatus;
  created_at?: number;
  quotes?: Quote[];
  quote_count?: number;
  accepted_quote_id?: Id | null;
  /** the escrowed price once a quote is accepted */
  price_sats?: number | null;
  revisions_used?: number;
  max_revisions?: number;
  /** only when the request carried the token of the buyer or the accepted contractor */
  role?: 'buyer' | 'contractor';
  delivery?: Delivery | null;
  /** a paid POST made without a token answers the token it created */
  token?: string;
}

export interface TaskPage {
  tasks: Task[];
  /** offset of the next page, null on the last one */
  nextOffset: number | null;
}

export interface Message {
  id?: Id;
  body: string;
  created_at?: number;
  /** who wrote it, when the server says so */
  sender?: 'buyer' | 'contractor' | (string & {});
}

export interface MessageList {
  messages: Message[];
}

export interface MyQuote extends Quote {
  task_title?: string;
  task_status?: string;
}

export interface Me {
  balance_sats: number;
  tasks: Task[];
  quotes: MyQuote[];
  unread_messages?: number;
}

export interface CollectResult {
  paid_sats: number;
  fee_sats: number;
  balance_sats: number;
  preimage: string;
}

export interface NewTask {
  title: string;
  description: string;
  budget_sats?: number;
}

export interface NewQuote {
  price_sats: number;
  description: string;
}

export type QuotePatch = Partial<NewQuote>;
