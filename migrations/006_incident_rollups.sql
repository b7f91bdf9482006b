-- Incident rollups: counts per (H3 cell, day, category item) and per (area, day, category item),
-- the days in Asia/Shanghai. Kept current by statement-level triggers with transition tables, so
-- every way rows reach `incidents` (API, CSV import, seed, SQL) updates them incrementally, one
-- aggregated upsert per statement. `rebuild_incident_rollups()` recomputes them from scratch.

CREATE TABLE incident_h3_daily (
  res           smallint NOT NULL CHECK (res BETWEEN 7 AND 10),
  cell          bigint NOT NULL,
  day           date NOT NULL,
  category_code text NOT NULL,
  -- No CHECK (n >= 0): an upsert's proposed row carries the (negative) delta and CHECKs are
  -- tested before ON CONFLICT turns it into an update.
  n             integer NOT NULL,
  PRIMARY KEY (res, cell, day, category_code)
);
CREATE INDEX incident_h3_daily_day_idx ON incident_h3_daily (res, day);

-- area_code covers the district (every incident, placed or not) and the town, village, grid and
-- microgrid an incident is in.
CREATE TABLE incident_area_daily (
  area_code     text NOT NULL,
  day           date NOT NULL,
  category_code text NOT NULL,
  n             integer NOT NULL,
  PRIMARY KEY (area_code, day, category_code)
);
CREATE INDEX incident_area_daily_day_idx ON incident_area_daily (day);

-- The district's code (the one area every incident counts in).
CREATE FUNCTION incident_rollup_district() RETURNS text LANGUAGE sql STABLE AS $$
  SELECT coalesce((SELECT code FROM admin_areas WHERE level = 'district' ORDER BY code LIMIT 1), 'district')
$$;

CREATE FUNCTION incident_rollups_on_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- Deltas from the transition tables: -1 for old rows, +1 for new rows (checked, not
  -- CREATE … IF NOT EXISTS, which would send a notice every statement).
  IF to_regclass('pg_temp.incident_rollup_delta') IS NULL THEN
    CREATE TEMP TABLE incident_rollup_delta (
      reported_at timestamptz, category_code text, h3_r7 bigint, h3_r8 bigint, h3_r9 bigint, h3_r10 bigint,
      town_code text, village_code text, grid_code text, microgrid_code text, sign integer
    ) ON COMMIT DELETE ROWS;
  END IF;
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    INSERT INTO incident_rollup_delta
    SELECT reported_at, category_code, h3_r7, h3_r8, h3_r9, h3_r10, town_code, village_code, grid_code, microgrid_code, -1
    FROM old_rows;
  END IF;
  IF TG_OP IN ('UPDATE', 'INSERT') THEN
    INSERT INTO incident_rollup_delta
    SELECT reported_at, category_code, h3_r7, h3_r8, h3_r9, h3_r10, town_code, village_code, grid_code, microgrid_code, 1
    FROM new_rows;
  END IF;

  INSERT INTO incident_h3_daily AS r (res, cell, day, category_code, n)
  SELECT c.res, c.cell, (d.reported_at AT TIME ZONE 'Asia/Shanghai')::date, d.category_code, sum(d.sign)
  FROM incident_rollup_delta d
  CROSS JOIN LATERAL (VALUES (7, d.h3_r7), (8, d.h3_r8), (9, d.h3_r9), (10, d.h3_r10)) AS c(res, cell)
  WHERE c.cell IS NOT NULL
  GROUP BY 1, 2, 3, 4
  HAVING sum(d.sign) <> 0
  ON CONFLICT (res, cell, day, category_code) DO UPDATE SET n = r.n + EXCLUDED.n;

  INSERT INTO incident_area_daily AS r (area_code, day, category_code, n)
  SELECT a.code, (d.reported_at AT TIME ZONE 'Asia/Shanghai')::date, d.category_code, sum(d.sign)
  FROM incident_rollup_delta d
  CROSS JOIN LATERAL (VALUES (incident_rollup_district()), (d.town_code), (d.village_code), (d.grid_code), (d.microgrid_code)) AS a(code)
  WHERE a.code IS NOT NULL
  GROUP BY 1, 2, 3
  HAVING sum(d.sign) <> 0
  ON CONFLICT (area_code, day, category_code) DO UPDATE SET n = r.n + EXCLUDED.n;

  -- Cells and areas whose count fell to zero carry nothing.
  DELETE FROM incident_h3_daily WHERE n = 0;
  DELETE FROM incident_area_daily WHERE n = 0;
  DELETE FROM incident_rollup_delta;
  RETURN NULL;
END $$;

CREATE TRIGGER incidents_rollups_insert AFTER INSERT ON incidents
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION incident_rollups_on_change();
CREATE TRIGGER incidents_rollups_update AFTER UPDATE ON incidents
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION incident_rollups_on_change();
CREATE TRIGGER incidents_rollups_delete AFTER DELETE ON incidents
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION incident_rollups_on_change();

-- Recomputes both rollups from the incidents (npm run rollups:rebuild).
CREATE FUNCTION rebuild_incident_rollups() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  TRUNCATE incident_h3_daily, incident_area_daily;
  INSERT INTO incident_h3_daily (res, cell, day, category_code, n)
  SELECT c.res, c.cell, (i.reported_at AT TIME ZONE 'Asia/Shanghai')::date, i.category_code, count(*)
  FROM incidents i
  CROSS JOIN LATERAL (VALUES (7, i.h3_r7), (8, i.h3_r8), (9, i.h3_r9), (10, i.h3_r10)) AS c(res, cell)
  WHERE c.cell IS NOT NULL
  GROUP BY 1, 2, 3, 4;
  INSERT INTO incident_area_daily (area_code, day, category_code, n)
  SELECT a.code, (i.reported_at AT TIME ZONE 'Asia/Shanghai')::date, i.category_code, count(*)
  FROM incidents i
  CROSS JOIN LATERAL (VALUES (incident_rollup_district()), (i.town_code), (i.village_code), (i.grid_code), (i.microgrid_code)) AS a(code)
  WHERE a.code IS NOT NULL
  GROUP BY 1, 2, 3;
END $$;

-- Incidents already loaded (e.g. the demo seed) get their rollups now.
SELECT rebuild_incident_rollups();
