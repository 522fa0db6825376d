-- A compact journal: a reservation no longer writes journal lines (it debits the balance column
-- and inserts its hold); the journal row is written once, when the hold settles or is released.
-- An account's journal entries therefore sum to its balance plus its open holds, and the holds
-- system account to zero. The holds open now were journalled the old way (account → holds): one
-- journal row carries them back to their accounts, exactly, so both sums hold from here on.
WITH open AS (
  SELECT account_id, sum(amount_msat) AS s FROM holds WHERE state = 'held' GROUP BY account_id
), j AS (
  INSERT INTO journal (kind, memo)
  SELECT 'hold_carry', 'open holds counted from holds from now on (017)' WHERE EXISTS (SELECT 1 FROM open)
  RETURNING id
)
INSERT INTO entries (journal_id, account_id, amount_msat)
SELECT j.id, open.account_id, open.s FROM j, open
UNION ALL
SELECT j.id, (SELECT id FROM accounts WHERE name = 'holds'), -(SELECT sum(s) FROM open) FROM j;

