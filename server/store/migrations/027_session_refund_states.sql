-- A session closed while calls still run on it is closed at once (no new call is paid from it)
-- but refunded only when the last of them has ended, so their change is refunded with the rest:
-- its refund is 'awaiting' until then. A refund the node could not be reached for (nothing was
-- sent) is 'unsent' until the reconcile job sends it. Instances of an earlier version never read
-- the new states.
ALTER TABLE mpp_sessions DROP CONSTRAINT IF EXISTS mpp_sessions_refund_state_check;
ALTER TABLE mpp_sessions ADD CONSTRAINT mpp_sessions_refund_state_check CHECK (refund_state IN ('awaiting', 'unsent', 'skipped', 'pending', 'succeeded', 'failed'));
CREATE INDEX mpp_sessions_awaiting ON mpp_sessions (closed_at) WHERE refund_state IN ('awaiting', 'unsent');
