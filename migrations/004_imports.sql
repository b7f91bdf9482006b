-- One row per file import (addresses, later incidents), so the API can show job status and a
-- failed or interrupted run is visible instead of silently missing.
CREATE TABLE import_runs (
  id          bigserial PRIMARY KEY,
  kind        text NOT NULL CHECK (kind IN ('addresses', 'incidents')),
  file        text NOT NULL,
  source      text,
  started_at  timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz,
  status      text NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'done', 'failed')),
  read        integer NOT NULL DEFAULT 0,
  inserted    integer NOT NULL DEFAULT 0,
  updated     integer NOT NULL DEFAULT 0,
  unchanged   integer NOT NULL DEFAULT 0,
  rejected    integer NOT NULL DEFAULT 0,
  report_path text,
  -- Why a failed run failed; warnings of a finished one (unknown columns, unlocated points).
  message     text,
  CHECK ((status = 'running') = (finished_at IS NULL))
);
CREATE INDEX import_runs_kind_started_idx ON import_runs (kind, started_at DESC);
