-- Onboarding a district's own boundaries (issue 20): import runs of kind 'boundaries' and
-- 'categories'.
ALTER TABLE import_runs DROP CONSTRAINT import_runs_kind_check;
ALTER TABLE import_runs ADD CONSTRAINT import_runs_kind_check
  CHECK (kind IN ('addresses', 'incidents', 'hazards', 'gazetteer', 'boundaries', 'categories'));

-- Areas as they were before a boundary import replaced or removed them: kept codes keep their
-- history, and a removed code can still be drawn for the records of its time.
CREATE TABLE admin_area_history (
  id            bigserial PRIMARY KEY,
  code          text NOT NULL,
  name          text NOT NULL,
  level         text NOT NULL,
  parent_code   text,
  geom          geometry(MultiPolygon, 4326) NOT NULL,
  population    integer,
  properties    jsonb NOT NULL DEFAULT '{}'::jsonb,
  valid_until   timestamptz NOT NULL DEFAULT now(),
  change        text NOT NULL CHECK (change IN ('replaced', 'removed')),
  import_run_id bigint REFERENCES import_runs (id)
);
CREATE INDEX admin_area_history_code_idx ON admin_area_history (code, valid_until);

-- The town, village, grid and microgrid codes of an area and its ancestors (walks parent_code):
-- what a row placed in that area carries.
CREATE FUNCTION admin_area_codes(leaf text, OUT town_code text, OUT village_code text, OUT grid_code text, OUT microgrid_code text)
LANGUAGE sql STABLE AS $$
  WITH RECURSIVE up AS (
    SELECT code, level, parent_code, 0 AS depth FROM admin_areas WHERE code = leaf
    UNION ALL
    SELECT a.code, a.level, a.parent_code, up.depth + 1 FROM admin_areas a JOIN up ON a.code = up.parent_code WHERE up.depth < 8
  )
  SELECT max(code) FILTER (WHERE level = 'town'), max(code) FILTER (WHERE level = 'village'),
         max(code) FILTER (WHERE level = 'grid'), max(code) FILTER (WHERE level = 'microgrid')
  FROM up
$$;

-- The district's profile (one row): its name and code, time zone, the map's home view and the
-- area types that are statistics-only units (to be ranked apart from real towns). Empty
-- fields fall back to the data: the district-level area's name, code and extent.
CREATE TABLE district_profile (
  id                    boolean PRIMARY KEY DEFAULT true CHECK (id),
  code                  text,
  name                  text,
  time_zone             text NOT NULL DEFAULT 'Asia/Shanghai',
  home_lng              double precision,
  home_lat              double precision,
  home_zoom             real,
  statistics_only_types text[] NOT NULL DEFAULT '{统计单位,统计单位(非行政),开发区,经济开发区,高新区,农场,林场,园区,围垦区,管委会}',
  updated_at            timestamptz NOT NULL DEFAULT now()
);
INSERT INTO district_profile (id) VALUES (true);

-- Both tables are reference data that scoped users only read: migration 026's app_grant_scoped()
-- revokes their writes.
