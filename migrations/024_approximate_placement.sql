-- Reports whose text names only a road, a village or a town (and that came without coordinates)
-- used to stay unplaced: no point and no area codes, so they were missing from the map, the
-- statistics, the indicators and the models. They now belong to the area the text names
-- (server/geocode/place.ts) and carry that area's or road's representative point, flagged here:
-- an approximate point is drawn and counted by area, but has no H3 cells and is left out of the
-- point analytics (hot spots, near-repeats), where it would make a false cluster at a centroid.
ALTER TABLE incidents ADD COLUMN approximate boolean NOT NULL DEFAULT false;
ALTER TABLE hazards ADD COLUMN approximate boolean NOT NULL DEFAULT false;
