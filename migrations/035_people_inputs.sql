-- Houses and residents (issue 26, server/people/): what an import placed each record from, so a
-- re-import of the same line is recognised as unchanged without geocoding it again, and the ID
-- number sealed beside its hash, for the one caller who may see it (`pii`, asking to reveal).
--
-- `place_input` is the line's location as given: `{"addressId", "address", "lng", "lat", "crs"}` for
-- a house or a resident without one, `{"house": "<house_id>"}` for a resident placed by their house.
ALTER TABLE houses ADD COLUMN place_input jsonb;
ALTER TABLE residents ADD COLUMN place_input jsonb;
-- AES-256-GCM like the other `*_sealed` columns (server/auth/sealed.ts); id_hash still matches a
-- person across imports without the key.
ALTER TABLE residents ADD COLUMN id_sealed text;
