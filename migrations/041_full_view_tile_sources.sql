-- Tile cache invalidation for the full-view layers (server/tiles/layers.ts: houses,
-- organisations, patrols, patrol_coverage, devices), as 017 does for hazards: one log row per
-- statement names the table, and the layers that show it drop their cached tiles. Residents
-- change the houses' counts, self-checks the organisations' overdue days, device events the
-- devices' alerting flag.
CREATE TRIGGER houses_tile_invalidations AFTER INSERT OR UPDATE OR DELETE ON houses
  FOR EACH STATEMENT EXECUTE FUNCTION tile_invalidations_whole_layer();
CREATE TRIGGER residents_tile_invalidations AFTER INSERT OR UPDATE OR DELETE ON residents
  FOR EACH STATEMENT EXECUTE FUNCTION tile_invalidations_whole_layer();
CREATE TRIGGER organisations_tile_invalidations AFTER INSERT OR UPDATE OR DELETE ON organisations
  FOR EACH STATEMENT EXECUTE FUNCTION tile_invalidations_whole_layer();
CREATE TRIGGER self_checks_tile_invalidations AFTER INSERT OR UPDATE OR DELETE ON self_checks
  FOR EACH STATEMENT EXECUTE FUNCTION tile_invalidations_whole_layer();
CREATE TRIGGER patrols_tile_invalidations AFTER INSERT OR UPDATE OR DELETE ON patrols
  FOR EACH STATEMENT EXECUTE FUNCTION tile_invalidations_whole_layer();
CREATE TRIGGER devices_tile_invalidations AFTER INSERT OR UPDATE OR DELETE ON devices
  FOR EACH STATEMENT EXECUTE FUNCTION tile_invalidations_whole_layer();
CREATE TRIGGER device_events_tile_invalidations AFTER INSERT OR UPDATE OR DELETE ON device_events
  FOR EACH STATEMENT EXECUTE FUNCTION tile_invalidations_whole_layer();
