-- Reports whose point lies outside the district (coordinates in Shanghai, a phone's 0,0, GCJ-02
-- read as WGS84 far off) used to keep that point: drawn on the map, given H3 cells and counted as
-- placed. They are now kept with their input coordinates but flagged and unplaced (no point, no
-- area codes, no cells; server/geocode/place.ts), unless their address text names an area of the
-- district, which then places them approximately.
ALTER TABLE incidents ADD COLUMN outside_district boolean NOT NULL DEFAULT false;
ALTER TABLE hazards ADD COLUMN outside_district boolean NOT NULL DEFAULT false;

-- Rows already stored that way: a precise point with no area codes, in no area of the district
-- (its outline or any area below it). Not when the district has no areas at all: nothing can be
-- called outside then. The rollup, change and tile triggers follow the update as for any other.
UPDATE incidents r SET outside_district = true, geom = NULL, h3_r7 = NULL, h3_r8 = NULL, h3_r9 = NULL, h3_r10 = NULL
WHERE r.geom IS NOT NULL AND NOT r.approximate
  AND r.town_code IS NULL AND r.village_code IS NULL AND r.grid_code IS NULL AND r.microgrid_code IS NULL
  AND EXISTS (SELECT 1 FROM admin_areas a WHERE a.geom IS NOT NULL)
  AND NOT EXISTS (SELECT 1 FROM admin_areas a WHERE a.geom IS NOT NULL AND ST_Intersects(a.geom, r.geom));

UPDATE hazards r SET outside_district = true, geom = NULL, h3_r7 = NULL, h3_r8 = NULL, h3_r9 = NULL, h3_r10 = NULL
WHERE r.geom IS NOT NULL AND NOT r.approximate
  AND r.town_code IS NULL AND r.village_code IS NULL AND r.grid_code IS NULL AND r.microgrid_code IS NULL
  AND EXISTS (SELECT 1 FROM admin_areas a WHERE a.geom IS NOT NULL)
  AND NOT EXISTS (SELECT 1 FROM admin_areas a WHERE a.geom IS NOT NULL AND ST_Intersects(a.geom, r.geom));
