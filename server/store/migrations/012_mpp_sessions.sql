-- MPP Lightning sessions: a deposit's value in an account of its own (the funded credential of the
-- deposit's payment hash), a return invoice for the remainder, top-ups credited once each, and
-- the refund paid at close (held in payouts_pending while the wallet pays it).
CREATE TABLE mpp_sessions (
  payment_hash    text PRIMARY KEY,
  account_id      bigint NOT NULL REFERENCES accounts(id),
  return_invoice  text NOT NULL,
  return_hash     text NOT NULL,
  state           text NOT NULL CHECK (state IN ('open', 'closed')),
  opened_at       bigint NOT NULL,
  last_used_at    bigint NOT NULL,
  closed_at       bigint,
  refund_msat     bigint CHECK (refund_msat >= 0),
  refund_fee_msat bigint CHECK (refund_fee_msat >= 0),
  refund_state    text CHECK (refund_state IN ('skipped', 'pending', 'succeeded', 'failed')),
  CHECK ((state = 'closed') = (refund_state IS NOT NULL))
);
CREATE INDEX mpp_sessions_idle ON mpp_sessions (last_used_at) WHERE state = 'open';
CREATE INDEX mpp_sessions_refunding ON mpp_sessions (closed_at) WHERE refund_state = 'pending';

CREATE TABLE mpp_session_topups (
  payment_hash text PRIMARY KEY,
  session_hash text NOT NULL REFERENCES mpp_sessions(payment_hash),
  amount_msat  bigint NOT NULL CHECK (amount_msat > 0),
  created_at   bigint NOT NULL
);
