/**
 * Synthetic test areas: a jittered lattice cut into towns (blocks of cells) and villages (smaller
 * blocks), so neighbours share their edges exactly, like the project's tiling boundaries. Used by
 * the tests and for timing runs; no database needed.
 */
import type { FeatureCollection, MultiPolygon } from 'geojson'

import { Rng } from './rng.ts'
import type { IndepArea } from './types.ts'

/** The 27 town-level names of Xiaoshan, in the order of data/xiaoshan/towns.csv. */
export const XIAOSHAN_TOWN_NAMES = [
  '城厢街道',
  '北干街道',
  '蜀山街道',
  '新塘街道',
  '靖江街道',
  '南阳街道',
  '闻堰街道',
  '宁围街道',
  '新街街道',
  '盈丰街道',
  '楼塔镇',
  '河上镇',
  '戴村镇',
  '浦阳镇',
  '进化镇',
  '临浦镇',
  '义桥镇',
  '所前镇',
  '衙前镇',
  '瓜沥镇',
  '益农镇',
  '党湾镇',
  '萧山经济技术开发区',
  '萧山商业城',
  '围垦区',
  '红山农场',
  '萧山钱江世纪城',
] as const

/** Options of the lattice fixture. */
export interface GridOptions {
  /** Towns across and down. */
  nx: number
  ny: number
  /** Cells per town side (a multiple of villageCells). */
  cells: number
  /** Cells per village side. */
  villageCells: number
  /** Cell size in metres. */
  cellM: number
  seed?: string
  townNames?: readonly string[]
  lng0?: number
  lat0?: number
}

/**
 * Builds towns and villages on a jittered lattice near Xiaoshan.
 * @example gridAreas({ nx: 2, ny: 2, cells: 6, villageCells: 3, cellM: 400 }).length // 4 towns + 16 villages
 */
export function gridAreas(o: GridOptions): IndepArea[] {
  const rng = new Rng(o.seed ?? 'grid')
  const lng0 = o.lng0 ?? 120.2
  const lat0 = o.lat0 ?? 30.05
  const kx = 111_320 * Math.cos((lat0 * Math.PI) / 180)
  const ky = 110_574
  const W = o.nx * o.cells
  const H = o.ny * o.cells
  const pts: [number, number][][] = []
  for (let a = 0; a <= W; a++) {
    const col: [number, number][] = []
    for (let b = 0; b <= H; b++) {
      const jx = rng.range(-0.25, 0.25) * o.cellM
      const jy = rng.range(-0.25, 0.25) * o.cellM
      col.push([round7(lng0 + (a * o.cellM + jx) / kx), round7(lat0 + (b * o.cellM + jy) / ky)])
    }
    pts.push(col)
  }
  const names = o.townNames ?? XIAOSHAN_TOWN_NAMES
  const out: IndepArea[] = []
  let v = 0
  for (let j = 0; j < o.ny; j++) {
    for (let i = 0; i < o.nx; i++) {
      const k = j * o.nx + i
      const code = `330109${String(900 + k).padStart(3, '0')}`
      const name = names[k] ?? `测试${k}镇`
      out.push({ code, name, level: 'town', parentCode: '330109', geometry: block(pts, i * o.cells, j * o.cells, o.cells) })
      const per = o.cells / o.villageCells
      for (let vj = 0; vj < per; vj++) {
        for (let vi = 0; vi < per; vi++) {
          const vname = villageName(v++, name.endsWith('街道'))
          out.push({
            code: `${code}${String(vj * per + vi + 1).padStart(3, '0')}`,
            name: vname,
            level: 'village',
            parentCode: code,
            geometry: block(pts, i * o.cells + vi * o.villageCells, j * o.cells + vj * o.villageCells, o.villageCells),
          })
        }
      }
    }
  }
  return out
}

/**
 * The ring around a square block of lattice cells, walked along every lattice point so that
 * neighbouring blocks share their edges vertex for vertex.
 * @example block(pts, 0, 0, 3).coordinates[0][0].length // 13
 */
function block(pts: [number, number][][], a0: number, b0: number, n: number): MultiPolygon {
  const ring: [number, number][] = []
  for (let a = a0; a < a0 + n; a++) ring.push(pts[a]![b0]!)
  for (let b = b0; b < b0 + n; b++) ring.push(pts[a0 + n]![b]!)
  for (let a = a0 + n; a > a0; a--) ring.push(pts[a]![b0 + n]!)
  for (let b = b0 + n; b > b0; b--) ring.push(pts[a0]![b]!)
  ring.push(ring[0]!)
  return { type: 'MultiPolygon', coordinates: [[ring]] }
}

/**
 * A test village name in the admin style (甲乙村委会 or 甲乙社区).
 * @example villageName(0, false) // '甲乙村委会'
 */
function villageName(k: number, street: boolean): string {
  const pool = '甲乙丙丁戊己庚壬癸子丑寅卯辰巳午未申酉戌亥'
  const a = pool[k % pool.length]!
  const b = pool[Math.floor(k / pool.length) % pool.length]!
  const c = Math.floor(k / (pool.length * pool.length))
  const stem = `${a}${b}${c > 0 ? pool[c % pool.length] : ''}`
  return (street ? k % 3 === 0 : k % 4 !== 3) ? `${stem}村委会` : `${stem}社区`
}

/**
 * Rounds to 7 decimals.
 * @example round7(1.000000049) // 1
 */
function round7(x: number): number {
  return Math.round(x * 1e7) / 1e7
}

/**
 * The areas as a GeoJSON FeatureCollection (what the CLI reads).
 * @example toFeatureCollection(areas).features.length
 */
export function toFeatureCollection(areas: readonly IndepArea[]): FeatureCollection<MultiPolygon> {
  return {
    type: 'FeatureCollection',
    features: areas.map((a) => ({
      type: 'Feature',
      properties: { code: a.code, name: a.name, level: a.level, parent_code: a.parentCode },
      geometry: a.geometry,
    })),
  }
}
