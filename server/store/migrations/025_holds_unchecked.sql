-- Every reservation inserts holds: the next 64 calls of a token at once when an instance reserves
-- ahead, one a call otherwise. The foreign key from a hold to its account ran a lookup with a row
-- lock for each hold inserted — about 30 % of a 64-hold reservation's database CPU, measured — to
-- re-check the account the same statement had just debited. The ledger alone writes holds;
-- `npm run ledger:audit` checks their accounts instead (ledger/audit-references.ts): each open
-- hold's, and with --full every hold's.
-- A brief lock on the table while the constraint goes; safe to apply with instances running.
ALTER TABLE holds DROP CONSTRAINT IF EXISTS holds_account_id_fkey;
