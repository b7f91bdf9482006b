-- Patrol and device imports (issue 26): a hash of each record's line as given, so that a re-run of
-- the same file writes nothing (no re-placing, no new updated_at) and a changed line is updated.
-- The given coordinates and CRS are not kept apart from the placed point, so the line's hash is
-- what "unchanged" compares.
ALTER TABLE patrols ADD COLUMN input_hash text;
ALTER TABLE devices ADD COLUMN input_hash text;
-- The devices list and detail read each device's latest event (and the alerting test its latest
-- alarm/fault and recovery): by device, newest first.
CREATE INDEX device_events_device_at_idx ON device_events (device_id, at DESC);
CREATE INDEX patrols_ended_idx ON patrols (ended_at);
