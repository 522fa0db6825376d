-- Double-entry ledger. Amounts are integer millisatoshis.
-- User accounts keep a balance column, changed only in the statement or transaction that
-- writes their journal entries; the CHECK makes a negative balance impossible.
-- System account balances are derived from their entries (a hot balance row would
-- serialise every paid call); the audit recomputes both.
CREATE TABLE accounts (
  id           bigserial PRIMARY KEY,
  kind         text NOT NULL CHECK (kind IN ('user', 'system')),
  name         text UNIQUE,
  token_hash   bytea UNIQUE,
  balance_msat bigint NOT NULL DEFAULT 0,
  created_at   timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT user_balance_not_negative CHECK (kind <> 'user' OR balance_msat >= 0),
  CONSTRAINT user_has_token CHECK (kind <> 'user' OR token_hash IS NOT NULL),
  CONSTRAINT system_has_name CHECK (kind <> 'system' OR (name IS NOT NULL AND balance_msat = 0))
);

INSERT INTO accounts (kind, name) VALUES
  ('system', 'lightning'),
  ('system', 'holds'),
  ('system', 'escrow'),
  ('system', 'revenue'),
  ('system', 'payouts_pending'),
  ('system', 'adjustments');

CREATE TABLE journal (
  id         bigserial PRIMARY KEY,
  kind       text NOT NULL,
  ref        text,
  memo       text,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX journal_kind_ref ON journal (kind, ref);

CREATE TABLE entries (
  journal_id  bigint NOT NULL REFERENCES journal (id),
  account_id  bigint NOT NULL REFERENCES accounts (id),
  amount_msat bigint NOT NULL CHECK (amount_msat <> 0)
);
CREATE INDEX entries_account ON entries (account_id);
CREATE INDEX entries_journal ON entries (journal_id);

-- Two-phase holds: reserve -> settle | release. expires_at (unix seconds) lets a sweep
-- release the holds a crash left behind.
CREATE TABLE holds (
  id          bigserial PRIMARY KEY,
  account_id  bigint NOT NULL REFERENCES accounts (id),
  amount_msat bigint NOT NULL CHECK (amount_msat > 0),
  state       text NOT NULL DEFAULT 'held' CHECK (state IN ('held', 'settled', 'released')),
  purpose     text NOT NULL,
  expires_at  bigint NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  resolved_at timestamptz
);
CREATE INDEX holds_held_expiry ON holds (expires_at) WHERE state = 'held';
CREATE INDEX holds_account ON holds (account_id);

-- Top-up invoices. account_id set = a refill of that account; null = a new token on claim.
CREATE TABLE topups (
  payment_hash         text PRIMARY KEY CHECK (payment_hash ~ '^[0-9a-f]{64}$'),
  amount_msat          bigint NOT NULL CHECK (amount_msat > 0),
  account_id           bigint REFERENCES accounts (id),
  bolt11               text NOT NULL,
  state                text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'paid', 'expired')),
  credited_account_id  bigint REFERENCES accounts (id),
  credited_at          timestamptz,
  claimed_at           timestamptz,
  expires_at           bigint NOT NULL,
  created_at           timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT credited_only_when_paid CHECK (credited_at IS NULL OR state = 'paid'),
  CONSTRAINT claimed_only_when_paid CHECK (claimed_at IS NULL OR state = 'paid')
);
CREATE INDEX topups_pending ON topups (expires_at) WHERE state = 'pending';

-- L402 credentials in use or spent: the unique key makes a replay fail on any instance.
CREATE TABLE l402_credentials (
  payment_hash text PRIMARY KEY,
  state        text NOT NULL CHECK (state IN ('in_flight', 'spent')),
  endpoint     text NOT NULL,
  price_msat   bigint NOT NULL CHECK (price_msat >= 0),
  updated_at   bigint NOT NULL
);
