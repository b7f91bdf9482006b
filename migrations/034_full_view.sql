-- The full information view (全量信息视图, issue 26): houses, residents, organisations and their
-- self-checks, disputes with their parties and mediation steps, patrols with their tracks, and
-- IoT devices with their events, each tied to the unified address base and placed like hazards
-- (the same placement columns: server/geocode/place-sql.ts), plus the 双十条 indicators that
-- departments and towns assess by hand.
--
-- Personal data (names, ID numbers, phones) is never stored in the clear: `*_sealed` columns hold
-- AES-256-GCM ciphertext made by the server (server/auth/sealed.ts, key PII_KEY or DATA_DIR/pii.key),
-- `*_masked` the masked form every reader without `pii` gets, and `id_hash` an HMAC of the ID
-- number so one person can be matched across imports without the number itself.
-- Every table is under row-level security (the scope policy of 019), so a by-id lookup outside a
-- caller's areas finds nothing, whichever route asks.

ALTER TABLE import_runs DROP CONSTRAINT import_runs_kind_check;
ALTER TABLE import_runs ADD CONSTRAINT import_runs_kind_check
  CHECK (kind IN ('addresses', 'incidents', 'hazards', 'gazetteer', 'boundaries', 'categories',
                  'houses', 'residents', 'organisations', 'disputes', 'patrols', 'devices', 'device_events'));

-- ── Houses (实有房屋) ────────────────────────────────────────────────────────────────────────
CREATE TABLE houses (
  id                  bigserial PRIMARY KEY,
  -- The source's id (imports are idempotent by it).
  house_id            text NOT NULL UNIQUE,
  address             text,
  room                text,
  -- 自住, 出租, 空置, 经营 (shop or workshop), other.
  use                 text NOT NULL CHECK (use IN ('self_occupied', 'rented', 'vacant', 'commercial', 'other')),
  -- 群租房: flagged by the source (an inspection), apart from what the group-rental model finds.
  group_rental        boolean NOT NULL DEFAULT false,
  rooms               integer CHECK (rooms IS NULL OR rooms BETWEEN 0 AND 10000),
  floor_area_m2       real CHECK (floor_area_m2 IS NULL OR floor_area_m2 >= 0),
  owner_name_sealed   text,
  owner_name_masked   text,
  owner_phone_sealed  text,
  owner_phone_masked  text,
  geom                geometry(Point, 4326),
  approximate         boolean NOT NULL DEFAULT false,
  outside_district    boolean NOT NULL DEFAULT false,
  geocode_level       text,
  geocode_score       real,
  address_id          text,
  town_code           text,
  village_code        text,
  grid_code           text,
  microgrid_code      text,
  h3_r7               bigint,
  h3_r8               bigint,
  h3_r9               bigint,
  h3_r10              bigint,
  source              text,
  created_at          timestamptz NOT NULL DEFAULT now(),
  updated_at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX houses_geom_gist ON houses USING gist (geom);
CREATE INDEX houses_address_idx ON houses (address_id);
CREATE INDEX houses_village_idx ON houses (village_code);
CREATE INDEX houses_grid_idx ON houses (grid_code);

-- ── Residents (实有人口) ─────────────────────────────────────────────────────────────────────
CREATE TABLE residents (
  id                    bigserial PRIMARY KEY,
  -- A pseudonymous person id from the source (never the ID number).
  person_id             text NOT NULL UNIQUE,
  house_id              bigint REFERENCES houses (id) ON DELETE SET NULL,
  -- 户籍 (registered) or 流动 (migrant).
  residence             text NOT NULL CHECK (residence IN ('registered', 'migrant')),
  -- 居住登记: when a migrant registered and when the registration (居住证) runs out.
  registered_on         date,
  registration_expires  date,
  moved_in              date,
  moved_out             date,
  -- 重点人员 categories, server/people/schema.ts.
  key_categories        text[] NOT NULL DEFAULT '{}'
    CHECK (key_categories <@ ARRAY['community_correction', 'released_prisoner', 'drug', 'mental_illness',
                                   'petition', 'juvenile', 'other']::text[]),
  name_sealed           text,
  name_masked           text,
  id_hash               text,
  id_masked             text,
  phone_sealed          text,
  phone_masked          text,
  address               text,
  geom                  geometry(Point, 4326),
  approximate           boolean NOT NULL DEFAULT false,
  outside_district      boolean NOT NULL DEFAULT false,
  geocode_level         text,
  geocode_score         real,
  address_id            text,
  town_code             text,
  village_code          text,
  grid_code             text,
  microgrid_code        text,
  h3_r7                 bigint,
  h3_r8                 bigint,
  h3_r9                 bigint,
  h3_r10                bigint,
  source                text,
  created_at            timestamptz NOT NULL DEFAULT now(),
  updated_at            timestamptz NOT NULL DEFAULT now(),
  CHECK (registration_expires IS NULL OR registered_on IS NULL OR registration_expires >= registered_on),
  CHECK (moved_out IS NULL OR moved_in IS NULL OR moved_out >= moved_in)
);
CREATE INDEX residents_house_idx ON residents (house_id);
CREATE INDEX residents_address_idx ON residents (address_id);
CREATE INDEX residents_village_idx ON residents (village_code);
CREATE INDEX residents_grid_idx ON residents (grid_code);
CREATE INDEX residents_id_hash_idx ON residents (id_hash) WHERE id_hash IS NOT NULL;
CREATE INDEX residents_key_idx ON residents USING gin (key_categories) WHERE key_categories <> '{}';
CREATE INDEX residents_geom_gist ON residents USING gist (geom);

-- ── Organisations (企业, 沿街商铺, 场所) and their self-checks ─────────────────────────────────
CREATE TABLE organisations (
  id                        bigserial PRIMARY KEY,
  org_id                    text NOT NULL UNIQUE,
  name                      text NOT NULL,
  type                      text NOT NULL CHECK (type IN ('enterprise', 'shop', 'venue')),
  -- Risk categories, server/organisations/schema.ts.
  risk_categories           text[] NOT NULL DEFAULT '{}'
    CHECK (risk_categories <@ ARRAY['catering', 'gas', 'hazardous_chemicals', 'rental', 'ebike_charging',
                                    'crowded_venue', 'production', 'warehouse', 'other']::text[]),
  status                    text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'closed')),
  responsible_name_sealed   text,
  responsible_name_masked   text,
  responsible_phone_sealed  text,
  responsible_phone_masked  text,
  -- The self-check duty: every N days, against the hazard checklist of a category
  -- (server/hazards/checklists.ts). NULL: no duty.
  self_check_every_days     integer CHECK (self_check_every_days IS NULL OR self_check_every_days BETWEEN 1 AND 366),
  self_check_checklist      text,
  address                   text,
  geom                      geometry(Point, 4326),
  approximate               boolean NOT NULL DEFAULT false,
  outside_district          boolean NOT NULL DEFAULT false,
  geocode_level             text,
  geocode_score             real,
  address_id                text,
  town_code                 text,
  village_code              text,
  grid_code                 text,
  microgrid_code            text,
  h3_r7                     bigint,
  h3_r8                     bigint,
  h3_r9                     bigint,
  h3_r10                    bigint,
  source                    text,
  created_at                timestamptz NOT NULL DEFAULT now(),
  updated_at                timestamptz NOT NULL DEFAULT now(),
  CHECK ((self_check_every_days IS NULL) = (self_check_checklist IS NULL))
);
CREATE INDEX organisations_geom_gist ON organisations USING gist (geom);
CREATE INDEX organisations_address_idx ON organisations (address_id);
CREATE INDEX organisations_village_idx ON organisations (village_code);
CREATE INDEX organisations_grid_idx ON organisations (grid_code);

-- One self-check (企业自查) of an organisation: how many items were checked, which failed, and
-- the hazards the failed ones registered (their hazard_ids).
CREATE TABLE self_checks (
  id               bigserial PRIMARY KEY,
  organisation_id  bigint NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
  checked_at       timestamptz NOT NULL,
  checklist        text NOT NULL,
  items            integer NOT NULL CHECK (items >= 0),
  failed_items     text[] NOT NULL DEFAULT '{}',
  hazard_ids       text[] NOT NULL DEFAULT '{}',
  actor            text NOT NULL,
  source           text,
  created_at       timestamptz NOT NULL DEFAULT now(),
  -- A re-sent check (an offline retry, a re-imported file) is the same check.
  UNIQUE (organisation_id, checked_at)
);
CREATE INDEX self_checks_org_idx ON self_checks (organisation_id, checked_at DESC);

-- A hazard found at an organisation (its self-check, or an inspection of it).
ALTER TABLE hazards ADD COLUMN organisation_id bigint REFERENCES organisations (id) ON DELETE SET NULL;
CREATE INDEX hazards_organisation_idx ON hazards (organisation_id) WHERE organisation_id IS NOT NULL;

-- ── Disputes and mediation (矛盾纠纷) ─────────────────────────────────────────────────────────
CREATE TABLE disputes (
  id                     bigserial PRIMARY KEY,
  case_id                text NOT NULL UNIQUE,
  type                   text NOT NULL CHECK (type IN ('neighbour', 'family', 'marriage', 'property', 'labour', 'land',
                                                      'debt', 'consumer', 'traffic', 'other')),
  summary                text,
  reported_at            timestamptz NOT NULL,
  -- Where it is mediated now: 村 (调委会), 镇 (矛调中心), 区 (矛调中心), or online (ODR).
  level                  text NOT NULL CHECK (level IN ('village', 'town', 'district', 'odr')),
  -- open → mediating → resolved (调解成功) | failed (调解失败) | withdrawn.
  status                 text NOT NULL CHECK (status IN ('open', 'mediating', 'resolved', 'failed', 'withdrawn')),
  outcome_at             timestamptz,
  judicial_confirmation  boolean NOT NULL DEFAULT false,
  -- The incidents (their source incident_id) the case came from.
  incident_ids           text[] NOT NULL DEFAULT '{}',
  -- The parties' pseudonymous ids, sorted: "the same parties again" is an equality.
  party_key              text,
  address                text,
  geom                   geometry(Point, 4326),
  approximate            boolean NOT NULL DEFAULT false,
  outside_district       boolean NOT NULL DEFAULT false,
  geocode_level          text,
  geocode_score          real,
  address_id             text,
  town_code              text,
  village_code           text,
  grid_code              text,
  microgrid_code         text,
  h3_r7                  bigint,
  h3_r8                  bigint,
  h3_r9                  bigint,
  h3_r10                 bigint,
  source                 text,
  created_at             timestamptz NOT NULL DEFAULT now(),
  updated_at             timestamptz NOT NULL DEFAULT now(),
  CHECK ((status IN ('resolved', 'failed', 'withdrawn')) = (outcome_at IS NOT NULL)),
  CHECK (NOT judicial_confirmation OR status = 'resolved')
);
CREATE INDEX disputes_geom_gist ON disputes USING gist (geom);
CREATE INDEX disputes_address_idx ON disputes (address_id, reported_at);
CREATE INDEX disputes_party_idx ON disputes (party_key, reported_at) WHERE party_key IS NOT NULL;
CREATE INDEX disputes_village_idx ON disputes (village_code);
CREATE INDEX disputes_grid_idx ON disputes (grid_code);
CREATE INDEX disputes_reported_idx ON disputes (reported_at);

CREATE TABLE dispute_parties (
  dispute_id    bigint NOT NULL REFERENCES disputes (id) ON DELETE CASCADE,
  party_id      text NOT NULL,
  role          text NOT NULL CHECK (role IN ('applicant', 'respondent', 'other')),
  name_sealed   text,
  name_masked   text,
  phone_sealed  text,
  phone_masked  text,
  PRIMARY KEY (dispute_id, party_id)
);
CREATE INDEX dispute_parties_party_idx ON dispute_parties (party_id);

CREATE TABLE dispute_steps (
  id          bigserial PRIMARY KEY,
  dispute_id  bigint NOT NULL REFERENCES disputes (id) ON DELETE CASCADE,
  at          timestamptz NOT NULL,
  level       text NOT NULL CHECK (level IN ('village', 'town', 'district', 'odr')),
  action      text NOT NULL CHECK (action IN ('registered', 'mediation', 'escalated', 'agreement', 'failed',
                                              'judicial_confirmation', 'withdrawn', 'note')),
  note        text,
  actor       text NOT NULL,
  -- A re-imported step is the same step.
  UNIQUE (dispute_id, at, action)
);

-- ── Patrols (巡防) ──────────────────────────────────────────────────────────────────────────
CREATE TABLE patrols (
  id              bigserial PRIMARY KEY,
  patrol_id       text NOT NULL UNIQUE,
  team            text NOT NULL,
  members         integer NOT NULL CHECK (members BETWEEN 1 AND 1000),
  started_at      timestamptz NOT NULL,
  ended_at        timestamptz NOT NULL,
  track           geometry(LineString, 4326),
  length_m        real,
  -- The areas the track passed through (computed when stored): coverage, and the scope.
  town_codes      text[] NOT NULL DEFAULT '{}',
  village_codes   text[] NOT NULL DEFAULT '{}',
  grid_codes      text[] NOT NULL DEFAULT '{}',
  source          text,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  CHECK (ended_at >= started_at)
);
CREATE INDEX patrols_track_gist ON patrols USING gist (track);
CREATE INDEX patrols_grids_idx ON patrols USING gin (grid_codes);
CREATE INDEX patrols_started_idx ON patrols (started_at);

-- ── Devices (物联感知) and their events ──────────────────────────────────────────────────────
CREATE TABLE devices (
  id                    bigserial PRIMARY KEY,
  device_id             text NOT NULL UNIQUE,
  kind                  text NOT NULL CHECK (kind IN ('smoke_detector', 'gas_alarm', 'gas_cylinder', 'ebike_charger')),
  name                  text,
  status                text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'retired')),
  installed_at          date,
  -- Where it is installed, or for a gas cylinder the registered customer (an organisation or a
  -- house) and how often it should need refilling.
  organisation_id       bigint REFERENCES organisations (id) ON DELETE SET NULL,
  house_id              bigint REFERENCES houses (id) ON DELETE SET NULL,
  expected_refill_days  integer CHECK (expected_refill_days IS NULL OR expected_refill_days BETWEEN 1 AND 366),
  address               text,
  geom                  geometry(Point, 4326),
  approximate           boolean NOT NULL DEFAULT false,
  outside_district      boolean NOT NULL DEFAULT false,
  geocode_level         text,
  geocode_score         real,
  address_id            text,
  town_code             text,
  village_code          text,
  grid_code             text,
  microgrid_code        text,
  h3_r7                 bigint,
  h3_r8                 bigint,
  h3_r9                 bigint,
  h3_r10                bigint,
  source                text,
  created_at            timestamptz NOT NULL DEFAULT now(),
  updated_at            timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX devices_geom_gist ON devices USING gist (geom);
CREATE INDEX devices_address_idx ON devices (address_id);
CREATE INDEX devices_kind_idx ON devices (kind);
CREATE INDEX devices_grid_idx ON devices (grid_code);

-- A reading or event (a time series). A cylinder's `filling` is at a station, its `delivery` at
-- a point (where it was delivered, which may not be its registered customer's address).
CREATE TABLE device_events (
  id          bigserial PRIMARY KEY,
  device_id   bigint NOT NULL REFERENCES devices (id) ON DELETE CASCADE,
  at          timestamptz NOT NULL,
  kind        text NOT NULL CHECK (kind IN ('alarm', 'fault', 'offline', 'online', 'reading', 'test', 'filling', 'delivery')),
  value       double precision,
  station     text,
  address     text,
  address_id  text,
  geom        geometry(Point, 4326),
  details     jsonb NOT NULL DEFAULT '{}'::jsonb,
  source      text,
  -- A re-sent event is the same event.
  UNIQUE (device_id, at, kind)
);
CREATE INDEX device_events_at_idx ON device_events (at);
CREATE INDEX device_events_kind_idx ON device_events (kind, at);

-- ── 双十条 indicators entered by hand ───────────────────────────────────────────────────────
-- Indicators that departments (result) or towns (process) assess, e.g. 村规民约: every entry kept
-- (who and when); the latest entry for an indicator, area and month is its value.
CREATE TABLE indicator_assessments (
  id            bigserial PRIMARY KEY,
  indicator_id  text NOT NULL,
  area_code     text NOT NULL,
  month         date NOT NULL CHECK (extract(day FROM month) = 1),
  value         double precision NOT NULL,
  comment       text,
  entered_by    text NOT NULL,
  entered_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX indicator_assessments_key_idx ON indicator_assessments (indicator_id, month, area_code, entered_at DESC);

-- ── Row-level security: the scope policy of 019 on every new table ───────────────────────────
ALTER TABLE houses ENABLE ROW LEVEL SECURITY;
CREATE POLICY houses_scope ON houses USING (
  (SELECT app_scope_all())
  OR town_code = ANY ((SELECT app_scope_areas())::text[]) OR village_code = ANY ((SELECT app_scope_areas())::text[])
  OR grid_code = ANY ((SELECT app_scope_areas())::text[]) OR microgrid_code = ANY ((SELECT app_scope_areas())::text[]));

ALTER TABLE residents ENABLE ROW LEVEL SECURITY;
CREATE POLICY residents_scope ON residents USING (
  (SELECT app_scope_all())
  OR town_code = ANY ((SELECT app_scope_areas())::text[]) OR village_code = ANY ((SELECT app_scope_areas())::text[])
  OR grid_code = ANY ((SELECT app_scope_areas())::text[]) OR microgrid_code = ANY ((SELECT app_scope_areas())::text[]));

ALTER TABLE organisations ENABLE ROW LEVEL SECURITY;
CREATE POLICY organisations_scope ON organisations USING (
  (SELECT app_scope_all())
  OR town_code = ANY ((SELECT app_scope_areas())::text[]) OR village_code = ANY ((SELECT app_scope_areas())::text[])
  OR grid_code = ANY ((SELECT app_scope_areas())::text[]) OR microgrid_code = ANY ((SELECT app_scope_areas())::text[]));

ALTER TABLE disputes ENABLE ROW LEVEL SECURITY;
CREATE POLICY disputes_scope ON disputes USING (
  (SELECT app_scope_all())
  OR town_code = ANY ((SELECT app_scope_areas())::text[]) OR village_code = ANY ((SELECT app_scope_areas())::text[])
  OR grid_code = ANY ((SELECT app_scope_areas())::text[]) OR microgrid_code = ANY ((SELECT app_scope_areas())::text[]));

ALTER TABLE devices ENABLE ROW LEVEL SECURITY;
CREATE POLICY devices_scope ON devices USING (
  (SELECT app_scope_all())
  OR town_code = ANY ((SELECT app_scope_areas())::text[]) OR village_code = ANY ((SELECT app_scope_areas())::text[])
  OR grid_code = ANY ((SELECT app_scope_areas())::text[]) OR microgrid_code = ANY ((SELECT app_scope_areas())::text[]));

-- A patrol is in scope where its track went.
ALTER TABLE patrols ENABLE ROW LEVEL SECURITY;
CREATE POLICY patrols_scope ON patrols USING (
  (SELECT app_scope_all())
  OR town_codes && (SELECT app_scope_areas())::text[] OR village_codes && (SELECT app_scope_areas())::text[]
  OR grid_codes && (SELECT app_scope_areas())::text[]);

-- Children follow their parent (the subquery is itself under the parent's policy).
ALTER TABLE self_checks ENABLE ROW LEVEL SECURITY;
CREATE POLICY self_checks_scope ON self_checks USING (EXISTS (SELECT 1 FROM organisations o WHERE o.id = self_checks.organisation_id));
ALTER TABLE dispute_parties ENABLE ROW LEVEL SECURITY;
CREATE POLICY dispute_parties_scope ON dispute_parties USING (EXISTS (SELECT 1 FROM disputes d WHERE d.id = dispute_parties.dispute_id));
ALTER TABLE dispute_steps ENABLE ROW LEVEL SECURITY;
CREATE POLICY dispute_steps_scope ON dispute_steps USING (EXISTS (SELECT 1 FROM disputes d WHERE d.id = dispute_steps.dispute_id));
ALTER TABLE device_events ENABLE ROW LEVEL SECURITY;
CREATE POLICY device_events_scope ON device_events USING (EXISTS (SELECT 1 FROM devices d WHERE d.id = device_events.device_id));

-- Assessments of an area: its own scope and the areas below it (a town officer assesses its
-- villages), never another town's.
ALTER TABLE indicator_assessments ENABLE ROW LEVEL SECURITY;
CREATE POLICY indicator_assessments_scope ON indicator_assessments USING (
  (SELECT app_scope_all()) OR area_code = ANY ((SELECT app_scope_subtree())::text[]));
