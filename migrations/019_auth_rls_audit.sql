-- Accounts, sessions, API keys, the audit log, and area scope enforced by row-level security.
--
-- How scope works: a request of a role scoped to areas (town officer, grid worker) runs its
-- transaction as the role `onemap_scoped` (SET LOCAL ROLE, server/db/index.ts withScope) with
-- `app.area_codes` set to its areas. The server's own connection is the database owner or a
-- superuser, which RLS does not restrict: district-wide requests and the server's own work
-- (imports, models, rollup triggers) run as it. The policies below are what a scoped request can
-- see and write, whatever the handler asks for.

-- ── Accounts ────────────────────────────────────────────────────────────────────────────────
CREATE TABLE users (
  id            bigserial PRIMARY KEY,
  username      text NOT NULL UNIQUE CHECK (username ~ '^[A-Za-z0-9._-]{2,64}$'),
  display_name  text NOT NULL DEFAULT '',
  role          text NOT NULL CHECK (role IN ('admin', 'command', 'town', 'grid', 'analyst', 'wall')),
  -- Town codes for a town officer, grid codes for a grid worker; empty for district-wide roles.
  area_codes    text[] NOT NULL DEFAULT '{}',
  -- NULL: no password login (machine and wall-display accounts use keys and display tokens).
  password_hash text,
  disabled      boolean NOT NULL DEFAULT false,
  created_by    text NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now(),
  CHECK ((role IN ('town', 'grid')) = (cardinality(area_codes) > 0))
);

-- Login sessions and wall-display tokens: only a SHA-256 of the token is kept.
CREATE TABLE sessions (
  token_hash   text PRIMARY KEY,
  user_id      bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  kind         text NOT NULL CHECK (kind IN ('login', 'display')),
  name         text,
  csrf_token   text NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  expires_at   timestamptz NOT NULL,
  last_seen_at timestamptz NOT NULL DEFAULT now(),
  revoked_at   timestamptz
);
CREATE INDEX sessions_user_idx ON sessions (user_id);

-- API keys for machine ingest; a key acts as its user (role and areas).
CREATE TABLE api_keys (
  id           bigserial PRIMARY KEY,
  user_id      bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  name         text NOT NULL,
  prefix       text NOT NULL,
  key_hash     text NOT NULL UNIQUE,
  created_by   text NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  last_used_at timestamptz,
  revoked_at   timestamptz
);
CREATE INDEX api_keys_user_idx ON api_keys (user_id);

-- ── Audit log: append-only ──────────────────────────────────────────────────────────────────
CREATE TABLE audit_log (
  id         bigserial PRIMARY KEY,
  at         timestamptz NOT NULL DEFAULT now(),
  actor      text NOT NULL,
  role       text,
  action     text NOT NULL,
  target     text,
  details    jsonb NOT NULL DEFAULT '{}'::jsonb,
  ip         text,
  request_id text
);
CREATE INDEX audit_log_at_idx ON audit_log (at);
CREATE INDEX audit_log_action_idx ON audit_log (action, at);

-- Nobody edits or deletes the record, not even the server's own (owner) connection.
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();

-- ── The scoped role ─────────────────────────────────────────────────────────────────────────
-- Roles are per cluster: another database on the same server (tests make many) may have made
-- it already, possibly at this very moment.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'onemap_scoped') THEN
    CREATE ROLE onemap_scoped NOLOGIN;
  END IF;
EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
END $$;
-- The server's own user must be allowed to SET ROLE to it (a no-op for a superuser).
DO $$
BEGIN
  EXECUTE format('GRANT onemap_scoped TO %I', current_user);
EXCEPTION WHEN OTHERS THEN NULL;
END $$;

-- Grants for the scoped role, re-run after every migration (server/db/migrate.ts) so new tables
-- are covered. Accounts, keys and the audit log stay out of its reach: the server reads them
-- with its own connection.
CREATE FUNCTION app_grant_scoped() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  GRANT USAGE ON SCHEMA public TO onemap_scoped;
  GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO onemap_scoped;
  GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO onemap_scoped;
  REVOKE ALL ON users, sessions, api_keys, audit_log, schema_migrations FROM onemap_scoped;
  REVOKE INSERT, UPDATE, DELETE ON admin_areas, incident_categories, models, model_versions,
    ranking_config_versions FROM onemap_scoped;
END $$;

-- ── Scope functions ─────────────────────────────────────────────────────────────────────────
-- Policies call these inside (SELECT …), so each is evaluated once per statement, not per row.

-- True when the transaction's scope is the whole district ('*').
CREATE FUNCTION app_scope_all() RETURNS boolean LANGUAGE sql STABLE AS $$
  SELECT coalesce(current_setting('app.area_codes', true), '') = '*'
$$;

-- The scope's area codes (any level); empty when unset, so a forgotten scope sees nothing.
CREATE FUNCTION app_scope_areas() RETURNS text[] LANGUAGE sql STABLE AS $$
  SELECT CASE WHEN app_scope_all() THEN '{}'::text[]
              ELSE coalesce(string_to_array(nullif(current_setting('app.area_codes', true), ''), ','), '{}') END
$$;

-- The scope's areas and every area below them (a town: its villages, grids and micro-grids).
CREATE FUNCTION app_scope_subtree() RETURNS text[] LANGUAGE sql STABLE AS $$
  WITH RECURSIVE below(code) AS (
    SELECT unnest(app_scope_areas())
    UNION
    SELECT a.code FROM admin_areas a JOIN below b ON a.parent_code = b.code
  )
  SELECT coalesce(array_agg(code), '{}') FROM below
$$;

-- ── Policies ────────────────────────────────────────────────────────────────────────────────
-- A row is in scope when any of its area codes is one of the scope's areas. Unplaced rows (no
-- codes) belong to the district only.
ALTER TABLE incidents ENABLE ROW LEVEL SECURITY;
CREATE POLICY incidents_scope ON incidents USING (
  (SELECT app_scope_all())
  OR town_code = ANY ((SELECT app_scope_areas())::text[]) OR village_code = ANY ((SELECT app_scope_areas())::text[])
  OR grid_code = ANY ((SELECT app_scope_areas())::text[]) OR microgrid_code = ANY ((SELECT app_scope_areas())::text[]));

ALTER TABLE addresses ENABLE ROW LEVEL SECURITY;
CREATE POLICY addresses_scope ON addresses USING (
  (SELECT app_scope_all())
  OR town_code = ANY ((SELECT app_scope_areas())::text[]) OR village_code = ANY ((SELECT app_scope_areas())::text[])
  OR grid_code = ANY ((SELECT app_scope_areas())::text[]) OR microgrid_code = ANY ((SELECT app_scope_areas())::text[]));

ALTER TABLE hazards ENABLE ROW LEVEL SECURITY;
CREATE POLICY hazards_scope ON hazards USING (
  (SELECT app_scope_all())
  OR town_code = ANY ((SELECT app_scope_areas())::text[]) OR village_code = ANY ((SELECT app_scope_areas())::text[])
  OR grid_code = ANY ((SELECT app_scope_areas())::text[]) OR microgrid_code = ANY ((SELECT app_scope_areas())::text[]));

ALTER TABLE warnings ENABLE ROW LEVEL SECURITY;
CREATE POLICY warnings_scope ON warnings USING (
  (SELECT app_scope_all())
  OR town_code = ANY ((SELECT app_scope_areas())::text[]) OR village_code = ANY ((SELECT app_scope_areas())::text[])
  OR grid_code = ANY ((SELECT app_scope_areas())::text[]));

ALTER TABLE tasks ENABLE ROW LEVEL SECURITY;
CREATE POLICY tasks_scope ON tasks USING (
  (SELECT app_scope_all())
  OR town_code = ANY ((SELECT app_scope_areas())::text[]) OR village_code = ANY ((SELECT app_scope_areas())::text[])
  OR grid_code = ANY ((SELECT app_scope_areas())::text[]));

-- Histories follow their parent (the subquery is itself under the parent's policy).
ALTER TABLE hazard_events ENABLE ROW LEVEL SECURITY;
CREATE POLICY hazard_events_scope ON hazard_events USING (EXISTS (SELECT 1 FROM hazards h WHERE h.id = hazard_events.hazard_id));
ALTER TABLE task_events ENABLE ROW LEVEL SECURITY;
CREATE POLICY task_events_scope ON task_events USING (EXISTS (SELECT 1 FROM tasks t WHERE t.id = task_events.task_id));
ALTER TABLE warning_events ENABLE ROW LEVEL SECURITY;
CREATE POLICY warning_events_scope ON warning_events USING (EXISTS (SELECT 1 FROM warnings w WHERE w.id = warning_events.warning_id));

-- Rollups: area counts for the scope's areas and those below them (not the district's total,
-- which would reveal the other towns); H3 counts have no area, so only the district sees them
-- (scoped H3 layers count the incidents they can see instead).
ALTER TABLE incident_area_daily ENABLE ROW LEVEL SECURITY;
CREATE POLICY incident_area_daily_scope ON incident_area_daily USING (
  (SELECT app_scope_all()) OR area_code = ANY ((SELECT app_scope_subtree())::text[]));
ALTER TABLE incident_h3_daily ENABLE ROW LEVEL SECURITY;
CREATE POLICY incident_h3_daily_scope ON incident_h3_daily USING ((SELECT app_scope_all()));

-- Triggers that keep derived tables current run as their owner: a town officer's new hazard
-- must still update the rollups and the tile invalidation log, which it may not write itself.
ALTER FUNCTION incident_rollups_on_change() SECURITY DEFINER SET search_path = public, pg_temp;
ALTER FUNCTION tile_invalidations_on_incidents() SECURITY DEFINER SET search_path = public, pg_temp;
ALTER FUNCTION tile_invalidations_whole_layer() SECURITY DEFINER SET search_path = public, pg_temp;
-- (incident_next_change, a per-row trigger, only takes nextval: the role's sequence grant covers it,
-- and a SECURITY DEFINER … SET per row would slow every ingest.)
