-- Scoped child tokens: an account made by a parent token, with its own balance (moved from the
-- parent), an optional expiry, daily cap and list of APIs. The daily cap counts what the token was
-- charged and what it holds in reservations on one UTC day (spend_day, days since 1970); the
-- CHECK makes spending past it impossible, as user_balance_not_negative does for the balance.
ALTER TABLE accounts ADD COLUMN parent_id bigint REFERENCES accounts (id);
ALTER TABLE accounts ADD COLUMN expires_at bigint;
ALTER TABLE accounts ADD COLUMN max_msat_per_day bigint CHECK (max_msat_per_day > 0);
ALTER TABLE accounts ADD COLUMN apis text[];
ALTER TABLE accounts ADD COLUMN revoked_at bigint;
ALTER TABLE accounts ADD COLUMN spend_day integer;
ALTER TABLE accounts ADD COLUMN spent_today_msat bigint NOT NULL DEFAULT 0;
ALTER TABLE accounts ADD CONSTRAINT child_within_daily_cap CHECK (max_msat_per_day IS NULL OR spent_today_msat <= max_msat_per_day);
CREATE INDEX accounts_parent ON accounts (parent_id) WHERE parent_id IS NOT NULL;

-- the day a reservation counted against, so its change is given back to that day's spending
ALTER TABLE holds ADD COLUMN spend_day integer;

-- an account's history is read newest first by journal id
CREATE INDEX entries_account_journal ON entries (account_id, journal_id DESC);
