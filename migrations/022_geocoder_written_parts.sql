-- The geocoder matches text against what each address row itself says, not against the polygon
-- its point falls in: a door written as town A whose point lies a few metres inside town B is
-- still a door of town A to anyone typing it. The polygon keeps deciding the area codes
-- (town_code, village_code, grid_code, microgrid_code); written_town_code only keys text lookups.
ALTER TABLE addresses ADD COLUMN written_town_code text;

-- Rows loaded before this migration: their written town by name (full, short, or with another
-- suffix: 宁围镇 for 宁围街道), else their polygon's town.
UPDATE addresses a SET written_town_code = coalesce(
  (SELECT t.code FROM admin_areas t
   WHERE t.level = 'town'
     AND a.town IS NOT NULL
     AND (t.name = a.town OR t.properties->>'short_name' = a.town
          OR regexp_replace(t.name, '(街道|镇|乡)$', '') = regexp_replace(a.town, '(街道|镇|乡)$', ''))
   ORDER BY (t.name = a.town) DESC, t.code LIMIT 1),
  a.town_code);

-- Rows written later by paths that do not know the town's code yet (fixtures, SQL by hand) are
-- filled from their polygon when the base changes (addressBaseChanged): a small partial index
-- finds them without a scan.
CREATE INDEX addresses_written_town_missing_idx ON addresses (address_id) WHERE written_town_code IS NULL;

-- The geocoder's exact probes, keyed by the written town (they replace migration 003's).
DROP INDEX addresses_compound_idx;
DROP INDEX addresses_door_idx;
DROP INDEX addresses_group_idx;
CREATE INDEX addresses_compound_idx ON addresses (written_town_code, compound, building, unit, room)
  WHERE compound IS NOT NULL;
CREATE INDEX addresses_door_idx ON addresses (written_town_code, road, door_no, building, room)
  WHERE road IS NOT NULL AND door_no IS NOT NULL;
-- Houses of villager groups (组) by the village as written: (town, village name, group, door).
CREATE INDEX addresses_group_idx ON addresses (written_town_code, village, group_no, door_no)
  WHERE group_no IS NOT NULL;

-- The name dictionary, rebuilt: one row per road, compound and village name of a written town.
-- `town_code` is the written town (what text names); `area_town_code` and `village_code` are the
-- polygons most of the place's rows lie in (what the area codes of a compound or village answer).
-- Roads keep their course as door lines: every numbered door of the road (each number once, at
-- its own row if it has one, else at the mean of the rows behind it), thinned to at most about
-- 60 a side, as 'number lng lat,…' — to place junctions where two roads' doors meet and doors
-- missing from the base between their neighbours.
DROP MATERIALIZED VIEW address_places;
CREATE MATERIALIZED VIEW address_places AS
WITH doors AS (
  SELECT written_town_code AS town, road, door_num,
         coalesce(avg(ST_X(geom)) FILTER (WHERE building IS NULL AND room IS NULL), avg(ST_X(geom))) AS lng,
         coalesce(avg(ST_Y(geom)) FILTER (WHERE building IS NULL AND room IS NULL), avg(ST_Y(geom))) AS lat
  FROM (SELECT written_town_code, road, building, room, geom,
               CASE WHEN door_no ~ '^[0-9]{1,6}$' THEN door_no::integer END AS door_num
        FROM addresses WHERE road IS NOT NULL AND written_town_code IS NOT NULL) a
  WHERE door_num IS NOT NULL
  GROUP BY 1, 2, 3
), sides AS (
  SELECT *, row_number() OVER w AS k, count(*) OVER (PARTITION BY town, road, door_num % 2) AS m
  FROM doors WINDOW w AS (PARTITION BY town, road, door_num % 2 ORDER BY door_num)
), paths AS (
  SELECT town, road,
         string_agg(door_num || ' ' || round(lng::numeric, 6) || ' ' || round(lat::numeric, 6), ',' ORDER BY door_num)
           FILTER (WHERE (k - 1) % greatest(1, m / 60) = 0 OR k = m) AS path
  FROM sides GROUP BY town, road
)
SELECT 'road'::text AS kind, r.town_code, NULL::text AS area_town_code, NULL::text AS village_code, NULL::text AS grid_code,
       r.name, ''::text AS aliases, NULL::text AS road, NULL::text AS door_no, r.n, r.lng, r.lat, p.path
FROM (SELECT written_town_code AS town_code, road AS name, count(*)::integer AS n, avg(ST_X(geom)) AS lng, avg(ST_Y(geom)) AS lat
      FROM addresses WHERE road IS NOT NULL AND written_town_code IS NOT NULL
      GROUP BY written_town_code, road) r
LEFT JOIN paths p ON p.town = r.town_code AND p.road = r.name
UNION ALL
SELECT 'compound', written_town_code, mode() WITHIN GROUP (ORDER BY town_code), mode() WITHIN GROUP (ORDER BY village_code),
       mode() WITHIN GROUP (ORDER BY grid_code), compound,
       -- '|'-joined aliases: array_agg of arrays of different lengths is not allowed.
       max(array_to_string(aliases, '|')),
       mode() WITHIN GROUP (ORDER BY road), mode() WITHIN GROUP (ORDER BY door_no),
       count(*)::integer, avg(ST_X(geom)), avg(ST_Y(geom)), NULL
FROM addresses
WHERE compound IS NOT NULL AND written_town_code IS NOT NULL
GROUP BY written_town_code, compound
UNION ALL
SELECT 'village', written_town_code, mode() WITHIN GROUP (ORDER BY town_code), mode() WITHIN GROUP (ORDER BY village_code),
       NULL, village, '', NULL, NULL, count(*)::integer, avg(ST_X(geom)), avg(ST_Y(geom)), NULL
FROM addresses
WHERE village IS NOT NULL AND written_town_code IS NOT NULL
GROUP BY written_town_code, village;
CREATE UNIQUE INDEX address_places_key ON address_places (kind, town_code, name);
