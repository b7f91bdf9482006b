-- The gazetteer (地名库): names people use that the address base does not hold. A row is either
-- an alias of a place the geocoder knows by another name (alias_of: a town, village, road or
-- compound — 宁围镇 is now 宁围街道; a former village merged into a new one), or a named point of
-- its own (geom + level: 萧山国际机场, a hospital, a station, a school, a market). Imported from
-- CSV (npm run import -- gazetteer FILE.csv), upserted by (name, town_code).
CREATE TABLE gazetteer (
  id         bigserial PRIMARY KEY,
  name       text NOT NULL CHECK (name <> ''),
  alias_of   text CHECK (alias_of IS NULL OR alias_of <> ''),
  geom       geometry(Point, 4326),
  -- What a match on the name is worth: a campus is a compound-level place, a market street a road.
  level      text NOT NULL DEFAULT 'compound' CHECK (level IN ('compound', 'road', 'village', 'town')),
  -- The town the name belongs to (limits an alias to the places of that town); null: any town.
  town_code  text,
  source     text,
  updated_at timestamptz NOT NULL DEFAULT now(),
  CHECK ((alias_of IS NULL) <> (geom IS NULL))
);
CREATE UNIQUE INDEX gazetteer_key ON gazetteer (name, (coalesce(town_code, '')));

ALTER TABLE import_runs DROP CONSTRAINT import_runs_kind_check;
ALTER TABLE import_runs ADD CONSTRAINT import_runs_kind_check CHECK (kind IN ('addresses', 'incidents', 'hazards', 'gazetteer'));

-- Reference data like admin_areas: scoped users read it, only the server's own imports write it.
CREATE OR REPLACE FUNCTION app_grant_scoped() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  GRANT USAGE ON SCHEMA public TO onemap_scoped;
  GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO onemap_scoped;
  GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO onemap_scoped;
  REVOKE ALL ON users, sessions, api_keys, audit_log, schema_migrations FROM onemap_scoped;
  REVOKE INSERT, UPDATE, DELETE ON admin_areas, incident_categories, models, model_versions,
    ranking_config_versions, gazetteer FROM onemap_scoped;
END $$;
