-- The totals' rows are taken in one order (by account) in every statement, so two transactions
-- that share a bucket wait for each other instead of deadlocking.
CREATE OR REPLACE FUNCTION ledger_totals_add() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO ledger_totals (account_key, bucket, total_msat)
  SELECT coalesce(a.name, 'user_balances'), (pg_backend_pid() % 32)::smallint, sum(n.amount_msat)
  FROM new_entries n JOIN accounts a ON a.id = n.account_id
  GROUP BY 1
  ORDER BY 1
  ON CONFLICT (account_key, bucket) DO UPDATE SET total_msat = ledger_totals.total_msat + EXCLUDED.total_msat;
  RETURN NULL;
END $$;
