-- Tile cache invalidation for the warnings, hazards and tasks layers (server/tiles/layers.ts).
-- These layers are small (open items only), so a change drops the whole layer's cached tiles:
-- one log row per statement names the table, with no place. Incidents keep their per-place
-- rows (migrations/010_tiles.sql).
CREATE FUNCTION tile_invalidations_whole_layer() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO tile_invalidations (source) VALUES (TG_TABLE_NAME);
  RETURN NULL;
END $$;

CREATE TRIGGER warnings_tile_invalidations AFTER INSERT OR UPDATE OR DELETE ON warnings
  FOR EACH STATEMENT EXECUTE FUNCTION tile_invalidations_whole_layer();
CREATE TRIGGER hazards_tile_invalidations AFTER INSERT OR UPDATE OR DELETE ON hazards
  FOR EACH STATEMENT EXECUTE FUNCTION tile_invalidations_whole_layer();
CREATE TRIGGER tasks_tile_invalidations AFTER INSERT OR UPDATE OR DELETE ON tasks
  FOR EACH STATEMENT EXECUTE FUNCTION tile_invalidations_whole_layer();
