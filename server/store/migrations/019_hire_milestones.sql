-- AI for Hire milestones and machine-checked delivery. A task's milestones are fixed when it is
-- posted (title, amount, deadline, acceptance check), kept as JSON on the task; progress lives in
-- plain columns so that every step stays a compare-and-set on one row.
--   milestones:        null for a plain task (one delivery), else
--                      [{"title", "amount_sats", "deadline_seconds"|null, "acceptance"|null}]
--   acceptance:        a plain task's check: {"json_schema": {...}} or {"sha256": "<64 hex>"}
--   current_milestone: the milestone being worked on (0 for a plain task)
--   released_msat:     escrow already paid to the contractor for finished milestones, each by its
--                      own journal entry (kind hire_milestone_release, ref = the task id)
ALTER TABLE hire_tasks ADD COLUMN milestones jsonb;
ALTER TABLE hire_tasks ADD COLUMN acceptance jsonb;
ALTER TABLE hire_tasks ADD COLUMN current_milestone integer NOT NULL DEFAULT 0 CHECK (current_milestone >= 0);
ALTER TABLE hire_tasks ADD COLUMN released_msat bigint NOT NULL DEFAULT 0 CHECK (released_msat >= 0);
ALTER TABLE hire_tasks ADD COLUMN awarded_at bigint;
-- a partial release never empties the escrow: the last milestone is paid by closing the task
ALTER TABLE hire_tasks ADD CONSTRAINT hire_released_below_escrow CHECK (released_msat = 0 OR released_msat < escrow_msat);
