-- Every operator action, money-moving or not, is recorded here (who ran what, with what result).
CREATE TABLE admin_actions (
  id         bigserial PRIMARY KEY,
  action     text NOT NULL,
  args       text NOT NULL,
  result     text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
