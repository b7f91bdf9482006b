/**
 * Which attribute of a boundary file holds the code, name, parent code, population and type.
 * Chinese GIS offices name them in pinyin initials (XZQDM 行政区代码, CJDM 村级代码, WGBM
 * 网格编码, SSCJ 所属村居…), in Chinese, or in English; the same name can mean different things
 * at different levels (in a village layer XZQDM is the town's code, that is, the parent).
 * So the candidates are listed per level, most specific first, and a file's own flags win.
 */
import type { AreaLevel } from './schema.ts'

export type FieldRole = 'code' | 'name' | 'parent' | 'population' | 'type'

/** The fields chosen for each role (null: the file has none). */
export type FieldMap = Record<FieldRole, string | null>

const TOWN_CODE = ['XZQDM', 'XZDM', 'JDDM', 'XZJDDM', 'TOWNCODE', 'TOWN_CODE', 'XZ_DM', '乡镇代码', '街道代码', '乡镇街道代码']
const TOWN_NAME = ['XZQMC', 'XZMC', 'JDMC', 'XZJDMC', 'TOWNNAME', 'TOWN_NAME', 'XZ_MC', '乡镇名称', '街道名称', '乡镇街道名称']
const VILLAGE_CODE = [
  'CJDM',
  'CUNDM',
  'CDM',
  'SQDM',
  'CWHDM',
  'JWHDM',
  'CJQYDM',
  'VILLCODE',
  'VILLAGE_CODE',
  'VILLAGECODE',
  '村级代码',
  '村代码',
  '社区代码',
  '村社区代码',
  '村居代码',
]
const VILLAGE_NAME = [
  'CJMC',
  'CUNMC',
  'CMC',
  'SQMC',
  'CWHMC',
  'JWHMC',
  'VILLNAME',
  'VILLAGE_NAME',
  'VILLAGENAME',
  '村级名称',
  '村名称',
  '社区名称',
  '村社区名称',
  '村居名称',
]
const GRID_CODE = ['WGBM', 'WGDM', 'WGBH', 'GRIDCODE', 'GRID_CODE', 'GRID_ID', '网格编码', '网格代码', '网格编号']
const GRID_NAME = ['WGMC', 'GRIDNAME', 'GRID_NAME', '网格名称']
const MICRO_CODE = ['WWGBM', 'WWGDM', 'WWGBH', 'MICROCODE', 'MICROGRID_CODE', 'MGRID_CODE', '微网格编码', '微网格代码', '微网格编号']
const MICRO_NAME = ['WWGMC', 'MICRONAME', 'MICROGRID_NAME', 'MGRID_NAME', '微网格名称']
const DISTRICT_CODE = ['QXDM', 'XZQDM', 'XZQHDM', 'QHDM', 'ADCODE', 'PAC', 'GB', 'DISTRICT_CODE', '区县代码', '行政区划代码', '区划代码']
const DISTRICT_NAME = ['QXMC', 'XZQMC', 'XZQHMC', 'QHMC', 'DISTRICT_NAME', '区县名称', '行政区划名称', '区划名称']

const GENERIC_CODE = ['CODE', 'DM', 'BM', 'ID_CODE', 'ADCODE', 'PAC', '代码', '编码', '编号', '行政区代码']
const GENERIC_NAME = ['NAME', 'MC', 'NAME_ZH', 'NAME_CN', '名称', '行政区名称']
const GENERIC_PARENT = ['PARENT', 'PARENT_CODE', 'PARENTCODE', 'PCODE', 'SJDM', 'FJDM', '上级代码', '上级编码', '父级代码']
const POPULATION = [
  'RKS',
  'RK',
  'CZRK',
  'CZRKS',
  'HJRK',
  'ZRK',
  'POP',
  'POPULATION',
  'POP_TOTAL',
  '人口',
  '人口数',
  '常住人口',
  '户籍人口',
  '总人口',
]
const TYPE = ['LX', 'TYPE', 'XZLX', 'QYLX', 'DYLX', 'KIND', 'CATEGORY', '类型', '性质', '单位类型', '区域类型']

/** Per level: the code and name candidates, and the names a parent-code field goes by. */
const BY_LEVEL: Record<AreaLevel, { code: string[]; name: string[]; parent: string[] }> = {
  district: { code: DISTRICT_CODE, name: DISTRICT_NAME, parent: [] },
  town: { code: TOWN_CODE, name: TOWN_NAME, parent: ['SSQX', 'QXDM', '所属区县', '区县代码'] },
  village: {
    code: VILLAGE_CODE,
    name: VILLAGE_NAME,
    parent: ['SSXZ', 'SSJD', 'SSZJ', ...TOWN_CODE, '所属乡镇', '所属街道', '所属乡镇街道'],
  },
  grid: {
    code: GRID_CODE,
    name: GRID_NAME,
    parent: ['SSCJ', 'SSC', 'SSSQ', 'SSCS', ...VILLAGE_CODE, '所属村居', '所属村社区', '所属社区', '所属村'],
  },
  microgrid: { code: MICRO_CODE, name: MICRO_NAME, parent: ['SSWG', ...GRID_CODE, '所属网格'] },
}

const key = (s: string) => s.trim().toUpperCase()

/**
 * The first of `candidates` that the file has (case-insensitive), as the file spells it.
 * @example firstField(['XZQDM', 'XZQMC'], ['xzqmc', 'CODE']) // 'XZQMC'
 */
export function firstField(fields: readonly string[], candidates: readonly string[]): string | null {
  const byKey = new Map(fields.map((f) => [key(f), f]))
  for (const c of candidates) {
    const f = byKey.get(key(c))
    if (f !== undefined) return f
  }
  return null
}

/**
 * The fields of a boundary file for one level: explicit choices first, then the level's own
 * names, then generic ones. A parent field is only ever taken by a parent-like name (所属…,
 * SS…, PARENT, or the level above's code name): guessing one wrong would mis-nest every area.
 * @example detectFields('village', ['CJDM', 'CJMC', 'XZQDM', 'RKS'], {}) // { code: 'CJDM', name: 'CJMC', parent: 'XZQDM', population: 'RKS', type: null }
 */
export function detectFields(level: AreaLevel, fields: readonly string[], chosen: Partial<FieldMap>): FieldMap {
  const own = BY_LEVEL[level]
  const pick = (role: FieldRole, candidates: readonly string[]): string | null => {
    const explicit = chosen[role]
    if (explicit !== undefined) return explicit === null ? null : (firstField(fields, [explicit]) ?? explicit)
    return firstField(fields, candidates)
  }
  const code = pick('code', [...own.code, ...GENERIC_CODE])
  const name = pick('name', [...own.name, ...GENERIC_NAME])
  const taken = new Set([code, name].filter((f): f is string => f !== null).map(key))
  const parentCandidates = level === 'district' ? [] : [...own.parent, ...GENERIC_PARENT].filter((c) => !taken.has(key(c)))
  const parentByPrefix = fields.find((f) => /^(所属|上级)/.test(f.trim()) && !taken.has(key(f))) ?? null
  const parent = chosen.parent !== undefined ? pick('parent', []) : (firstField(fields, parentCandidates) ?? parentByPrefix)
  return { code, name, parent, population: pick('population', POPULATION), type: pick('type', TYPE) }
}

/**
 * Fields named but missing from the file, as one sentence, or null when all are there.
 * @example missingFields({ code: 'DM', name: null, parent: null, population: null, type: null }, ['CODE']) // 'no field "DM" (the file has: CODE)'
 */
export function missingFields(map: FieldMap, fields: readonly string[]): string | null {
  const have = new Set(fields.map(key))
  const missing = Object.values(map).filter((f): f is string => f !== null && !have.has(key(f)))
  if (missing.length === 0) return null
  return `no field ${missing.map((f) => `"${f}"`).join(', ')} (the file has: ${fields.join(', ')})`
}
