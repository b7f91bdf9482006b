-- Attachments (issue 24): photos and documents uploaded by the people who work hazards and tasks,
-- stored content-addressed (the id is the SHA-256 of the uploaded bytes: the same file uploaded
-- twice is one attachment), with the fields read from their EXIF before it was stripped. Where the
-- bytes live depends on the database (server/attachments/storage.ts): on native PostgreSQL as files
-- under DATA_DIR/attachments/ab/cd/<id>, in the embedded database in `content` and `thumbnail`.
CREATE TABLE attachments (
  id            text PRIMARY KEY CHECK (id ~ '^[0-9a-f]{64}$'),
  -- What is served: images re-encoded without their metadata (HEIC as JPEG), PDFs as uploaded.
  mime          text NOT NULL CHECK (mime IN ('image/jpeg', 'image/png', 'image/webp', 'application/pdf')),
  -- The type detected in the uploaded bytes (image/heic for a photo served as JPEG).
  source_mime   text NOT NULL,
  bytes         bigint NOT NULL CHECK (bytes > 0),
  width         integer,
  height        integer,
  thumb_bytes   integer,
  -- From EXIF, read before the metadata was stripped: when and where the photo was taken.
  taken_at      timestamptz,
  lng           double precision,
  lat           double precision,
  -- The first uploader's file name (each uploader's own is in attachment_uploads).
  filename      text,
  stored_in     text NOT NULL CHECK (stored_in IN ('db', 'disk')),
  content       bytea,
  thumbnail     bytea,
  created_at    timestamptz NOT NULL DEFAULT now(),
  CHECK ((stored_in = 'db') = (content IS NOT NULL)),
  CHECK ((lng IS NULL) = (lat IS NULL))
);

-- Who uploaded it: until it is linked to a record, an attachment is visible to its uploaders only.
-- Written before the attachment in the same transaction (hence the deferred key): an INSERT … ON
-- CONFLICT must pass the attachments' read policy, which this row is what makes it pass.
CREATE TABLE attachment_uploads (
  attachment_id text NOT NULL REFERENCES attachments (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
  -- The actor (server/http/actor.ts) and, for a logged-in user, their id (what row-level security reads).
  uploaded_by   text NOT NULL,
  uploader_id   text,
  filename      text,
  uploaded_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (attachment_id, uploaded_by)
);

-- Where an attachment is used: on a hazard or a task, at one event of its history (the 'created'
-- event, a transition, an edit).
CREATE TABLE attachment_links (
  id              bigserial PRIMARY KEY,
  attachment_id   text NOT NULL REFERENCES attachments (id),
  hazard_id       bigint REFERENCES hazards (id) ON DELETE CASCADE,
  hazard_event_id bigint REFERENCES hazard_events (id) ON DELETE CASCADE,
  task_id         bigint REFERENCES tasks (id) ON DELETE CASCADE,
  task_event_id   bigint REFERENCES task_events (id) ON DELETE CASCADE,
  linked_by       text NOT NULL,
  linked_at       timestamptz NOT NULL DEFAULT now(),
  CHECK ((hazard_id IS NOT NULL AND hazard_event_id IS NOT NULL AND task_id IS NULL AND task_event_id IS NULL)
      OR (task_id IS NOT NULL AND task_event_id IS NOT NULL AND hazard_id IS NULL AND hazard_event_id IS NULL))
);
CREATE UNIQUE INDEX attachment_links_hazard_event_idx ON attachment_links (attachment_id, hazard_event_id);
CREATE UNIQUE INDEX attachment_links_task_event_idx ON attachment_links (attachment_id, task_event_id);
CREATE INDEX attachment_links_hazard_idx ON attachment_links (hazard_id);
CREATE INDEX attachment_links_task_idx ON attachment_links (task_id);

-- Row-level security for scoped requests (town officers, grid workers; see 019): a link is seen
-- when its hazard or task is (the subquery is itself under that table's policy), and may only be
-- made to one they see; an attachment is seen through a link they see, or by its uploader.
ALTER TABLE attachment_links ENABLE ROW LEVEL SECURITY;
CREATE POLICY attachment_links_scope ON attachment_links USING (
  (SELECT app_scope_all())
  OR (hazard_id IS NOT NULL AND EXISTS (SELECT 1 FROM hazards h WHERE h.id = attachment_links.hazard_id))
  OR (task_id IS NOT NULL AND EXISTS (SELECT 1 FROM tasks t WHERE t.id = attachment_links.task_id)));

ALTER TABLE attachment_uploads ENABLE ROW LEVEL SECURITY;
CREATE POLICY attachment_uploads_scope ON attachment_uploads USING (
  (SELECT app_scope_all()) OR uploader_id = nullif(current_setting('app.user_id', true), ''));

ALTER TABLE attachments ENABLE ROW LEVEL SECURITY;
CREATE POLICY attachments_read ON attachments FOR SELECT USING (
  (SELECT app_scope_all())
  OR EXISTS (SELECT 1 FROM attachment_links l WHERE l.attachment_id = attachments.id)
  OR EXISTS (SELECT 1 FROM attachment_uploads u WHERE u.attachment_id = attachments.id));
-- Anyone who may write may upload; what they upload is theirs to see until it is linked.
CREATE POLICY attachments_insert ON attachments FOR INSERT WITH CHECK (true);
