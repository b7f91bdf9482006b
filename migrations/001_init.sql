-- Schema v1: administrative areas, the unified address base, the incident category
-- catalogue and incidents. Geometries are stored in EPSG:4326 (WGS84 lon/lat).
CREATE EXTENSION IF NOT EXISTS postgis;
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- Key/value facts about this database (e.g. which demo data set was seeded).
CREATE TABLE app_meta (
  key        text PRIMARY KEY,
  value      jsonb NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- district > town (乡镇/街道) > village (村/社区) > grid (网格) > microgrid (微网格)
CREATE TABLE admin_areas (
  code        text PRIMARY KEY,
  name        text NOT NULL,
  level       text NOT NULL CHECK (level IN ('district', 'town', 'village', 'grid', 'microgrid')),
  parent_code text REFERENCES admin_areas (code) ON DELETE CASCADE,
  geom        geometry(MultiPolygon, 4326) NOT NULL,
  -- A point guaranteed inside the polygon, for labels and drill-down.
  label_point geometry(Point, 4326) NOT NULL,
  population  integer CHECK (population IS NULL OR population >= 0),
  properties  jsonb NOT NULL DEFAULT '{}'::jsonb,
  updated_at  timestamptz NOT NULL DEFAULT now(),
  CHECK ((level = 'district') = (parent_code IS NULL))
);
CREATE INDEX admin_areas_geom_gist ON admin_areas USING gist (geom);
CREATE INDEX admin_areas_parent_idx ON admin_areas (parent_code);
CREATE INDEX admin_areas_level_idx ON admin_areas (level);

-- The unified address base (统一地址库). Parsed parts follow GA/T 2000.32:
-- town > village/community (+ 组) > road or compound > door number > building > unit > room.
CREATE TABLE addresses (
  address_id     text PRIMARY KEY,
  address        text NOT NULL,
  geom           geometry(Point, 4326) NOT NULL,
  town           text,
  village        text,
  group_no       text,
  road           text,
  door_no        text,
  compound       text,
  building       text,
  unit           text,
  room           text,
  aliases        text[] NOT NULL DEFAULT '{}',
  town_code      text,
  village_code   text,
  grid_code      text,
  microgrid_code text,
  -- H3 cells (as 64-bit integers) at the resolutions the tiles and models use.
  h3_r7          bigint,
  h3_r8          bigint,
  h3_r9          bigint,
  h3_r10         bigint,
  source         text,
  updated_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX addresses_geom_gist ON addresses USING gist (geom);
CREATE INDEX addresses_village_code_idx ON addresses (village_code);
CREATE INDEX addresses_grid_code_idx ON addresses (grid_code);
CREATE INDEX addresses_h3_r10_idx ON addresses (h3_r10);

-- Two-level catalogue: level 1 categories (e.g. 治安) and level 2 items (e.g. 入室盗窃).
CREATE TABLE incident_categories (
  code        text PRIMARY KEY,
  parent_code text REFERENCES incident_categories (code),
  level       smallint NOT NULL CHECK (level IN (1, 2)),
  name_zh     text NOT NULL,
  name_en     text NOT NULL,
  sort_order  integer NOT NULL DEFAULT 0,
  properties  jsonb NOT NULL DEFAULT '{}'::jsonb,
  CHECK ((level = 1) = (parent_code IS NULL))
);

-- Incidents (警情, disputes, fire alarms, accidents, fraud reports…).
CREATE TABLE incidents (
  id             bigserial PRIMARY KEY,
  incident_id    text NOT NULL UNIQUE,           -- the source system's id
  reported_at    timestamptz NOT NULL,
  category_code  text NOT NULL REFERENCES incident_categories (code),
  address        text,                           -- raw address text as reported
  description    text,
  source         text,
  status         text NOT NULL DEFAULT 'open',
  -- Coordinates as reported, before conversion, and their system.
  input_lng      double precision,
  input_lat      double precision,
  input_crs      text CHECK (input_crs IS NULL OR input_crs IN ('wgs84', 'gcj02', 'bd09')),
  geom           geometry(Point, 4326),
  geocode_level  text,
  geocode_score  real,
  address_id     text,
  town_code      text,
  village_code   text,
  grid_code      text,
  microgrid_code text,
  h3_r7          bigint,
  h3_r8          bigint,
  h3_r9          bigint,
  h3_r10         bigint,
  properties     jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX incidents_geom_gist ON incidents USING gist (geom);
CREATE INDEX incidents_reported_at_idx ON incidents (reported_at);
CREATE INDEX incidents_category_idx ON incidents (category_code, reported_at);
CREATE INDEX incidents_town_idx ON incidents (town_code, reported_at);
CREATE INDEX incidents_village_idx ON incidents (village_code, reported_at);
CREATE INDEX incidents_grid_idx ON incidents (grid_code, reported_at);
CREATE INDEX incidents_address_id_idx ON incidents (address_id);
