/**
 * Shared material of the tests: a small 2×2-town world generated once per test file.
 */
import { generateRows } from './base.ts'
import { gridAreas } from './fixtures.ts'
import { planWorld, type World } from './plan.ts'
import type { BaseRow, IndepArea } from './types.ts'

/** Four towns whose names exercise old names (宁围, 瓜沥), a street and a 镇. */
export const TEST_TOWNS = ['宁围街道', '瓜沥镇', '北干街道', '戴村镇'] as const

/**
 * The test areas: 2×2 towns of ~2.7 km, 9 villages each.
 * @example testAreas().filter((a) => a.level === 'town').length // 4
 */
export function testAreas(seed = 'grid'): IndepArea[] {
  return gridAreas({ nx: 2, ny: 2, cells: 6, villageCells: 2, cellM: 450, seed, townNames: TEST_TOWNS })
}

/**
 * A planned world and all its rows.
 * @example const { world, rows } = testWorld(6000, 's')
 */
export function testWorld(count: number, seed: string, partsRate = 0.7): { areas: IndepArea[]; world: World; rows: BaseRow[] } {
  const areas = testAreas()
  const world = planWorld(areas, { count, seed, partsRate })
  const rows = [...generateRows(world)]
  return { areas, world, rows }
}
