-- AI for Hire reputation bound to deals. Each token that takes part in the marketplace has a
-- public pseudonymous profile id (random, so it cannot be linked to the token without the
-- server); tasks and quotes carry the id of their buyer and contractor. A rating belongs to one
-- closed escrowed task, is given by its buyer or its accepted contractor to the other, once,
-- and carries the task's escrowed amount (its weight in the record).
CREATE TABLE hire_profiles (
  account_id bigint PRIMARY KEY REFERENCES accounts (id),
  id         text NOT NULL UNIQUE CHECK (id ~ '^prf_[0-9a-f]{24}$')
);
INSERT INTO hire_profiles (account_id, id)
  SELECT a, 'prf_' || substr(md5(random()::text || a::text || clock_timestamp()::text), 1, 24)
  FROM (SELECT buyer_account_id AS a FROM hire_tasks UNION SELECT contractor_account_id FROM hire_quotes) AS known;

ALTER TABLE hire_tasks ADD COLUMN buyer_profile text REFERENCES hire_profiles (id);
ALTER TABLE hire_quotes ADD COLUMN contractor_profile text REFERENCES hire_profiles (id);
UPDATE hire_tasks t SET buyer_profile = p.id FROM hire_profiles p WHERE p.account_id = t.buyer_account_id;
UPDATE hire_quotes q SET contractor_profile = p.id FROM hire_profiles p WHERE p.account_id = q.contractor_account_id;
ALTER TABLE hire_tasks ALTER COLUMN buyer_profile SET NOT NULL;
ALTER TABLE hire_quotes ALTER COLUMN contractor_profile SET NOT NULL;

CREATE TABLE hire_ratings (
  task_id          uuid NOT NULL REFERENCES hire_tasks (id),
  rater_account_id bigint NOT NULL REFERENCES accounts (id),
  ratee_account_id bigint NOT NULL REFERENCES accounts (id),
  stars            smallint NOT NULL CHECK (stars BETWEEN 1 AND 5),
  comment          text CHECK (char_length(comment) BETWEEN 1 AND 2000),
  amount_msat      bigint NOT NULL CHECK (amount_msat > 0),
  created_at       bigint NOT NULL,
  PRIMARY KEY (task_id, rater_account_id),
  CHECK (rater_account_id <> ratee_account_id)
);
CREATE INDEX hire_ratings_ratee ON hire_ratings (ratee_account_id);
CREATE INDEX hire_tasks_closed_contractor ON hire_tasks (contractor_account_id) WHERE status IN ('completed', 'refunded', 'split');
CREATE INDEX hire_tasks_closed_buyer ON hire_tasks (buyer_account_id) WHERE status IN ('completed', 'refunded', 'split');
