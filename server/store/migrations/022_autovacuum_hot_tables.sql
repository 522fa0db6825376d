-- Every paid call updates a hold (not in place: the sweep's partial index names its state) and an
-- account's balance; the kept totals change with every batch. By default autovacuum waits for a
-- fifth of a table to be dead, so on a large store dead versions pile up for minutes under load
-- and every lookup of a hold or an account walks past them (measured: the database's CPU per call
-- nearly doubled in 30 s of load, and came back with a VACUUM). These tables are vacuumed after a
-- fixed number of dead rows instead, whatever their size. Settings only: no lock that stops calls.
ALTER TABLE holds SET (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 10000, autovacuum_analyze_scale_factor = 0.02);
ALTER TABLE accounts SET (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 10000);
ALTER TABLE ledger_totals SET (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 1000);
