-- Audit checkpoints: each row is a verified segment of the journal [from_journal_id, below_journal_id)
-- with a digest of its rows and a chain hash (sha256 of the previous chain and this digest), so the
-- audit can verify only what came after the newest one and still notice a rewritten old row.
CREATE TABLE audit_checkpoints (
  id               bigserial PRIMARY KEY,
  from_journal_id  bigint NOT NULL UNIQUE,   -- unique: two audits at once cannot both extend the chain
  below_journal_id bigint NOT NULL UNIQUE CHECK (below_journal_id > from_journal_id),
  digest           text NOT NULL,          -- sha256 (hex) of the segment's live rows (audit-digest.ts)
  chain            text NOT NULL,          -- sha256 (hex) of the previous chain and this digest
  totals           jsonb NOT NULL,         -- ledger totals below below_journal_id, msat as decimal strings
  archive          text,                   -- the archive that replaced this segment's rows by a carry-forward
  chain_carried    boolean NOT NULL DEFAULT false, -- chain kept from the segment an archive cut or replaced (its manifest records it)
  verified_at      timestamptz NOT NULL DEFAULT now(),
  created_at       timestamptz NOT NULL DEFAULT now()
);

-- Each account's sum of entries below the newest checkpoint: the incremental audit adds what came after.
CREATE TABLE audit_balances (
  account_id  bigint PRIMARY KEY REFERENCES accounts (id),
  below_msat  bigint NOT NULL
);
