/**
 * Reads and writes the district profile (table district_profile). Values not set by hand come
 * from the data: the district-level area's name, code and extent.
 */
import type { Tx } from '../db/index.ts'
import { type Profile, type ProfileInput, zoomToFit } from './schema.ts'

interface ProfileRow {
  code: string | null
  name: string | null
  time_zone: string
  home_lng: number | null
  home_lat: number | null
  home_zoom: number | null
  statistics_only_types: string[]
}

/**
 * The profile with the data's values filled in.
 * @example (await readProfile(tx)).name // '萧山区'
 */
export async function readProfile(sql: Tx): Promise<Profile> {
  const [p] = await sql<ProfileRow[]>`
    SELECT code, name, time_zone, home_lng, home_lat, home_zoom, statistics_only_types FROM district_profile`
  const [d] = await sql<{ code: string; name: string; xmin: number; ymin: number; xmax: number; ymax: number }[]>`
    SELECT code, name, ST_XMin(geom) AS xmin, ST_YMin(geom) AS ymin, ST_XMax(geom) AS xmax, ST_YMax(geom) AS ymax
    FROM admin_areas WHERE level = 'district' ORDER BY code LIMIT 1`
  const types = p?.statistics_only_types ?? []
  const units = await sql<{ code: string; name: string }[]>`
    SELECT code, name FROM admin_areas
    WHERE level = 'town' AND ((properties->>'statistics_only')::boolean IS TRUE OR properties->>'type' = ANY(${types}::text[]))
    ORDER BY code`
  const bbox = d ? ([d.xmin, d.ymin, d.xmax, d.ymax] as [number, number, number, number]) : null
  const handHome = p && p.home_lng !== null && p.home_lat !== null && p.home_zoom !== null
  const home = handHome
    ? { center: [p.home_lng!, p.home_lat!] as [number, number], zoom: p.home_zoom! }
    : bbox
      ? { center: [(bbox[0] + bbox[2]) / 2, (bbox[1] + bbox[3]) / 2] as [number, number], zoom: zoomToFit(bbox) }
      : null
  const setByHand: Profile['setByHand'] = []
  if (p?.name) setByHand.push('name')
  if (p?.code) setByHand.push('code')
  if (handHome) setByHand.push('home')
  return {
    name: p?.name ?? d?.name ?? null,
    code: p?.code ?? d?.code ?? null,
    timeZone: p?.time_zone ?? 'Asia/Shanghai',
    home,
    bbox,
    statisticsOnlyTypes: types,
    statisticsOnlyUnits: [...units],
    setByHand,
  }
}

/**
 * Changes the fields given (null clears one back to the data's value); statistics-only types
 * re-mark the town-level areas of those types.
 * @example await updateProfile(tx, { name: '德清县', home: { center: [120.08, 30.54], zoom: 10.5 } })
 */
export async function updateProfile(sql: Tx, input: ProfileInput): Promise<Profile> {
  const has = (k: keyof ProfileInput) => Object.prototype.hasOwnProperty.call(input, k) && input[k] !== undefined
  await sql`
    UPDATE district_profile SET
      name = ${has('name') ? (input.name ?? null) : sql`name`},
      code = ${has('code') ? (input.code ?? null) : sql`code`},
      time_zone = ${has('timeZone') ? input.timeZone! : sql`time_zone`},
      home_lng = ${has('home') ? (input.home?.center[0] ?? null) : sql`home_lng`},
      home_lat = ${has('home') ? (input.home?.center[1] ?? null) : sql`home_lat`},
      home_zoom = ${has('home') ? (input.home?.zoom ?? null) : sql`home_zoom`},
      statistics_only_types = ${has('statisticsOnlyTypes') ? input.statisticsOnlyTypes! : sql`statistics_only_types`},
      updated_at = now()`
  if (has('statisticsOnlyTypes')) {
    await sql`
      UPDATE admin_areas SET properties = properties || jsonb_build_object('statistics_only', properties->>'type' = ANY(${input.statisticsOnlyTypes!}::text[])), updated_at = now()
      WHERE level = 'town' AND properties ? 'type'
        AND (properties->>'statistics_only')::boolean IS DISTINCT FROM (properties->>'type' = ANY(${input.statisticsOnlyTypes!}::text[]))`
  }
  return readProfile(sql)
}
