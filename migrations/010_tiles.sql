-- Vector tile cache invalidation (server/tiles). Every statement that inserts, updates or deletes
-- incidents logs where the rows were and are now: the res-10 H3 cell, the point rounded to
-- ~100 m and the area codes. Servers poll the rows they have not seen and drop the cached tiles
-- those places touch. Unlike incidents.change_seq this sees deletes and a moved point's old
-- position. Rows are logged once per distinct place per statement, so a bulk load of 1 M
-- incidents logs at most one row per occupied cell and area, not a million.
CREATE TABLE tile_invalidations (
  id             bigserial PRIMARY KEY,
  -- The writing transaction: a poller reads rows of transactions not yet finished at its
  -- previous look (xid >= that snapshot's xmin), so commits out of id order are never missed.
  xid            xid8 NOT NULL DEFAULT pg_current_xact_id(),
  at             timestamptz NOT NULL DEFAULT now(),
  -- What changed ('incidents'; issue 6 adds its own sources).
  source         text NOT NULL,
  h3_r10         bigint,
  lng            double precision,
  lat            double precision,
  town_code      text,
  village_code   text,
  grid_code      text,
  microgrid_code text
);
CREATE INDEX tile_invalidations_xid_idx ON tile_invalidations (xid);
CREATE INDEX tile_invalidations_at_idx ON tile_invalidations (at);

CREATE FUNCTION tile_invalidations_on_incidents() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO tile_invalidations (source, h3_r10, lng, lat, town_code, village_code, grid_code, microgrid_code)
    SELECT DISTINCT 'incidents', h3_r10, round(ST_X(geom)::numeric, 3)::float8, round(ST_Y(geom)::numeric, 3)::float8,
           town_code, village_code, grid_code, microgrid_code
    FROM new_rows;
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO tile_invalidations (source, h3_r10, lng, lat, town_code, village_code, grid_code, microgrid_code)
    SELECT DISTINCT 'incidents', h3_r10, round(ST_X(geom)::numeric, 3)::float8, round(ST_Y(geom)::numeric, 3)::float8,
           town_code, village_code, grid_code, microgrid_code
    FROM old_rows;
  ELSE
    INSERT INTO tile_invalidations (source, h3_r10, lng, lat, town_code, village_code, grid_code, microgrid_code)
    SELECT DISTINCT 'incidents', h3_r10, round(ST_X(geom)::numeric, 3)::float8, round(ST_Y(geom)::numeric, 3)::float8,
           town_code, village_code, grid_code, microgrid_code
    FROM (SELECT * FROM old_rows UNION ALL SELECT * FROM new_rows) r;
  END IF;
  -- Servers look every few hundred milliseconds while they serve tiles, and one that has not
  -- looked for longer than this drops its whole cache instead (server/tiles/freshness.ts).
  DELETE FROM tile_invalidations WHERE at < now() - interval '1 hour';
  RETURN NULL;
END $$;

CREATE TRIGGER incidents_tile_invalidations_insert AFTER INSERT ON incidents
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION tile_invalidations_on_incidents();
CREATE TRIGGER incidents_tile_invalidations_update AFTER UPDATE ON incidents
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION tile_invalidations_on_incidents();
CREATE TRIGGER incidents_tile_invalidations_delete AFTER DELETE ON incidents
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION tile_invalidations_on_incidents();
