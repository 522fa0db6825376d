-- A token's low-balance threshold: paid answers say so (X-Balance-Low) once the balance is below it,
-- so that an agent tops up before it meets a 402 in the middle of a task.
ALTER TABLE accounts ADD COLUMN low_balance_msat bigint CHECK (low_balance_msat > 0);
