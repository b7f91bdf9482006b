/**
 * Where a report (an incident, a hazard…) goes on the map, from its address text and/or its
 * coordinates. One rule for every kind of report:
 * - the address text matched at `compound` or finer (room, unit, building, door, compound): the
 *   match's point. A compound's point is its gate, within a few hundred metres of any building;
 * - otherwise, with coordinates: the coordinates, converted to WGS84 — better evidence than a
 *   road's or an area's representative point, which may be kilometres off;
 * - otherwise, a text match at `road`, `village` or `town`: the report belongs to that area (a
 *   village, or the town the text or the road names) and gets its representative point, flagged
 *   `approximate`: it is drawn and counted by area, but has no H3 cells and stays out of the point
 *   analytics, so it cannot pile up into a false hot spot at a centroid;
 * - otherwise (nothing, or only "somewhere in the district"): unplaced — no point, codes or cells
 *   (the report is still stored), its geocode level kept so a reviewer sees why.
 * Area codes of a precise point come from the in-JS area locator (server/addresses/locate.ts:
 * PostGIS point-in-polygon on the detailed microgrids cost ~0.5 ms a point), H3 cells by
 * server/geo/h3.ts; an approximate one takes the codes of the match.
 */
import { addressBaseVersion } from '../addresses/base.ts'
import { codesOf, loadAreaLocator, NO_CODES, type AreaCodes, type AreaLocator } from '../addresses/locate.ts'
import type { Db } from '../db/index.ts'
import { toWgs84, type Crs } from '../geo/crs.ts'
import { h3Cells, type StoredCells } from '../geo/h3.ts'
import type { Geocoder } from './geocoder.ts'
import type { MatchInput } from './match.ts'
import { levelRank, type GeocodeResult, type MatchLevel } from './schema.ts'

/** Text matches at this level or finer place a report by themselves. */
export const PLACING_LEVEL: MatchLevel = 'compound'

/** Coarser text matches that still say which area a report belongs to. */
const AREA_LEVELS: ReadonlySet<MatchLevel> = new Set(['road', 'village', 'town'])

/** What is placed: an address text and/or coordinates in some system. */
export interface PlaceInput {
  address?: string | undefined
  lng?: number | undefined
  lat?: number | undefined
  crs: Crs
}

/** Where a report goes: a WGS84 point and how it was found, or nowhere. */
export interface Placement {
  point: [number, number] | null
  /** The point stands for the road, village or town the text named, not for the report's own place. */
  approximate: boolean
  level: MatchLevel | null
  score: number | null
  addressId: string | null
  /** For an approximate point: the codes of the area the text named (a precise point's come from its polygons). */
  areaCodes: AreaCodes | null
}

/** A placement with the area codes and H3 cells of its point (all null when unplaced). */
export interface ReportPlacement extends Placement {
  codes: AreaCodes
  cells: StoredCells | null
}

/** No place at all (a report without address or coordinates). */
export const UNPLACED: ReportPlacement = {
  point: null, approximate: false, level: null, score: null, addressId: null, areaCodes: null, codes: NO_CODES, cells: null,
}

/**
 * Places one report from its geocoding result (if it had an address) and its coordinates.
 * @example place({ lng: 120.26, lat: 30.16, crs: 'wgs84' }, null).point // [120.26, 30.16]
 */
export function place(input: Pick<PlaceInput, 'lng' | 'lat' | 'crs'>, match: GeocodeResult | null): Placement {
  const level = match?.level ?? null
  const kept = { level, score: match ? match.score : null }
  if (match && match.lng !== null && match.lat !== null && levelRank(match.level) <= levelRank(PLACING_LEVEL)) {
    return { point: [match.lng, match.lat], approximate: false, ...kept, addressId: match.addressId, areaCodes: null }
  }
  if (input.lng !== undefined && input.lat !== undefined) {
    return { point: toWgs84(input.lng, input.lat, input.crs), approximate: false, ...kept, addressId: null, areaCodes: null }
  }
  if (match && match.lng !== null && match.lat !== null && match.townCode && AREA_LEVELS.has(match.level)) {
    const areaCodes: AreaCodes = { townCode: match.townCode, villageCode: match.level === 'village' ? match.villageCode : null, gridCode: null, microgridCode: null }
    return { point: [match.lng, match.lat], approximate: true, ...kept, addressId: null, areaCodes }
  }
  return { point: null, approximate: false, ...kept, addressId: null, areaCodes: null }
}

const locators = new WeakMap<Db, { version: number; locator: Promise<AreaLocator> }>()

/**
 * The area locator of a database, built once per address base version: a boundary import (in
 * this process or another) bumps the version, and the next placement uses the new areas.
 */
export async function areaLocator(db: Db): Promise<AreaLocator> {
  const version = await addressBaseVersion(db.sql)
  let l = locators.get(db)
  if (!l || l.version !== version) {
    const locator = loadAreaLocator(db.sql)
    l = { version, locator }
    // A failed load (e.g. no boundaries yet) must not be cached for the life of the process.
    locator.catch(() => locators.delete(db))
    locators.set(db, l)
  }
  return l.locator
}

/**
 * Geocodes (one geocoder call for all texts; coordinates rank candidates near them first) and
 * places reports, with area codes and H3 cells; results in input order.
 * @example const [p] = await placeReports(db, geocoder, [{ address: '金城路440号', crs: 'wgs84' }]); p.codes.gridCode
 */
export async function placeReports(db: Db, geocoder: Geocoder, inputs: readonly PlaceInput[]): Promise<ReportPlacement[]> {
  if (inputs.length === 0) return []
  const withText = inputs.flatMap((v, i) => (v.address ? [i] : []))
  const matches = new Map<number, GeocodeResult>()
  if (withText.length > 0) {
    const queries: MatchInput[] = withText.map((i) => {
      const v = inputs[i]!
      return { address: v.address!, lng: v.lng, lat: v.lat, crs: v.crs }
    })
    const out = await geocoder.geocode(queries, { candidates: false })
    out.forEach((m, k) => matches.set(withText[k]!, m.result))
  }
  const placements = inputs.map((v, i) => place(v, matches.get(i) ?? null))
  const locator = placements.some((p) => p.point && !p.approximate) ? await areaLocator(db) : null
  return placements.map((p) => ({
    ...p,
    codes: p.areaCodes ?? (p.point && locator ? codesOf(locator.locate(p.point[0], p.point[1])) : NO_CODES),
    cells: p.point && !p.approximate ? h3Cells(p.point[0], p.point[1]) : null,
  }))
}
