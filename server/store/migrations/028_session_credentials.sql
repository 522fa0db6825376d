-- An invoice paid into an MPP session is the session's money, spent through the session only.
-- A top-up's row was 'funded' with the session's account, so that invoice (or its preimage) paid
-- calls through L402, MPP charge or x402 from the whole session: it is now 'topup', naming no
-- account (its payment hash stays taken: a replay or another door is refused). A deposit's row
-- becomes 'session' once the session opens: it still names the session's account (the session's
-- bearer pays from it, its receipts are read by it), but the credential doors no longer pay from
-- it, so a closed session is closed through every door.
ALTER TABLE l402_credentials DROP CONSTRAINT l402_credentials_state_check;
ALTER TABLE l402_credentials ADD CONSTRAINT l402_credentials_state_check CHECK (state IN ('in_flight', 'spent', 'funded', 'topup', 'session'));
ALTER TABLE l402_credentials DROP CONSTRAINT l402_credentials_funded_account;
ALTER TABLE l402_credentials ADD CONSTRAINT l402_credentials_funded_account CHECK ((state IN ('funded', 'session')) = (account_id IS NOT NULL));
UPDATE l402_credentials c SET state = 'topup', account_id = NULL
  FROM mpp_session_topups t WHERE t.payment_hash = c.payment_hash AND c.state = 'funded';
UPDATE l402_credentials c SET state = 'session'
  FROM mpp_sessions s WHERE s.payment_hash = c.payment_hash AND c.state = 'funded';
