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
 * A point outside the district (outside its outline, or without one, more than SNAP_M from every
 * leaf area) is no evidence of where the report belongs — a phone's default fix, coordinates in
 * the wrong system, a neighbour's case: it is passed over for the next rule (a text naming a
 * road, village or town still gives that area), and the report is flagged `outsideDistrict`.
 * With nothing else it is unplaced: stored with its input coordinates, but no point, codes or
 * cells, so it is never drawn, counted in an area or cell, or called placed.
 * Area codes of a precise point come from the in-JS area locator (server/addresses/locate.ts:
 * PostGIS point-in-polygon on the detailed microgrids cost ~0.5 ms a point), H3 cells by
 * server/geo/h3.ts; an approximate one takes the codes of the match.
 */
import { addressBaseVersion } from '../addresses/base.ts'
import { type AreaCodes, type AreaLocator, codesOf, loadAreaLocator, type Location, NO_CODES } from '../addresses/locate.ts'
import type { Db } from '../db/index.ts'
import { type Crs, toWgs84 } from '../geo/crs.ts'
import { h3Cells, type StoredCells } from '../geo/h3.ts'
import type { Geocoder } from './geocoder.ts'
import type { MatchInput } from './match.ts'
import { type GeocodeResult, levelRank, type MatchLevel } from './schema.ts'

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
  /** A point it came with (coordinates, or its address's point) lies outside the district and was not used. */
  outsideDistrict: boolean
}

/** No place at all (a report without address or coordinates). */
export const UNPLACED: ReportPlacement = {
  point: null,
  approximate: false,
  level: null,
  score: null,
  addressId: null,
  areaCodes: null,
  codes: NO_CODES,
  cells: null,
  outsideDistrict: false,
}

/**
 * Every place the evidence gives a report, best first (see the rules above): the text's precise
 * match, the coordinates, the text's area. Empty when nothing places it.
 * @example placeCandidates({ lng: 121.47, lat: 31.23, crs: 'wgs84' }, villageMatch).map((p) => p.approximate) // [false, true]
 */
export function placeCandidates(input: Pick<PlaceInput, 'lng' | 'lat' | 'crs'>, match: GeocodeResult | null): Placement[] {
  const kept = { level: match?.level ?? null, score: match ? match.score : null }
  const out: Placement[] = []
  if (match && match.lng !== null && match.lat !== null && levelRank(match.level) <= levelRank(PLACING_LEVEL)) {
    out.push({ point: [match.lng, match.lat], approximate: false, ...kept, addressId: match.addressId, areaCodes: null })
  }
  if (input.lng !== undefined && input.lat !== undefined) {
    out.push({ point: toWgs84(input.lng, input.lat, input.crs), approximate: false, ...kept, addressId: null, areaCodes: null })
  }
  if (match && match.lng !== null && match.lat !== null && match.townCode && AREA_LEVELS.has(match.level)) {
    const areaCodes: AreaCodes = {
      townCode: match.townCode,
      villageCode: match.level === 'village' ? match.villageCode : null,
      gridCode: null,
      microgridCode: null,
    }
    out.push({ point: [match.lng, match.lat], approximate: true, ...kept, addressId: null, areaCodes })
  }
  return out
}

/**
 * Places one report from its geocoding result (if it had an address) and its coordinates, not
 * yet knowing the district's areas (the first candidate).
 * @example place({ lng: 120.26, lat: 30.16, crs: 'wgs84' }, null).point // [120.26, 30.16]
 */
export function place(input: Pick<PlaceInput, 'lng' | 'lat' | 'crs'>, match: GeocodeResult | null): Placement {
  return (
    placeCandidates(input, match)[0] ?? {
      point: null,
      approximate: false,
      level: match?.level ?? null,
      score: match ? match.score : null,
      addressId: null,
      areaCodes: null,
    }
  )
}

/**
 * The first candidate that lies in the district, with its codes and cells. Approximate ones carry
 * the codes of the area the text named; a precise point takes the codes of where it lies, and is
 * passed over when that is outside the district. `locate` null: the district has no areas yet,
 * so nothing can be called outside (the boundary import places such points later).
 * @example placeInDistrict([shanghaiPoint], { level: null, score: null }, locate).outsideDistrict // true (and point null)
 */
export function placeInDistrict(
  candidates: readonly Placement[],
  kept: Pick<Placement, 'level' | 'score'>,
  locate: ((lng: number, lat: number) => Location) | null,
): ReportPlacement {
  let outsideDistrict = false
  for (const p of candidates) {
    if (p.areaCodes) return { ...p, codes: p.areaCodes, cells: null, outsideDistrict }
    const [lng, lat] = p.point!
    const where = locate ? locate(lng, lat) : null
    if (where?.kind === 'outside') {
      outsideDistrict = true
      continue
    }
    return { ...p, codes: where ? codesOf(where) : NO_CODES, cells: h3Cells(lng, lat), outsideDistrict }
  }
  return { ...UNPLACED, ...kept, outsideDistrict }
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
  const candidates = inputs.map((v, i) => placeCandidates(v, matches.get(i) ?? null))
  const locator = candidates.some((c) => c.some((p) => !p.approximate)) ? await areaLocator(db) : null
  // A locator without areas (no boundaries loaded yet) cannot tell inside from outside.
  const locate = locator && locator.size > 0 ? (lng: number, lat: number) => locator.locate(lng, lat) : null
  return candidates.map((c, i) => {
    const m = matches.get(i)
    return placeInDistrict(c, { level: m?.level ?? null, score: m ? m.score : null }, locate)
  })
}
