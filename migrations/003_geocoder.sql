-- Geocoder lookups. The matcher parses text into parts first and then looks addresses up by
-- exact parts (numbers are never fuzzy); only names (roads, compounds) are matched loosely, in
-- memory, against the small dictionary in address_places.

-- Rooms, units and buildings of a compound: (town, compound, building, unit, room).
CREATE INDEX addresses_compound_idx ON addresses (town_code, compound, building, unit, room)
  WHERE compound IS NOT NULL;
-- Street doors (门牌): (town, road, door); building and room tell the door's own row from the
-- rooms behind a compound gate that share its number.
CREATE INDEX addresses_door_idx ON addresses (town_code, road, door_no, building, room)
  WHERE road IS NOT NULL AND door_no IS NOT NULL;
-- Houses of villager groups (组): (village, group, door).
CREATE INDEX addresses_group_idx ON addresses (village_code, group_no, door_no)
  WHERE group_no IS NOT NULL;

-- The name dictionary of the address base: one row per road and per compound of a town, with
-- a representative point. Refreshed after every address import (REFRESH MATERIALIZED VIEW).
CREATE MATERIALIZED VIEW address_places AS
SELECT 'road'::text AS kind, town_code, NULL::text AS village_code, NULL::text AS grid_code, road AS name,
       ''::text AS aliases, NULL::text AS road, NULL::text AS door_no,
       count(*)::integer AS n, avg(ST_X(geom)) AS lng, avg(ST_Y(geom)) AS lat,
       -- The road's course: its own doors numbered 1, 2, 21, 22, 41… (about every 100 m on each
       -- side) as 'number lng lat,…', to place intersections and doors missing from the base.
       string_agg(door_num || ' ' || round(ST_X(geom)::numeric, 6) || ' ' || round(ST_Y(geom)::numeric, 6), ',' ORDER BY door_num)
         FILTER (WHERE door_num % 20 IN (1, 2) AND building IS NULL AND room IS NULL) AS path
FROM (SELECT *, CASE WHEN door_no ~ '^[0-9]{1,6}(-[0-9]+)?$' AND door_no NOT LIKE '%-%' THEN door_no::integer END AS door_num
      FROM addresses) a
WHERE road IS NOT NULL AND town_code IS NOT NULL
GROUP BY town_code, road
UNION ALL
SELECT 'compound', town_code, mode() WITHIN GROUP (ORDER BY village_code),
       mode() WITHIN GROUP (ORDER BY grid_code), compound,
       -- '|'-joined aliases: array_agg of arrays of different lengths is not allowed.
       max(array_to_string(aliases, '|')),
       mode() WITHIN GROUP (ORDER BY road), mode() WITHIN GROUP (ORDER BY door_no),
       count(*)::integer, avg(ST_X(geom)), avg(ST_Y(geom)), NULL
FROM addresses
WHERE compound IS NOT NULL AND town_code IS NOT NULL
GROUP BY town_code, compound;
CREATE UNIQUE INDEX address_places_key ON address_places (kind, town_code, name);

-- Bumped whenever the address base changes, so every server process reloads its dictionary.
INSERT INTO app_meta (key, value) VALUES ('address_base_version', '0'::jsonb)
ON CONFLICT (key) DO NOTHING;
