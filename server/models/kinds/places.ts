/**
 * Warnings on H3 cells and points are titled by place, never by a raw H3 index (issue 21): the
 * town and village, and the nearest road or compound (小区) of the address base — the
 * addresses' parsed parts — to the cell's centre (or the point), looked for inside the cell (or
 * within a radius of the point). A rural cell with neither names its 组; a cell with no address
 * at all the village it lies in; a place outside every village its coordinates.
 */
import { cellToBoundary, cellToLatLng } from 'h3-js'

import type { Queryable } from '../../db/index.ts'
import type { Finding, Place } from '../types.ts'

export interface PlaceName {
  town: string | null
  village: string | null
  road: string | null
  /** the door number on that road (tells two cells on one road apart) */
  door: string | null
  compound: string | null
  /** a rural 组 (group) number, when the nearest address has no road or compound */
  group: string | null
}

interface LngLat {
  lng: number
  lat: number
}

/**
 * Coordinates in words, the last resort for a place outside every village.
 * @example coordinateWords({ lng: 120.27, lat: 30.17 }) // '北纬30.1700° 东经120.2700°'
 */
export function coordinateWords(at: LngLat): string {
  return `北纬${at.lat.toFixed(4)}° 东经${at.lng.toFixed(4)}°`
}

/**
 * A place in words: town and village, then the road (with the door number) and compound (or
 * the 组) in brackets.
 * @example placeWords({ town: '城厢街道', village: '陈公桥社区', road: '体育路', door: '73', compound: '盛世悦府', group: null }, at) // '城厢街道陈公桥社区（体育路73号盛世悦府附近）'
 * @example placeWords(undefined, { lng: 120.27, lat: 30.17 }) // '北纬30.1700° 东经120.2700°附近'
 */
export function placeWords(p: PlaceName | undefined, at: LngLat): string {
  const area = `${p?.town ?? ''}${p?.village ?? ''}`
  const door = p?.road && p.door ? (/^[\d-]+$/.test(p.door) ? `${p.door}号` : p.door) : ''
  const spot =
    p?.road || p?.compound
      ? `${p.road ?? ''}${door}${p.compound ?? ''}`
      : p?.group
        ? /^\d+$/.test(p.group)
          ? `${p.group}组`
          : p.group
        : ''
  if (!area) return spot ? `${spot}附近` : `${coordinateWords(at)}附近`
  return spot ? `${area}（${spot}附近）` : area
}

/**
 * The point a finding's place is named from: an H3 cell's centre, or the point; null for an area
 * (area findings carry the area's own name).
 * @example placeCentre({ kind: 'point', lng: 120.27, lat: 30.17 }) // { lng: 120.27, lat: 30.17 }
 */
export function placeCentre(p: Place): LngLat | null {
  if (p.kind === 'h3') {
    const [lat, lng] = cellToLatLng(p.cell)
    return { lng, lat }
  }
  return p.kind === 'point' ? { lng: p.lng, lat: p.lat } : null
}

/** Metres per degree near Xiaoshan (30° N), for the search box around a point. */
const M_PER_DEG_LAT = 110_854
const M_PER_DEG_LNG = 96_388

/**
 * The search area of a place as WKT: an H3 cell's hexagon, a point's box of ± `radiusM`.
 * @example searchArea({ kind: 'point', lng: 120.27, lat: 30.17 }, 200) // 'POLYGON((120.267925 30.168196, …))'
 */
export function searchArea(p: Place, radiusM: number): string | null {
  let ring: [number, number][]
  if (p.kind === 'h3') ring = cellToBoundary(p.cell, true) as [number, number][]
  else if (p.kind === 'point') {
    const dx = radiusM / M_PER_DEG_LNG
    const dy = radiusM / M_PER_DEG_LAT
    ring = [
      [p.lng - dx, p.lat - dy],
      [p.lng + dx, p.lat - dy],
      [p.lng + dx, p.lat + dy],
      [p.lng - dx, p.lat + dy],
      [p.lng - dx, p.lat - dy],
    ]
  } else return null
  return `POLYGON((${ring.map(([x, y]) => `${x.toFixed(7)} ${y.toFixed(7)}`).join(', ')}))`
}

/**
 * The place names of findings on H3 cells and points, by subject, in one query: the nearest
 * address with a road or compound inside the cell (or within `radiusM` of the point), else the
 * nearest address there (for its 组), and the village of that address — or, with no address,
 * the village containing the centre.
 * @example await placeNames(db.sql, findings) // Map { 'h3:89309a…' => { town: '城厢街道', village: '陈公桥社区', road: '体育路', … } }
 */
export async function placeNames(
  sql: Queryable,
  findings: readonly Pick<Finding, 'subject' | 'place'>[],
  radiusM = 200,
): Promise<Map<string, PlaceName>> {
  const keys: string[] = []
  const lngs: number[] = []
  const lats: number[] = []
  const areas: string[] = []
  for (const f of findings) {
    const c = placeCentre(f.place)
    const area = searchArea(f.place, radiusM)
    if (!c || !area || keys.includes(f.subject)) continue
    keys.push(f.subject)
    lngs.push(c.lng)
    lats.push(c.lat)
    areas.push(area)
  }
  if (keys.length === 0) return new Map()
  const rows = await sql<
    {
      key: string
      road: string | null
      door_no: string | null
      compound: string | null
      group_no: string | null
      village: string | null
      town: string | null
    }[]
  >`
    WITH p AS MATERIALIZED (
      SELECT key, ST_SetSRID(ST_MakePoint(lng, lat), 4326) AS pt, ST_GeomFromText(area, 4326) AS area
      FROM unnest(${keys}::text[], ${lngs}::float8[], ${lats}::float8[], ${areas}::text[]) AS u(key, lng, lat, area)
    )
    SELECT p.key, named.road, named.door_no, named.compound, any_addr.group_no,
           coalesce(av.name, cv.name) AS village, coalesce(tw.name, ct.name) AS town
    FROM p
    LEFT JOIN LATERAL (
      SELECT a.road, a.door_no, a.compound, a.village_code, a.town_code FROM addresses a
      WHERE ST_Intersects(a.geom, p.area) AND (a.road IS NOT NULL OR a.compound IS NOT NULL)
      ORDER BY a.geom <-> p.pt, a.address_id LIMIT 1
    ) named ON true
    LEFT JOIN LATERAL (
      SELECT a.group_no, a.village_code, a.town_code FROM addresses a
      WHERE named.village_code IS NULL AND ST_Intersects(a.geom, p.area)
      ORDER BY a.geom <-> p.pt, a.address_id LIMIT 1
    ) any_addr ON true
    LEFT JOIN admin_areas av ON av.code = coalesce(named.village_code, any_addr.village_code)
    LEFT JOIN admin_areas tw ON tw.code = coalesce(named.town_code, any_addr.town_code, av.parent_code)
    LEFT JOIN LATERAL (
      SELECT v.name, v.parent_code FROM admin_areas v
      WHERE av.code IS NULL AND v.level = 'village' AND ST_Covers(v.geom, p.pt)
      ORDER BY v.code LIMIT 1
    ) cv ON true
    LEFT JOIN admin_areas ct ON tw.code IS NULL AND ct.code = cv.parent_code`
  return new Map(
    rows.map((r) => [r.key, { town: r.town, village: r.village, road: r.road, door: r.door_no, compound: r.compound, group: r.group_no }]),
  )
}

/**
 * Titles each finding on a cell or point `${head}：${its place in words}` (others unchanged).
 * @example titledByPlace(findings, names, () => '热点区域')[0].title // '热点区域：城厢街道陈公桥社区（体育路73号盛世悦府附近）'
 */
export function titledByPlace(
  findings: readonly Finding[],
  names: ReadonlyMap<string, PlaceName>,
  head: (f: Finding) => string,
): Finding[] {
  return findings.map((f) => {
    const c = placeCentre(f.place)
    return c ? { ...f, title: `${head(f)}：${placeWords(names.get(f.subject), c)}` } : f
  })
}
