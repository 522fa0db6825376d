-- A settlement deletes its hold instead of marking it settled (ledger/holds.ts): an update wrote a
-- new version of the row and an entry in each of its indexes for every paid call (a third of the
-- reservation and settlement statements' CPU in a probe, ~5 % of the database's under the
-- benchmark's load) and left the table growing with every call ever made. The settled call is
-- kept by its journal row (ref = the hold's id) and its receipt (paid_calls.hold_id), which the
-- history now joins directly: this index. Holds settled before this migration keep their rows.
CREATE INDEX IF NOT EXISTS paid_calls_hold ON paid_calls (hold_id);
