-- AI for Hire: tasks, quotes, private message threads, deliveries and Lightning payouts.
-- Times are Unix seconds (the service's clock), amounts integer millisatoshis.
-- Every state change that moves money is a compare-and-set on `status`/`state` in the same
-- transaction as its journal entries (journal.ref = the task or payout id).
CREATE TABLE hire_tasks (
  id                    uuid PRIMARY KEY,
  buyer_account_id      bigint NOT NULL REFERENCES accounts (id),
  title                 text NOT NULL CHECK (char_length(title) BETWEEN 1 AND 200),
  description           text NOT NULL CHECK (char_length(description) BETWEEN 1 AND 20000),
  budget_msat           bigint CHECK (budget_msat > 0),
  status                text NOT NULL DEFAULT 'open' CHECK (status IN (
                          'open', 'cancelled', 'expired', 'awarded', 'delivered', 'revision_requested',
                          'disputed', 'completed', 'refunded', 'split')),
  accepted_quote_id     uuid,
  contractor_account_id bigint REFERENCES accounts (id),
  -- the accepted price, held by the `escrow` account from accept until the task closes
  escrow_msat           bigint CHECK (escrow_msat > 0),
  -- how a closed escrow was paid out: to the contractor, back to the buyer, or both
  contractor_paid_msat  bigint CHECK (contractor_paid_msat >= 0),
  buyer_refunded_msat   bigint CHECK (buyer_refunded_msat >= 0),
  outcome               text,
  revisions_used        integer NOT NULL DEFAULT 0 CHECK (revisions_used >= 0),
  expires_at            bigint NOT NULL,
  delivery_due_at       bigint,
  review_due_at         bigint,
  delivered_at          bigint,
  created_at            bigint NOT NULL,
  updated_at            bigint NOT NULL,
  CONSTRAINT hire_escrow_iff_awarded CHECK (
    (status IN ('open', 'cancelled', 'expired')) = (escrow_msat IS NULL)),
  CONSTRAINT hire_award_is_complete CHECK (
    (escrow_msat IS NULL) = (accepted_quote_id IS NULL) AND (escrow_msat IS NULL) = (contractor_account_id IS NULL)),
  CONSTRAINT hire_payout_matches_escrow CHECK (
    CASE WHEN status IN ('completed', 'refunded', 'split')
      THEN contractor_paid_msat IS NOT NULL AND buyer_refunded_msat IS NOT NULL
        AND contractor_paid_msat + buyer_refunded_msat = escrow_msat
      ELSE contractor_paid_msat IS NULL AND buyer_refunded_msat IS NULL END)
);
CREATE INDEX hire_tasks_status_created ON hire_tasks (status, created_at DESC);
CREATE INDEX hire_tasks_buyer ON hire_tasks (buyer_account_id);
CREATE INDEX hire_tasks_contractor ON hire_tasks (contractor_account_id) WHERE contractor_account_id IS NOT NULL;
CREATE INDEX hire_tasks_open_expiry ON hire_tasks (expires_at) WHERE status = 'open';
CREATE INDEX hire_tasks_delivery_due ON hire_tasks (delivery_due_at) WHERE status IN ('awarded', 'revision_requested');
CREATE INDEX hire_tasks_review_due ON hire_tasks (review_due_at) WHERE status = 'delivered';

CREATE TABLE hire_quotes (
  id                    uuid PRIMARY KEY,
  task_id               uuid NOT NULL REFERENCES hire_tasks (id),
  contractor_account_id bigint NOT NULL REFERENCES accounts (id),
  price_msat            bigint NOT NULL CHECK (price_msat > 0),
  description           text NOT NULL CHECK (char_length(description) BETWEEN 1 AND 20000),
  status                text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'accepted', 'declined', 'withdrawn')),
  created_at            bigint NOT NULL,
  updated_at            bigint NOT NULL
);
CREATE INDEX hire_quotes_task ON hire_quotes (task_id, created_at);
CREATE INDEX hire_quotes_contractor ON hire_quotes (contractor_account_id);
-- A task never has two accepted quotes, whatever races.
CREATE UNIQUE INDEX hire_quotes_one_accepted ON hire_quotes (task_id) WHERE status = 'accepted';

-- One private thread per quote, between the task's buyer and that quote's contractor.
CREATE TABLE hire_messages (
  id                bigserial PRIMARY KEY,
  quote_id          uuid NOT NULL REFERENCES hire_quotes (id),
  sender_account_id bigint NOT NULL REFERENCES accounts (id),
  kind              text NOT NULL DEFAULT 'message' CHECK (kind IN ('message', 'delivery', 'revision_request', 'dispute')),
  body              text NOT NULL CHECK (char_length(body) BETWEEN 1 AND 20000),
  created_at        bigint NOT NULL,
  read_at           bigint
);
CREATE INDEX hire_messages_quote ON hire_messages (quote_id, id);
CREATE INDEX hire_messages_unread ON hire_messages (quote_id) WHERE read_at IS NULL;

-- Collects: amount + fee reserve held in `payouts_pending` while the wallet pays.
CREATE TABLE hire_payouts (
  id               uuid PRIMARY KEY,
  account_id       bigint NOT NULL REFERENCES accounts (id),
  payment_hash     text NOT NULL CHECK (payment_hash ~ '^[0-9a-f]{64}$'),
  bolt11           text NOT NULL,
  amount_msat      bigint NOT NULL CHECK (amount_msat > 0),
  fee_reserve_msat bigint NOT NULL CHECK (fee_reserve_msat >= 0),
  fee_msat         bigint CHECK (fee_msat >= 0),
  state            text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'succeeded', 'failed')),
  preimage         text,
  failure_reason   text,
  invoice_expires_at bigint NOT NULL,
  created_at       bigint NOT NULL,
  resolved_at      bigint,
  CONSTRAINT hire_payout_resolution CHECK (
    (state = 'pending' AND resolved_at IS NULL) OR
    (state = 'succeeded' AND preimage IS NOT NULL AND fee_msat IS NOT NULL AND resolved_at IS NOT NULL) OR
    (state = 'failed' AND resolved_at IS NOT NULL))
);
-- An invoice is paid at most once: one live (pending or paid) payout per payment hash.
-- A cleanly failed attempt does not block a retry of the same invoice.
CREATE UNIQUE INDEX hire_payouts_one_live_per_hash ON hire_payouts (payment_hash) WHERE state <> 'failed';
CREATE INDEX hire_payouts_pending ON hire_payouts (created_at) WHERE state = 'pending';
CREATE INDEX hire_payouts_account ON hire_payouts (account_id, created_at DESC);
