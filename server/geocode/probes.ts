/**
 * Exact lookups in the address base, batched: every probe of a geocoding batch of one kind is one
 * SQL statement (unnest + LATERAL … LIMIT), served by the indexes of migrations/022. Probes are
 * keyed by the town each row itself writes (written_town_code), not the polygon its point is in.
 */
import type { Tx } from '../db/index.ts'

/** An address row found by a probe. */
export interface AddressHit {
  /** Index of the probe in its input array. */
  i: number
  address_id: string
  address: string
  compound: string | null
  building: string | null
  unit: string | null
  room: string | null
  lng: number
  lat: number
  town_code: string | null
  village_code: string | null
  grid_code: string | null
}

/** The columns every probe returns (a postgres.js fragment, spliced into each statement). */
const columns = (tx: Tx) =>
  tx`a.address_id, a.address, a.compound, a.building, a.unit, a.room, ST_X(a.geom) AS lng, ST_Y(a.geom) AS lat, a.town_code, a.village_code, a.grid_code`

/** Rooms of a compound: (town, compound, building, unit or any, room). Up to 2 hits per probe (2 = unit ambiguous). */
export interface RoomProbe {
  town: string
  compound: string
  building: string
  unit: string | null
  room: string
}

export async function probeRooms(tx: Tx, probes: readonly RoomProbe[]): Promise<AddressHit[]> {
  if (probes.length === 0) return []
  return tx<AddressHit[]>`
    SELECT p.i, ${columns(tx)}
    FROM unnest(${probes.map((_, i) => i)}::int[], ${probes.map((p) => p.town)}::text[], ${probes.map((p) => p.compound)}::text[],
                ${probes.map((p) => p.building)}::text[], ${probes.map((p) => p.unit)}::text[], ${probes.map((p) => p.room)}::text[])
         AS p(i, town, compound, building, unit, room)
    CROSS JOIN LATERAL (
      SELECT * FROM addresses a
      WHERE a.written_town_code = p.town AND a.compound = p.compound AND a.building = p.building AND a.room = p.room
        AND (p.unit IS NULL OR a.unit = p.unit)
      LIMIT 2) a`
}

/** Rooms behind a street door: (town, road, door, building, unit or any, room). */
export interface DoorRoomProbe {
  town: string
  road: string
  door: string
  building: string
  unit: string | null
  room: string
}

export async function probeDoorRooms(tx: Tx, probes: readonly DoorRoomProbe[]): Promise<AddressHit[]> {
  if (probes.length === 0) return []
  return tx<AddressHit[]>`
    SELECT p.i, ${columns(tx)}
    FROM unnest(${probes.map((_, i) => i)}::int[], ${probes.map((p) => p.town)}::text[], ${probes.map((p) => p.road)}::text[],
                ${probes.map((p) => p.door)}::text[], ${probes.map((p) => p.building)}::text[], ${probes.map((p) => p.unit)}::text[],
                ${probes.map((p) => p.room)}::text[])
         AS p(i, town, road, door, building, unit, room)
    CROSS JOIN LATERAL (
      SELECT * FROM addresses a
      WHERE a.written_town_code = p.town AND a.road = p.road AND a.door_no = p.door AND a.building = p.building AND a.room = p.room
        AND (p.unit IS NULL OR a.unit = p.unit)
      LIMIT 2) a`
}

/** A building of a compound: its own row (unit and room empty) or, failing that, any row in it. */
export interface BuildingProbe {
  town: string
  compound: string
  building: string
  unit: string | null
}

/** `own`: the hit is the building's own address; `unit_found`: the asked unit exists. */
export type BuildingHit = AddressHit & { own: boolean; unit_found: boolean }

export async function probeBuildings(tx: Tx, probes: readonly BuildingProbe[]): Promise<BuildingHit[]> {
  if (probes.length === 0) return []
  return tx<BuildingHit[]>`
    SELECT p.i, ${columns(tx)}, a.own,
           p.unit IS NOT NULL AND EXISTS (
             SELECT 1 FROM addresses u
             WHERE u.written_town_code = p.town AND u.compound = p.compound AND u.building = p.building AND u.unit = p.unit) AS unit_found
    FROM unnest(${probes.map((_, i) => i)}::int[], ${probes.map((p) => p.town)}::text[], ${probes.map((p) => p.compound)}::text[],
                ${probes.map((p) => p.building)}::text[], ${probes.map((p) => p.unit)}::text[])
         AS p(i, town, compound, building, unit)
    CROSS JOIN LATERAL (
      (SELECT *, true AS own FROM addresses a
       WHERE a.written_town_code = p.town AND a.compound = p.compound AND a.building = p.building AND a.unit IS NULL AND a.room IS NULL
       LIMIT 1)
      UNION ALL
      (SELECT *, false FROM addresses a
       WHERE a.written_town_code = p.town AND a.compound = p.compound AND a.building = p.building
       LIMIT 1)
      LIMIT 1) a`
}

/** A street door: its own row (no building or room), else any row behind it (a compound's rooms). */
export interface DoorProbe {
  town: string
  road: string
  door: string
}

export type DoorHit = AddressHit & { own: boolean }

export async function probeDoors(tx: Tx, probes: readonly DoorProbe[]): Promise<DoorHit[]> {
  if (probes.length === 0) return []
  return tx<DoorHit[]>`
    SELECT p.i, ${columns(tx)}, a.own
    FROM unnest(${probes.map((_, i) => i)}::int[], ${probes.map((p) => p.town)}::text[], ${probes.map((p) => p.road)}::text[],
                ${probes.map((p) => p.door)}::text[])
         AS p(i, town, road, door)
    CROSS JOIN LATERAL (
      (SELECT *, true AS own FROM addresses a
       WHERE a.written_town_code = p.town AND a.road = p.road AND a.door_no = p.door AND a.building IS NULL AND a.room IS NULL
       LIMIT 1)
      UNION ALL
      (SELECT *, false FROM addresses a
       WHERE a.written_town_code = p.town AND a.road = p.road AND a.door_no = p.door
       LIMIT 1)
      LIMIT 1) a`
}

/** A house of a villager group: (written town, village name as written, group, door). */
export interface GroupProbe {
  town: string
  village: string
  group: string
  door: string
}

export async function probeGroups(tx: Tx, probes: readonly GroupProbe[]): Promise<AddressHit[]> {
  if (probes.length === 0) return []
  return tx<AddressHit[]>`
    SELECT p.i, ${columns(tx)}
    FROM unnest(${probes.map((_, i) => i)}::int[], ${probes.map((p) => p.town)}::text[], ${probes.map((p) => p.village)}::text[],
                ${probes.map((p) => p.group)}::text[], ${probes.map((p) => p.door)}::text[])
         AS p(i, town, village, grp, door)
    CROSS JOIN LATERAL (
      SELECT * FROM addresses a
      WHERE a.written_town_code = p.town AND a.village = p.village AND a.group_no = p.grp AND a.door_no = p.door
      LIMIT 2) a`
}
