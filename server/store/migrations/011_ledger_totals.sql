-- Ledger totals kept by the statements that move money, so a metrics scrape reads a few rows
-- instead of summing the whole journal. Each total is spread over buckets (the database
-- connection's process id) so that concurrent transactions never queue on one row; a total is
-- the sum of its buckets. The audit checks them against the journal.
CREATE TABLE ledger_totals (
  account_key text NOT NULL,              -- a system account's name, or 'user_balances'
  bucket      smallint NOT NULL,
  total_msat  bigint NOT NULL,
  PRIMARY KEY (account_key, bucket)
);

CREATE FUNCTION ledger_totals_add() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO ledger_totals (account_key, bucket, total_msat)
  SELECT coalesce(a.name, 'user_balances'), (pg_backend_pid() % 32)::smallint, sum(n.amount_msat)
  FROM new_entries n JOIN accounts a ON a.id = n.account_id
  GROUP BY 1
  ON CONFLICT (account_key, bucket) DO UPDATE SET total_msat = ledger_totals.total_msat + EXCLUDED.total_msat;
  RETURN NULL;
END $$;

CREATE TRIGGER entries_totals AFTER INSERT ON entries REFERENCING NEW TABLE AS new_entries
  FOR EACH STATEMENT EXECUTE FUNCTION ledger_totals_add();

-- the history so far, carried over once
INSERT INTO ledger_totals (account_key, bucket, total_msat)
SELECT coalesce(a.name, 'user_balances'), -1, sum(e.amount_msat) FROM entries e JOIN accounts a ON a.id = e.account_id GROUP BY 1;
