-- A settlement deletes its hold instead of marking it settled (ledger/holds.ts): an update wrote a
-- new version of the row and an entry in each of its indexes for every paid call — about a third
-- of the database's CPU for a call reserved ahead and settled, measured — and left the table
-- growing with every call ever made. The settled call is kept by its journal row (ref = the hold's
-- id) and its receipt (paid_calls.hold_id), which the history now joins directly: this index.
-- Holds settled before this migration keep their rows, marked settled, as before.
CREATE INDEX IF NOT EXISTS paid_calls_hold ON paid_calls (hold_id);
