-- Idempotency keys (issue 25): a client (the grid worker's phone, retrying a queued action after
-- the connection dropped) sends `Idempotency-Key` on a write; the server runs the first request
-- and remembers its answer, so a retry gets that answer again instead of a second transition,
-- hazard or report (server/idempotency/). In the database, not in memory: several servers on one
-- database see the same keys, and a claim is one INSERT … ON CONFLICT on the primary key.
CREATE TABLE idempotency_keys (
  -- Whose key: 'user:<id>' for a logged-in user or API key (keys act as their user), or
  -- 'anonymous:<actor>' with anonymous access on. Another caller's same key is another entry.
  owner        text NOT NULL,
  key          text NOT NULL CHECK (length(key) BETWEEN 1 AND 255),
  -- The request the key was first used with: a retry must match all three (else 422).
  method       text NOT NULL,
  path         text NOT NULL,
  fingerprint  text NOT NULL CHECK (fingerprint ~ '^[0-9a-f]{64}$'),
  -- 'running' while the first request is being handled (a retry meanwhile is 409), 'done' once
  -- its answer is stored. `claim` is the random id of the request that holds a running key.
  state        text NOT NULL DEFAULT 'running' CHECK (state IN ('running', 'done')),
  claim        uuid NOT NULL,
  -- The stored answer: status, the headers that matter (Content-Type, Location) and the body.
  status       integer CHECK (status BETWEEN 100 AND 599),
  headers      jsonb,
  body         bytea,
  created_at   timestamptz NOT NULL DEFAULT now(),
  expires_at   timestamptz NOT NULL,
  PRIMARY KEY (owner, key),
  CHECK ((state = 'done') = (status IS NOT NULL))
);
-- Expired entries are pruned by the writes that claim new keys.
CREATE INDEX idempotency_keys_expires_idx ON idempotency_keys (expires_at);

-- Server-internal: stored answers belong to their callers, so the scoped role (019) gets no
-- access; the server reads and writes the table with its own connection, outside withScope.
CREATE OR REPLACE FUNCTION app_grant_scoped() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  GRANT USAGE ON SCHEMA public TO onemap_scoped;
  GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO onemap_scoped;
  GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO onemap_scoped;
  REVOKE ALL ON users, sessions, api_keys, audit_log, schema_migrations, idempotency_keys FROM onemap_scoped;
  REVOKE INSERT, UPDATE, DELETE ON admin_areas, incident_categories, models, model_versions,
    ranking_config_versions, gazetteer, category_roles, admin_area_history, district_profile FROM onemap_scoped;
END $$;
