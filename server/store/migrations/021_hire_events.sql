-- AI for Hire events: written in the same transaction as the state change they report, read by
-- every instance (server-sent events poll this table), kept at least 24 hours. `audience` lists
-- the accounts an event concerns; a public one (a new open task) goes to anyone who asked for
-- new tasks. Per-token webhooks get each event of their account through an outbox row written in
-- the same transaction, retried with backoff until delivered or given up.
CREATE TABLE hire_events (
  id         bigserial PRIMARY KEY,
  name       text NOT NULL,
  task_id    uuid,
  audience   bigint[] NOT NULL,
  public     boolean NOT NULL DEFAULT false,
  data       jsonb NOT NULL,
  created_at bigint NOT NULL
);
CREATE INDEX hire_events_audience ON hire_events USING gin (audience);
CREATE INDEX hire_events_created ON hire_events (created_at);

CREATE TABLE hire_webhooks (
  account_id bigint PRIMARY KEY REFERENCES accounts (id),
  url        text NOT NULL CHECK (url ~ '^https?://' AND char_length(url) <= 2000),
  secret     text NOT NULL,
  created_at bigint NOT NULL
);

CREATE TABLE hire_webhook_deliveries (
  event_id        bigint NOT NULL REFERENCES hire_events (id) ON DELETE CASCADE,
  account_id      bigint NOT NULL REFERENCES accounts (id),
  state           text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered', 'failed')),
  attempts        integer NOT NULL DEFAULT 0,
  next_attempt_at bigint NOT NULL,
  last_error      text,
  PRIMARY KEY (event_id, account_id)
);
CREATE INDEX hire_webhook_due ON hire_webhook_deliveries (next_attempt_at) WHERE state = 'pending';
