-- Sliding one-minute windows per key, shared by every instance on this database (replaces the
-- fixed windows of 002, which let twice the budget through around a minute boundary).
-- counts[k] = requests admitted in the second `at - k + 1` (k = 1..60): the last 60 seconds.
-- The old table stays for instances of the previous version during a rolling upgrade; nothing
-- reads it any more.
CREATE TABLE rate_windows (
  key      text PRIMARY KEY,
  at       bigint NOT NULL,
  counts   integer[] NOT NULL,
  admitted boolean NOT NULL
);
CREATE INDEX rate_windows_at ON rate_windows (at);
