-- New-token invoices carry a claim secret, given only to the requester: it redeems the invoice's
-- token without the preimage (wallets that never show one), and again after a reload. Neither
-- the secret nor the token is stored: only the SHA-256 of the token the secret derives, which
-- becomes the account's token_hash when the token is created.
-- claim_secret_only: a preimage claim credits that account but does not reveal its token (every
-- node on the route learns the preimage); the payment is credited as soon as it is known.
ALTER TABLE topups ADD COLUMN claim_token_hash bytea;
ALTER TABLE topups ADD COLUMN claim_secret_only boolean NOT NULL DEFAULT false;
ALTER TABLE topups ADD CONSTRAINT claim_secret_for_new_tokens CHECK (claim_token_hash IS NULL OR account_id IS NULL);
ALTER TABLE topups ADD CONSTRAINT claim_secret_only_has_secret CHECK (NOT claim_secret_only OR claim_token_hash IS NOT NULL);
