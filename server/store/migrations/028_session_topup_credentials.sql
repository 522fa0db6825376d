-- A session top-up's invoice is money of the session it was credited to, not a credential of its
-- own: its row was 'funded' with the session's account, so the invoice (or its preimage) paid
-- calls through L402, MPP charge or x402 from the whole session. It is now 'topup', naming no
-- account: its payment hash stays taken (a replay or another door is refused), and it pays nothing.
ALTER TABLE l402_credentials DROP CONSTRAINT l402_credentials_state_check;
ALTER TABLE l402_credentials ADD CONSTRAINT l402_credentials_state_check CHECK (state IN ('in_flight', 'spent', 'funded', 'topup'));
UPDATE l402_credentials c SET state = 'topup', account_id = NULL
  FROM mpp_session_topups t WHERE t.payment_hash = c.payment_hash AND c.state = 'funded';
