-- Every paid call's settlement writes a journal row, its entries and its receipt (paid_calls). The
-- foreign keys on those rows ran four lookups with a row lock per call inside the statement —
-- about a third of an embedded (PGlite) settlement's CPU, measured — to re-check ids the same
-- statement had just read from the hold it settled and the accounts it locked. The ledger alone
-- writes these tables; `npm run ledger:audit` checks their references instead (ledger/audit-references.ts):
-- each entry's journal row and account, and with --full each receipt's account and hold.
-- A brief lock on each table while the constraints go; safe to apply with instances running.
ALTER TABLE entries DROP CONSTRAINT IF EXISTS entries_journal_id_fkey;
ALTER TABLE entries DROP CONSTRAINT IF EXISTS entries_account_id_fkey;
ALTER TABLE paid_calls DROP CONSTRAINT IF EXISTS paid_calls_account_id_fkey;
ALTER TABLE paid_calls DROP CONSTRAINT IF EXISTS paid_calls_hold_id_fkey;
