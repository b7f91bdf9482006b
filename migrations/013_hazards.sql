-- The hazards register (隐患, Xiaoshan's "萧然安宁" three-in-one): hazards found by enterprise
-- self-checks, grid inspections and regulators' inspections, placed like incidents (point, area
-- codes, H3 cells) so a map layer is a plain SELECT, and every step of their workflow
-- (reported → confirmed → rectifying → closed, server/hazards/states.ts) kept in hazard_events.

-- The CSV importer records its runs like the address and incident importers.
ALTER TABLE import_runs DROP CONSTRAINT import_runs_kind_check;
ALTER TABLE import_runs ADD CONSTRAINT import_runs_kind_check CHECK (kind IN ('addresses', 'incidents', 'hazards'));

CREATE TABLE hazards (
  id                bigserial PRIMARY KEY,
  -- The source system's id (idempotent imports key on it); API-created hazards get 'HZ-<id>'.
  hazard_id         text NOT NULL UNIQUE,
  -- Codes and names live in server/hazards/schema.ts (zod, shared with the web app); the CHECKs
  -- keep SQL writers honest.
  source            text NOT NULL CHECK (source IN ('self_check', 'grid_inspection', 'regulator_inspection')),
  category          text NOT NULL CHECK (category IN ('fire', 'production_safety', 'gas_cylinder', 'ebike_charging',
                                                       'road_traffic', 'building', 'hazardous_chemicals', 'other')),
  severity          text NOT NULL CHECK (severity IN ('general', 'serious', 'major')),
  status            text NOT NULL DEFAULT 'reported' CHECK (status IN ('reported', 'confirmed', 'rectifying', 'closed')),
  description       text NOT NULL,
  -- The premises (enterprise, shop, building) the hazard is at, and who must rectify it.
  place_name        text,
  responsible_party text,
  -- 整改期限: the last day (Asia/Shanghai) to rectify; overdue from the day after, until closed.
  due_date          date,
  reported_at       timestamptz NOT NULL,
  -- Photos and documents as references (URL or id in a file store): [{ ref, name?, type? }].
  attachments       jsonb NOT NULL DEFAULT '[]'::jsonb CHECK (jsonb_typeof(attachments) = 'array'),
  address           text,
  input_lng         double precision,
  input_lat         double precision,
  input_crs         text CHECK (input_crs IS NULL OR input_crs IN ('wgs84', 'gcj02', 'bd09')),
  geom              geometry(Point, 4326),
  geocode_level     text,
  geocode_score     real,
  address_id        text,
  town_code         text,
  village_code      text,
  grid_code         text,
  microgrid_code    text,
  h3_r7             bigint,
  h3_r8             bigint,
  h3_r9             bigint,
  h3_r10            bigint,
  created_by        text NOT NULL,
  created_at        timestamptz NOT NULL DEFAULT now(),
  updated_at        timestamptz NOT NULL DEFAULT now(),
  closed_at         timestamptz,
  -- From the incidents' sequence (migration 007), set by the trigger below: the live stream sends
  -- incidents, hazards and tasks in one order of event ids.
  change_seq        bigint NOT NULL,
  CHECK ((status = 'closed') = (closed_at IS NOT NULL))
);
CREATE INDEX hazards_geom_gist ON hazards USING gist (geom);
CREATE INDEX hazards_status_due_idx ON hazards (status, due_date);
CREATE INDEX hazards_town_idx ON hazards (town_code);
CREATE INDEX hazards_village_idx ON hazards (village_code);
CREATE INDEX hazards_grid_idx ON hazards (grid_code);
CREATE INDEX hazards_microgrid_idx ON hazards (microgrid_code);
CREATE INDEX hazards_h3_r9_idx ON hazards (h3_r9);
CREATE UNIQUE INDEX hazards_change_seq_idx ON hazards (change_seq);

-- The same BEFORE trigger function as incidents: every insert and update takes the next number.
CREATE TRIGGER hazards_change_seq BEFORE INSERT OR UPDATE ON hazards
  FOR EACH ROW EXECUTE FUNCTION incident_next_change();

-- Every step of a hazard: created (by the API, an import or the seed), each transition, each
-- edit (with the changed fields, old and new), each re-import that changed it.
CREATE TABLE hazard_events (
  id          bigserial PRIMARY KEY,
  hazard_id   bigint NOT NULL REFERENCES hazards (id) ON DELETE CASCADE,
  at          timestamptz NOT NULL DEFAULT now(),
  actor       text NOT NULL,
  action      text NOT NULL CHECK (action IN ('created', 'transition', 'edited', 'imported')),
  from_status text,
  to_status   text,
  comment     text,
  changes     jsonb NOT NULL DEFAULT '{}'::jsonb
);
CREATE INDEX hazard_events_hazard_idx ON hazard_events (hazard_id, at, id);
