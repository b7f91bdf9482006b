-- Category roles (issue 20: any district onboards its own data). Indicators and warning models
-- name roles (fire, fraud, burglary…, server/categories/roles.ts), never item codes; this table
-- binds each role to codes of the district's own catalogue (a level-1 code means all its items).
-- A role without rows is unbound: what needs it is "not configured" and never computed.
-- Set by `npm run import -- roles mapping.json` or PUT /api/category-roles (replacing the whole
-- binding). A bound category cannot be deleted while bound (the foreign key).
CREATE TABLE category_roles (
  role     text NOT NULL CHECK (role ~ '^[a-z][a-z_]{0,39}$'),
  code     text NOT NULL REFERENCES incident_categories (code) ON UPDATE CASCADE,
  bound_by text NOT NULL DEFAULT 'system',
  bound_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (role, code)
);
CREATE INDEX category_roles_code_idx ON category_roles (code);

-- Xiaoshan's binding for the demo catalogue of migration 002 (data/xiaoshan/mapping.json says the
-- same), so the demo's indicators and models count what they counted before roles. Only codes
-- the catalogue still has are bound.
INSERT INTO category_roles (role, code)
SELECT b.role, b.code
FROM (VALUES
  ('public_order', '01'),
  ('burglary', '0101'),
  ('ebike_theft', '0102'),
  ('fight', '0104'),
  ('traffic', '02'),
  ('traffic_injury', '0202'),
  ('ebike_accident', '0203'),
  ('fire', '0301'),
  ('fire', '0303'),
  ('fire_alarm', '0302'),
  ('fire_incident', '03'),
  ('dispute', '04'),
  ('fraud', '05'),
  ('production_safety', '06')
) AS b(role, code)
JOIN incident_categories c ON c.code = b.code
ON CONFLICT DO NOTHING;

-- Reference data (the catalogue and its roles; 025's area history and district profile): scoped
-- users read it, only the server's own work writes it.
CREATE OR REPLACE FUNCTION app_grant_scoped() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  GRANT USAGE ON SCHEMA public TO onemap_scoped;
  GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO onemap_scoped;
  GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO onemap_scoped;
  REVOKE ALL ON users, sessions, api_keys, audit_log, schema_migrations FROM onemap_scoped;
  REVOKE INSERT, UPDATE, DELETE ON admin_areas, incident_categories, models, model_versions,
    ranking_config_versions, gazetteer, category_roles, admin_area_history, district_profile FROM onemap_scoped;
END $$;
