/**
 * The real reference data (data/xiaoshan/*.csv): names and codes of Xiaoshan's 27 town-level units
 * and 585 villages/communities (NBS division codes, 2023), and seat points (GeoNames where known,
 * synthetic otherwise).
 */
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { pathToFileURL } from 'node:url'

import { parse } from 'csv-parse/sync'
import { z } from 'zod'

export type TownType = '街道' | '镇' | '统计单位'
export type AreaKind = 'urban' | 'rural'

/** A point in WGS84: [lng, lat]. */
export type LngLat = [number, number]

export interface TownRecord {
  code: string
  /** Official name, e.g. 城厢街道, 萧山经济技术开发区. */
  name: string
  /** How people say it, e.g. 城厢, 开发区. */
  shortName: string
  type: TownType
  kind: AreaKind
  villageCount: number
  communityCount: number
  otherCount: number
  seat: LngLat
  /** False for GeoNames seats; true where the seat was placed by hand (no public point). */
  seatSynthetic: boolean
  geonamesId: number | null
}

export type VillageType = '社区' | '村' | '其他'

export interface VillageRecord {
  code: string
  /** Official name, e.g. 陈公桥社区, 横一村委会. */
  name: string
  /** The name as used in addresses, e.g. 陈公桥社区, 横一村. */
  shortName: string
  /** The name without its suffix, e.g. 陈公桥, 横一 (used for local road and compound names). */
  stem: string
  type: VillageType
  townCode: string
}

export interface Reference {
  towns: TownRecord[]
  villages: VillageRecord[]
}

const code = (digits: number) => z.string().regex(new RegExp(`^\\d{${digits}}$`))
const optionalNumber = z
  .string()
  .transform((s) => (s.trim() === '' ? null : Number(s)))
  .refine((n) => n === null || Number.isFinite(n), 'not a number')

const TownCsvRow = z.object({
  code: code(9),
  name: z.string().min(2),
  type: z.enum(['街道', '镇', '统计单位(非行政)']),
  villages_cun: z.coerce.number().int().min(0),
  communities_shequ: z.coerce.number().int().min(0),
  other: z.coerce.number().int().min(0),
  geonames_lat_wgs84: optionalNumber,
  geonames_lon_wgs84: optionalNumber,
  geonames_id: optionalNumber,
})

const VillageCsvRow = z.object({
  code: code(12),
  name: z.string().min(2),
  town_code: code(9),
  district_code: z.literal('330109'),
})

/**
 * Hand-placed seats for units without a GeoNames point (the urban core and the statistics-only
 * units), chosen to sit between their GeoNames neighbours roughly where the real centres are.
 */
export const SYNTHETIC_SEATS: Record<string, LngLat> = {
  '330109001': [120.262, 30.162], // 城厢: old town around 人民路
  '330109002': [120.268, 30.182], // 北干: 金城路 / 市心中路
  '330109003': [120.245, 30.133], // 蜀山: south of 湘湖
  '330109015': [120.228, 30.205], // 盈丰: riverside west of the core
  '330109401': [120.302, 30.198], // 经济技术开发区: 建设一路 area, east of 北干
  '330109403': [120.29, 30.17], // 商业城: market district between 北干 and 新塘
  '330109501': [120.56, 30.3], // 围垦区: reclaimed land in the north-east
  '330109503': [120.372, 30.138], // 红山农场: between 新街 and 衙前
  '330109505': [120.258, 30.235], // 钱江世纪城: riverside north of 宁围
}

/** Short forms of the statistics-only units (街道/镇 just drop the suffix). */
const UNIT_SHORT_NAMES: Record<string, string> = {
  萧山经济技术开发区: '开发区',
  萧山商业城: '商业城',
  围垦区: '围垦',
  红山农场: '红山农场',
  萧山钱江世纪城: '世纪城',
}

/** Statistics units that are built-up (urban); 围垦区 and 红山农场 are farmland. */
const URBAN_UNITS = new Set(['330109401', '330109403', '330109505'])

/**
 * The short form of a town name.
 * @example townShortName('北干街道') // '北干'; townShortName('萧山经济技术开发区') // '开发区'
 */
export function townShortName(name: string): string {
  return UNIT_SHORT_NAMES[name] ?? name.replace(/(街道|镇)$/, '')
}

/**
 * Address form, stem and type of a village name: 村委会 → 村, 社区 stays.
 * @example villageNames('横一村委会') // { shortName: '横一村', stem: '横一', type: '村' }
 */
export function villageNames(name: string): { shortName: string; stem: string; type: VillageType } {
  if (name.endsWith('村委会')) {
    const base = name.slice(0, -3)
    // 王村村委会 is the committee of 王村: do not double the 村.
    const stem = base.endsWith('村') && base.length > 1 ? base.slice(0, -1) : base
    return { shortName: `${stem}村`, stem, type: '村' }
  }
  if (name.endsWith('社区')) {
    const stem = name.slice(0, -2).replace(/虚拟$/, '')
    return { shortName: name, stem, type: '社区' }
  }
  return { shortName: name, stem: name.replace(/(生活区|区)$/, ''), type: '其他' }
}

/**
 * Parses towns.csv text into validated town records (seats filled in, synthetic ones marked).
 * @example parseTowns(readFileSync('data/xiaoshan/towns.csv', 'utf8')).length // 27
 */
export function parseTowns(csv: string): TownRecord[] {
  const rows: unknown[] = parse(csv, { columns: true, skip_empty_lines: true, trim: true })
  return rows.map((raw, i) => {
    const r = TownCsvRow.safeParse(raw)
    if (!r.success) throw new Error(`towns.csv row ${i + 2}: ${r.error.message}`)
    const row = r.data
    const type: TownType = row.type === '统计单位(非行政)' ? '统计单位' : row.type
    const hasGeo = row.geonames_lat_wgs84 !== null && row.geonames_lon_wgs84 !== null
    const synthetic = SYNTHETIC_SEATS[row.code]
    if (!hasGeo && !synthetic) throw new Error(`towns.csv: no seat for ${row.code} ${row.name}`)
    const seat: LngLat = hasGeo ? [row.geonames_lon_wgs84 as number, row.geonames_lat_wgs84 as number] : (synthetic as LngLat)
    return {
      code: row.code,
      name: row.name,
      shortName: townShortName(row.name),
      type,
      kind: type === '街道' || URBAN_UNITS.has(row.code) ? 'urban' : 'rural',
      villageCount: row.villages_cun,
      communityCount: row.communities_shequ,
      otherCount: row.other,
      seat,
      seatSynthetic: !hasGeo,
      geonamesId: hasGeo ? row.geonames_id : null,
    }
  })
}

/**
 * Parses villages.csv text into validated village records.
 * @example parseVillages(text)[0] // { code: '330109001001', name: '陈公桥社区', … }
 */
export function parseVillages(csv: string): VillageRecord[] {
  const rows: unknown[] = parse(csv, { columns: true, skip_empty_lines: true, trim: true })
  return rows.map((raw, i) => {
    const r = VillageCsvRow.safeParse(raw)
    if (!r.success) throw new Error(`villages.csv row ${i + 2}: ${r.error.message}`)
    const row = r.data
    if (!row.code.startsWith(row.town_code)) throw new Error(`villages.csv: ${row.code} not under ${row.town_code}`)
    return { code: row.code, name: row.name, ...villageNames(row.name), townCode: row.town_code }
  })
}

/** Default location of the reference CSVs (repository data/xiaoshan). */
export const REFERENCE_DIR = new URL('../../data/xiaoshan/', import.meta.url)

/**
 * Reads and cross-checks towns.csv and villages.csv (each town's village count must match).
 * @example const { towns, villages } = loadReference()
 */
export function loadReference(dir: URL | string = REFERENCE_DIR): Reference {
  const base = typeof dir === 'string' ? pathToFileURL(`${resolve(dir)}/`) : dir
  const towns = parseTowns(readFileSync(new URL('towns.csv', base), 'utf8'))
  const villages = parseVillages(readFileSync(new URL('villages.csv', base), 'utf8'))
  const byTown = new Map<string, number>()
  for (const v of villages) byTown.set(v.townCode, (byTown.get(v.townCode) ?? 0) + 1)
  for (const t of towns) {
    const expected = t.villageCount + t.communityCount + t.otherCount
    if (byTown.get(t.code) !== expected) {
      throw new Error(`reference: ${t.name} has ${byTown.get(t.code) ?? 0} villages, towns.csv says ${expected}`)
    }
  }
  return { towns, villages }
}
