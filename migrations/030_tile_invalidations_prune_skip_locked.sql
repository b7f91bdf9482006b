-- The incidents trigger pruned tile_invalidations rows older than an hour with a plain DELETE. Two
-- writers then queued on the same old rows: an API report waited for a long import to commit, and
-- interleaved writers serialised. The prune now skips rows another transaction is deleting
-- (they go with that transaction, or with the next writer). The function keeps 019's SECURITY
-- DEFINER and search_path.
CREATE OR REPLACE FUNCTION tile_invalidations_on_incidents() RETURNS trigger LANGUAGE plpgsql
SECURITY DEFINER SET search_path = public, pg_temp AS $$
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
  DELETE FROM tile_invalidations WHERE id IN (
    SELECT id FROM tile_invalidations WHERE at < now() - interval '1 hour' FOR UPDATE SKIP LOCKED);
  RETURN NULL;
END $$;
