-- Reconciliation of another address table (first of all the police standard-address table,
-- 标准地址) with the unified address base (统一地址): every row of the other table gets a pair
-- with the address it matched, and doubtful pairs wait in a review queue for a person.

-- One row per `npm run reconcile` run. Counts are what this run did to the pairs: each line of
-- the file is counted once, as matched / review / unmatched (pair written with that status),
-- unchanged (pair already as this run would have it, not written) or rejected (a bad line).
CREATE TABLE reconcile_runs (
  id          bigserial PRIMARY KEY,
  source      text NOT NULL,
  file        text NOT NULL,
  report_path text,
  started_at  timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz,
  status      text NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'done', 'failed')),
  total       integer NOT NULL DEFAULT 0,
  matched     integer NOT NULL DEFAULT 0,
  review      integer NOT NULL DEFAULT 0,
  unmatched   integer NOT NULL DEFAULT 0,
  unchanged   integer NOT NULL DEFAULT 0,
  rejected    integer NOT NULL DEFAULT 0,
  -- Why a failed run failed.
  message     text,
  CHECK ((status = 'running') = (finished_at IS NULL))
);
CREATE INDEX reconcile_runs_source_idx ON reconcile_runs (source, started_at DESC);

-- One pair per row of an other table. A pair links its row to a base address only while its
-- status is `matched` (accepted automatically) or `accepted` (by a person); in `review` the
-- address is a proposal, in `rejected` it is the proposal a person turned down (or null: "no
-- counterpart in the base"), in `unmatched` there is none.
CREATE TABLE reconcile_pairs (
  id            bigserial PRIMARY KEY,
  source        text NOT NULL,
  other_id      text NOT NULL,
  -- The other table's row as last read (its point converted to WGS84).
  other_address text NOT NULL,
  other_geom    geometry(Point, 4326) NOT NULL,
  -- The proposed or linked place. No foreign key to addresses: coarse proposals (a road, a
  -- compound) have no address row, and a pair must outlive changes to the base; a re-run notices
  -- an accepted address that disappeared and sends the pair back to review.
  address_id    text,
  address       text,
  address_geom  geometry(Point, 4326),
  level         text NOT NULL CHECK (level IN ('room', 'unit', 'building', 'door', 'compound', 'road', 'village', 'town', 'district', 'none')),
  -- The geocoder's score; null for an address a reviewer chose outside the geocoder's candidates.
  score         double precision CHECK (score IS NULL OR (score >= 0 AND score <= 1)),
  -- Metres between the other table's point and the proposed place.
  distance_m    double precision CHECK (distance_m IS NULL OR distance_m >= 0),
  status        text NOT NULL CHECK (status IN ('matched', 'review', 'accepted', 'rejected', 'unmatched')),
  -- Why the pair is not matched automatically, in plain words (e.g. 门牌级匹配，坐标相距 230 米).
  reason        text,
  -- The geocoder's candidates (GeocodeResult[]), without addresses rejected for this row.
  candidates    jsonb NOT NULL DEFAULT '[]'::jsonb,
  -- Every address a person rejected for this row: never proposed for it again.
  rejected_ids  text[] NOT NULL DEFAULT '{}',
  -- Set by a run when a pair a person decided on comes back (its row changed, its accepted
  -- address left the base): the pair then waits for a person whatever the automatic rule says,
  -- on this run and the next ones, until a person decides again.
  hold_reason   text,
  -- The last decision of a person (kept when a changed row goes back to review).
  decided_by    text,
  decided_at    timestamptz,
  decision_note text,
  -- The run that last wrote the pair (unchanged pairs keep theirs).
  run_id        bigint REFERENCES reconcile_runs (id) ON DELETE SET NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now(),
  UNIQUE (source, other_id),
  CHECK (status <> 'unmatched' OR address_id IS NULL)
);
-- The review queue, keyset-paged by id: by status alone, and by source and status.
CREATE INDEX reconcile_pairs_status_idx ON reconcile_pairs (status, id);
CREATE INDEX reconcile_pairs_source_status_idx ON reconcile_pairs (source, status, id);
-- Which rows of other tables point at an address.
CREATE INDEX reconcile_pairs_address_idx ON reconcile_pairs (address_id) WHERE address_id IS NOT NULL;
