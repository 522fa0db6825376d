-- Fixed one-minute windows per key, shared by every instance on this database.
CREATE TABLE rate_limits (
  key          text NOT NULL,
  window_start bigint NOT NULL,
  hits         integer NOT NULL,
  PRIMARY KEY (key, window_start)
);
