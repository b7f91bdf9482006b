import { describe, expect, it } from 'vitest'

import { compoundAliases, compoundName, FEATURED_COMPOUNDS, roadNames, TOWN_ROADS, villageRoadName } from './names.ts'
import { createRng } from './rng.ts'

describe('roadNames', () => {
  it('starts with the town list and pads with distinct town-prefixed names', () => {
    expect(roadNames('330109002', '北干', 3)).toEqual(['金城路', '市心中路', '北山路'])
    const names = roadNames('330109503', '红山农场', 12)
    expect(names).toHaveLength(12)
    expect(new Set(names).size).toBe(12)
    expect(names.slice(0, 4)).toEqual([...TOWN_ROADS['330109503']!])
  })
  it('names village roads after the village', () => {
    expect(villageRoadName('江寺')).toBe('江寺路')
    expect(villageRoadName('工人路')).toBe('工人路')
    expect(villageRoadName('东')).toBe('东村路')
  })
})

describe('compoundName', () => {
  it('never repeats a name and hands out featured names first', () => {
    const rng = createRng('names')
    const used = new Set<string>()
    expect(compoundName(rng, used, { featured: true })).toBe(FEATURED_COMPOUNDS[0])
    for (let i = 0; i < 12_000; i++) compoundName(rng, used, { stem: i % 3 ? undefined : '霞江' })
    expect(used.size).toBe(12_001)
    expect(compoundName(rng, new Set(), { stem: '霞江', resettlement: true })).toMatch(/^霞江/)
  })
  it('gives aliases for 园/苑, 小区, 新村 and brands', () => {
    expect(compoundAliases('金色家园')).toEqual(['金色家苑'])
    expect(compoundAliases('银河小区')).toEqual(['银河'])
    expect(compoundAliases('绿都四季花城')).toEqual(['四季花城'])
    expect(compoundAliases('霞江新村')).toEqual(['霞江新邨'])
    expect(compoundAliases('湘湖人家')).toEqual([])
  })
})
