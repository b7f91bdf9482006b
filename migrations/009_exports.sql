-- One row per data export (GET /api/export/{layer}.geojson|csv): who asked, for which layer and
-- filters, when, how many rows went out and whether the download finished. Written when the
-- export starts and completed when it ends, so an interrupted download stays visible.
CREATE TABLE exports (
  id           bigserial PRIMARY KEY,
  -- The caller: the x-user header until authentication arrives, else 'anonymous'.
  requested_by text NOT NULL,
  layer        text NOT NULL,
  format       text NOT NULL CHECK (format IN ('geojson', 'csv')),
  -- The validated query (from, to, category, area, bbox …) as given.
  filters      jsonb NOT NULL DEFAULT '{}'::jsonb,
  crs          text NOT NULL DEFAULT 'wgs84' CHECK (crs IN ('wgs84', 'gcj02', 'bd09')),
  file_name    text NOT NULL,
  started_at   timestamptz NOT NULL DEFAULT now(),
  finished_at  timestamptz,
  -- finished: the whole file was sent; aborted: the client went away; failed: the server erred.
  status       text NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'finished', 'aborted', 'failed')),
  row_count    bigint NOT NULL DEFAULT 0,
  byte_count   bigint NOT NULL DEFAULT 0,
  message      text,
  CHECK ((status = 'running') = (finished_at IS NULL))
);
CREATE INDEX exports_started_idx ON exports (started_at DESC);
