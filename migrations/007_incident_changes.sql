-- A change sequence on incidents: every insert and real update takes the next number, so the
-- live stream (GET /api/stream) can send changes in order and a reconnecting client resume
-- after the last event id it saw.
CREATE SEQUENCE incident_change_seq;
ALTER TABLE incidents ADD COLUMN change_seq bigint;

-- Number the incidents already there without touching the rollups (nothing they count changes).
ALTER TABLE incidents DISABLE TRIGGER incidents_rollups_update;
UPDATE incidents SET change_seq = nextval('incident_change_seq');
ALTER TABLE incidents ENABLE TRIGGER incidents_rollups_update;

ALTER TABLE incidents ALTER COLUMN change_seq SET NOT NULL;
CREATE UNIQUE INDEX incidents_change_seq_idx ON incidents (change_seq);

CREATE FUNCTION incident_next_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.change_seq := nextval('incident_change_seq');
  RETURN NEW;
END $$;
CREATE TRIGGER incidents_change_seq BEFORE INSERT OR UPDATE ON incidents
  FOR EACH ROW EXECUTE FUNCTION incident_next_change();
