/**
 * The placement columns every placed record shares (hazards, and the full view's houses,
 * residents, organisations, disputes and devices: migrations 013, 034), and placing a record on
 * the unified address base by its address code before falling back to its text.
 */
import type { PendingQuery, Row } from 'postgres'

import { type Db, type Queryable, SYSTEM_SCOPE } from '../db/index.ts'
import type { Crs } from '../geo/crs.ts'
import type { Geocoder } from './geocoder.ts'
import { placeReports, type ReportPlacement } from './place.ts'
import type { MatchLevel } from './schema.ts'

/**
 * The placement columns, in the order of placementValues.
 * @example sql`INSERT INTO houses (house_id, ${placementColumns(sql)}) SELECT ${id}, ${placementValues(sql, p)}`
 */
export function placementColumns(sql: Queryable): PendingQuery<Row[]> {
  return sql`geom, approximate, outside_district, geocode_level, geocode_score, address_id, town_code, village_code, grid_code, microgrid_code, h3_r7, h3_r8, h3_r9, h3_r10`
}

/**
 * A placement's values, in the order of placementColumns.
 * @example sql`UPDATE houses SET (${placementColumns(sql)}) = (SELECT ${placementValues(sql, p)}) WHERE id = ${id}`
 */
export function placementValues(sql: Queryable, p: ReportPlacement): PendingQuery<Row[]> {
  const [lng, lat] = p.point ?? [null, null]
  return sql`
    CASE WHEN ${lng}::float8 IS NULL THEN NULL ELSE ST_SetSRID(ST_Point(${lng}::float8, ${lat}::float8), 4326) END,
    ${p.approximate}::boolean, ${p.outsideDistrict}::boolean, ${p.level}::text, ${p.score}::real, ${p.addressId}::text, ${p.codes.townCode}::text, ${p.codes.villageCode}::text,
    ${p.codes.gridCode}::text, ${p.codes.microgridCode}::text, ${p.cells?.r7 ?? null}::bigint, ${p.cells?.r8 ?? null}::bigint,
    ${p.cells?.r9 ?? null}::bigint, ${p.cells?.r10 ?? null}::bigint`
}

/** A record to place: its unified address code (统一地址编码) and/or its address text and coordinates. */
export interface AddressBaseInput {
  addressId?: string | null | undefined
  address?: string | null | undefined
  lng?: number | null | undefined
  lat?: number | null | undefined
  crs?: Crs | undefined
}

/** What the base knows of one address: its point, codes and cells. */
interface BaseRow {
  address_id: string
  lng: number
  lat: number
  room: string | null
  unit: string | null
  building: string | null
  door_no: string | null
  compound: string | null
  town_code: string | null
  village_code: string | null
  grid_code: string | null
  microgrid_code: string | null
  h3_r7: string | null
  h3_r8: string | null
  h3_r9: string | null
  h3_r10: string | null
}

/**
 * How fine an address of the base is, by the parts it has.
 * @example finestLevel({ room: '301', unit: null, building: '2幢', door_no: null, compound: null }) // 'room'
 */
export function finestLevel(a: Pick<BaseRow, 'room' | 'unit' | 'building' | 'door_no' | 'compound'>): MatchLevel {
  if (a.room) return 'room'
  if (a.unit) return 'unit'
  if (a.building) return 'building'
  if (a.door_no) return 'door'
  return 'compound'
}

/**
 * Places records on the address base: a known address code takes that address's point, codes and
 * cells (score 1, no geocoding — the full view's records are tied to the base by code); any other
 * record is placed by its text and coordinates as reports are (server/geocode/place.ts). Results
 * in input order.
 * @example const [p] = await placeOnAddressBase(db, geocoder, [{ addressId: 'XS-000123', address: '金城路440号' }])
 */
export async function placeOnAddressBase(db: Db, geocoder: Geocoder, inputs: readonly AddressBaseInput[]): Promise<ReportPlacement[]> {
  const ids = [...new Set(inputs.flatMap((v) => (v.addressId ? [v.addressId] : [])))]
  const known = new Map<string, BaseRow>()
  if (ids.length > 0) {
    const rows = await db.withScope(
      SYSTEM_SCOPE,
      (tx) => tx<BaseRow[]>`
      SELECT address_id, ST_X(geom) AS lng, ST_Y(geom) AS lat, room, unit, building, door_no, compound,
             town_code, village_code, grid_code, microgrid_code,
             h3_r7::text, h3_r8::text, h3_r9::text, h3_r10::text
      FROM addresses WHERE address_id = ANY (${ids}::text[])`,
    )
    for (const r of rows) known.set(r.address_id, r)
  }
  const rest = inputs.flatMap((v, i) => (v.addressId && known.has(v.addressId) ? [] : [i]))
  const placed = await placeReports(
    db,
    geocoder,
    rest.map((i) => {
      const v = inputs[i]!
      return { address: v.address ?? undefined, lng: v.lng ?? undefined, lat: v.lat ?? undefined, crs: v.crs ?? 'wgs84' }
    }),
  )
  const byIndex = new Map(rest.map((i, k) => [i, placed[k]!]))
  return inputs.map((v, i) => {
    const b = v.addressId ? known.get(v.addressId) : undefined
    if (!b) return byIndex.get(i)!
    return {
      point: [b.lng, b.lat],
      approximate: false,
      level: finestLevel(b),
      score: 1,
      addressId: b.address_id,
      areaCodes: null,
      codes: { townCode: b.town_code, villageCode: b.village_code, gridCode: b.grid_code, microgridCode: b.microgrid_code },
      cells: b.h3_r7 && b.h3_r8 && b.h3_r9 && b.h3_r10 ? { r7: b.h3_r7, r8: b.h3_r8, r9: b.h3_r9, r10: b.h3_r10 } : null,
      outsideDistrict: false,
    }
  })
}
