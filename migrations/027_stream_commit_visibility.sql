-- The live stream (server/stream) reads changes by the transaction that wrote them, as the tile
-- invalidation log does (010): a change number is taken when a row is written, not when its
-- transaction commits, so the change numbered n can become visible after n+1, and a reader that
-- moved past "the highest number sent" lost it for good. Each change now also records its writing
-- transaction; the stream sends the changes of transactions that were not visible to the
-- snapshot of its previous look, exact whatever the commit order.
--
-- Rows written before this migration count as long committed: xid 1 is visible in every snapshot
-- (a constant default adds the column without rewriting the table; new rows get theirs from the trigger).
ALTER TABLE incidents ADD COLUMN change_xid xid8 NOT NULL DEFAULT '1';
ALTER TABLE hazards ADD COLUMN change_xid xid8 NOT NULL DEFAULT '1';
ALTER TABLE tasks ADD COLUMN change_xid xid8 NOT NULL DEFAULT '1';
ALTER TABLE warnings ADD COLUMN change_xid xid8 NOT NULL DEFAULT '1';
ALTER TABLE incidents ALTER COLUMN change_xid DROP DEFAULT;
ALTER TABLE hazards ALTER COLUMN change_xid DROP DEFAULT;
ALTER TABLE tasks ALTER COLUMN change_xid DROP DEFAULT;
ALTER TABLE warnings ALTER COLUMN change_xid DROP DEFAULT;

-- The order the stream sends in: by writing transaction, then by change number within it. A look
-- reads the range from its previous snapshot's xmin on, in this order, and stops at its batch size.
CREATE INDEX incidents_change_xid_idx ON incidents (change_xid, change_seq);
CREATE INDEX hazards_change_xid_idx ON hazards (change_xid, change_seq);
CREATE INDEX tasks_change_xid_idx ON tasks (change_xid, change_seq);
CREATE INDEX warnings_change_xid_idx ON warnings (change_xid, change_seq);

-- One trigger function numbers changes of all four tables (007, 013, 014, 015).
CREATE OR REPLACE FUNCTION incident_next_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- The top-level transaction, also from inside a savepoint: that is what snapshots list.
  NEW.change_xid := pg_current_xact_id();
  NEW.change_seq := nextval('incident_change_seq');
  RETURN NEW;
END $$;
