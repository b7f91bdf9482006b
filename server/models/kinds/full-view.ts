/**
 * What the full-view models (issue 26: houses, residents, disputes, organisations, devices,
 * patrols; migrations/034_full_view.sql) share: words for their codes, the as-of day, "current"
 * residents, where a finding goes on the map, and area names. No personal field is ever read
 * here: findings name houses, villages, organisations and cylinders, never people.
 */
import type { Queryable } from '../../db/index.ts'
import { shanghaiDay } from '../../shared/time.ts'
import type { KeyCategory } from '../definition.ts'
import type { Place } from '../types.ts'

/** 重点人员 categories in words. */
export const KEY_CATEGORY_NAMES: Readonly<Record<KeyCategory, string>> = {
  community_correction: '社区矫正',
  released_prisoner: '刑满释放',
  drug: '吸毒',
  mental_illness: '严重精神障碍',
  petition: '重点信访',
  juvenile: '重点青少年',
  other: '其他',
}

/** Dispute types (migration 034) in words. */
export const DISPUTE_TYPE_NAMES: Readonly<Record<string, string>> = {
  neighbour: '邻里纠纷',
  family: '家庭纠纷',
  marriage: '婚姻纠纷',
  property: '物业纠纷',
  labour: '劳资纠纷',
  land: '土地纠纷',
  debt: '债务纠纷',
  consumer: '消费纠纷',
  traffic: '交通事故纠纷',
  other: '其他纠纷',
}

/** House uses in words. */
export const HOUSE_USE_NAMES: Readonly<Record<string, string>> = {
  self_occupied: '自住',
  rented: '出租',
  vacant: '空置',
  commercial: '经营',
  other: '其他',
}

/** Where a placed row is: its point and codes. */
export interface Placed {
  lng: number | null
  lat: number | null
  addressId: string | null
  townCode: string | null
  villageCode: string | null
  gridCode: string | null
}

/**
 * A finding's place: the row's point (with its finest area code), else its finest area, else null.
 * @example placeOf({ lng: 120.2, lat: 30.1, addressId: 'A1', townCode: '1', villageCode: '2', gridCode: null }) // { kind: 'point', lng: 120.2, lat: 30.1, addressId: 'A1', areaCode: '2' }
 */
export function placeOf(p: Placed): Place | null {
  const area = p.gridCode ?? p.villageCode ?? p.townCode
  if (p.lng !== null && p.lat !== null) return { kind: 'point', lng: p.lng, lat: p.lat, addressId: p.addressId, areaCode: area }
  return area ? { kind: 'area', code: area } : null
}

/**
 * The as-of day (Asia/Shanghai), what dates (moved_in, registration_expires) are compared with.
 * @example asOfDay(new Date('2026-11-01T00:00:00+08:00')) // '2026-11-01'
 */
export function asOfDay(asOf: Date): string {
  return shanghaiDay(asOf)
}

/**
 * Whether a resident lives there on `day`: moved in on or before it (or unknown), not moved out by it.
 * @example isCurrent({ movedIn: '2026-01-01', movedOut: null }, '2026-11-01') // true
 */
export function isCurrent(r: { movedIn: string | null; movedOut: string | null }, day: string): boolean {
  return (r.movedIn === null || r.movedIn <= day) && (r.movedOut === null || r.movedOut > day)
}

/**
 * Whole days from `a` to `b` (instants), rounded down.
 * @example daysFrom(new Date('2026-10-01T00:00:00Z'), new Date('2026-10-31T12:00:00Z')) // 30
 */
export function daysFrom(a: Date, b: Date): number {
  return Math.floor((b.getTime() - a.getTime()) / 86_400_000)
}

/** An area's name with its town's: 城厢街道陈公桥社区. */
export async function areaLabels(sql: Queryable, codes: readonly string[]): Promise<Map<string, string>> {
  if (codes.length === 0) return new Map()
  const rows = await sql<{ code: string; label: string }[]>`
    WITH RECURSIVE up AS (
      SELECT code AS start, code, name, level, parent_code, 0 AS depth FROM admin_areas WHERE code = ANY(${codes as string[]}::text[])
      UNION ALL
      SELECT up.start, p.code, p.name, p.level, p.parent_code, up.depth + 1 FROM admin_areas p JOIN up ON p.code = up.parent_code
      WHERE up.level <> 'town'
    )
    SELECT start AS code, string_agg(name, '' ORDER BY depth DESC) AS label FROM up WHERE level <> 'district' GROUP BY start`
  return new Map(rows.map((r) => [r.code, r.label]))
}
