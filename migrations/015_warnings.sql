-- Warning models and warnings (issue 6). A model is a declarative definition (validated by the zod
-- schemas in server/models/definition.ts, stored as JSON); every edit keeps the old version. Every
-- run is recorded with the exact definition it used and its data window, so a run with the same
-- as_of over the same data gives the same findings. Warnings carry their geometry, area codes and
-- H3 cell so map layers and OGC collections are plain SELECTs.

CREATE TABLE models (
  id          text PRIMARY KEY CHECK (id ~ '^[a-z][a-z0-9_-]{1,62}$'),
  kind        text NOT NULL,
  version     integer NOT NULL CHECK (version >= 1),
  -- The current definition (the same JSON as model_versions' row of this version).
  definition  jsonb NOT NULL,
  builtin     boolean NOT NULL DEFAULT false,
  updated_by  text NOT NULL,
  updated_at  timestamptz NOT NULL DEFAULT now()
);

-- Every version ever saved, the current one included: a run names its version, and an edit never
-- rewrites what an earlier run used.
CREATE TABLE model_versions (
  model_id    text NOT NULL REFERENCES models (id) ON DELETE CASCADE,
  version     integer NOT NULL,
  definition  jsonb NOT NULL,
  created_by  text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (model_id, version)
);

CREATE TABLE model_runs (
  id            bigserial PRIMARY KEY,
  model_id      text NOT NULL REFERENCES models (id) ON DELETE CASCADE,
  model_version integer NOT NULL,
  -- The definition as run (parameters, thresholds, window): reproducible even if versions are pruned.
  definition    jsonb NOT NULL,
  trigger       text NOT NULL CHECK (trigger IN ('schedule', 'startup', 'manual')),
  status        text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'done', 'failed')),
  -- The instant the run judges the data at, and the data window it read ([data_from, data_to)).
  as_of         timestamptz NOT NULL,
  data_from     timestamptz,
  data_to       timestamptz,
  requested_by  text NOT NULL,
  requested_at  timestamptz NOT NULL DEFAULT now(),
  started_at    timestamptz,
  finished_at   timestamptz,
  duration_ms   integer,
  findings_count integer,
  raised        integer,
  updated       integer,
  expired       integer,
  -- What the model found (subject, level, numbers), in a stable order: two runs agree iff these do.
  findings      jsonb,
  error         text
);
CREATE INDEX model_runs_model_idx ON model_runs (model_id, id DESC);
CREATE INDEX model_runs_status_idx ON model_runs (status);

CREATE TABLE warnings (
  id                 bigserial PRIMARY KEY,
  model_id           text NOT NULL REFERENCES models (id) ON DELETE CASCADE,
  model_version      integer NOT NULL,
  -- What the warning is about, unique per model among open warnings (e.g. 'grid:330109001001001',
  -- 'h3:88309a4539fffff', 'address:A123', 'hazard:17'): a repeat trigger updates the open one.
  subject            text NOT NULL,
  level              text NOT NULL CHECK (level IN ('red', 'orange', 'yellow')),
  status             text NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'acknowledged', 'tasked', 'resolved', 'expired')),
  title              text NOT NULL,
  -- The numbers that triggered it, in plain words (Chinese), and the same numbers as data.
  explanation        text NOT NULL,
  metrics            jsonb NOT NULL DEFAULT '{}'::jsonb,
  -- A cell polygon, a grid/village polygon or a point (WGS84).
  geom               geometry(Geometry, 4326) NOT NULL,
  h3_cell            bigint,
  h3_res             smallint CHECK (h3_res IS NULL OR h3_res BETWEEN 0 AND 15),
  town_code          text,
  village_code       text,
  grid_code          text,
  address_id         text,
  first_run_id       bigint NOT NULL REFERENCES model_runs (id),
  last_run_id        bigint NOT NULL REFERENCES model_runs (id),
  -- The as_of of the first and the latest run that triggered it (not the wall clock: reruns of
  -- the past stay reproducible); expiry counts from last_triggered_at.
  first_triggered_at timestamptz NOT NULL,
  last_triggered_at  timestamptz NOT NULL,
  trigger_count      integer NOT NULL DEFAULT 1,
  created_at         timestamptz NOT NULL DEFAULT now(),
  updated_at         timestamptz NOT NULL DEFAULT now(),
  closed_at          timestamptz,
  -- From the incidents' sequence (migration 007), set by the trigger below: the live stream sends
  -- warnings in the one order of event ids with incidents, hazards and tasks.
  change_seq         bigint NOT NULL,
  CHECK ((status IN ('resolved', 'expired')) = (closed_at IS NOT NULL))
);
CREATE UNIQUE INDEX warnings_open_subject_idx ON warnings (model_id, subject) WHERE status IN ('new', 'acknowledged', 'tasked');
CREATE INDEX warnings_geom_gist ON warnings USING gist (geom);
CREATE INDEX warnings_status_level_idx ON warnings (status, level);
CREATE INDEX warnings_model_idx ON warnings (model_id, id);
CREATE INDEX warnings_town_idx ON warnings (town_code);
CREATE INDEX warnings_village_idx ON warnings (village_code);
CREATE INDEX warnings_grid_idx ON warnings (grid_code);
CREATE INDEX warnings_h3_idx ON warnings (h3_cell);
CREATE INDEX warnings_triggered_idx ON warnings (last_triggered_at);
CREATE UNIQUE INDEX warnings_change_seq_idx ON warnings (change_seq);

CREATE TRIGGER warnings_change_seq BEFORE INSERT OR UPDATE ON warnings
  FOR EACH ROW EXECUTE FUNCTION incident_next_change();

-- Every step of a warning: raised, re-triggered (with the level before and after), each
-- transition (who, when, comment), tasked (with the task id), expired.
CREATE TABLE warning_events (
  id          bigserial PRIMARY KEY,
  warning_id  bigint NOT NULL REFERENCES warnings (id) ON DELETE CASCADE,
  at          timestamptz NOT NULL DEFAULT now(),
  actor       text NOT NULL,
  action      text NOT NULL CHECK (action IN ('raised', 'retriggered', 'transition', 'expired')),
  from_status text,
  to_status   text,
  comment     text,
  run_id      bigint REFERENCES model_runs (id) ON DELETE SET NULL,
  details     jsonb NOT NULL DEFAULT '{}'::jsonb
);
CREATE INDEX warning_events_warning_idx ON warning_events (warning_id, at, id);

-- Tasks issued from a warning (migration 014 left tasks.warning_id without a foreign key until
-- this table existed). NOT VALID only if some earlier task names a warning that cannot exist.
DO $$
BEGIN
  IF to_regclass('public.tasks') IS NOT NULL THEN
    IF EXISTS (SELECT 1 FROM tasks WHERE warning_id IS NOT NULL) THEN
      ALTER TABLE tasks ADD CONSTRAINT tasks_warning_id_fkey FOREIGN KEY (warning_id) REFERENCES warnings (id) NOT VALID;
    ELSE
      ALTER TABLE tasks ADD CONSTRAINT tasks_warning_id_fkey FOREIGN KEY (warning_id) REFERENCES warnings (id);
    END IF;
  END IF;
END $$;
