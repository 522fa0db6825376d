-- The instances serving this database, each seen every few seconds: an instance that finds
-- itself alone may reserve holds ahead (docs/architecture.md, "Reserving ahead"), since no other
-- instance would see them as spent. Not money: a row per running server.
CREATE TABLE IF NOT EXISTS serving_instances (
  id text PRIMARY KEY,
  seen_at bigint NOT NULL
);
