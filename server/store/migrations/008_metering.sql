-- Metered prices. An L402 credential carries value: on first use its invoice amount is deposited
-- into an account of its own (state 'funded'), from which each request it pays is reserved and
-- settled like a token's, so its change stays for later requests and a crash's hold is swept back.
ALTER TABLE l402_credentials DROP CONSTRAINT l402_credentials_state_check;
ALTER TABLE l402_credentials ADD CONSTRAINT l402_credentials_state_check CHECK (state IN ('in_flight', 'spent', 'funded'));
ALTER TABLE l402_credentials ADD COLUMN account_id bigint REFERENCES accounts (id);
ALTER TABLE l402_credentials ADD CONSTRAINT l402_credentials_funded_account CHECK ((state = 'funded') = (account_id IS NOT NULL));

-- One row per settled paid call: what it cost, what the upstream reported (GET /api/v1/usage/{id}).
CREATE TABLE paid_calls (
  request_id      text PRIMARY KEY,
  account_id      bigint NOT NULL REFERENCES accounts (id),
  hold_id         bigint NOT NULL REFERENCES holds (id),
  api             text NOT NULL,
  endpoint        text NOT NULL,
  model           text,
  max_charge_msat bigint NOT NULL CHECK (max_charge_msat >= 0),
  charged_msat    bigint NOT NULL CHECK (charged_msat >= 0 AND charged_msat <= max_charge_msat),
  usage           jsonb,
  created_at      bigint NOT NULL
);
CREATE INDEX paid_calls_account ON paid_calls (account_id, created_at DESC);
