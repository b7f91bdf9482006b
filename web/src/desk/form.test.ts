import { describe, expect, it } from 'vitest'

import { options, townsInScope } from './form.ts'

const TOWNS = [
  ['330109001', '城厢街道'],
  ['330109002', '北干街道'],
  ['330109003', '蜀山街道'],
] as const

describe('townsInScope', () => {
  it('offers a district-wide account every town', () => {
    expect(townsInScope(TOWNS, [])).toEqual(TOWNS)
  })
  it("offers a town officer their town, and a grid worker the town of their grid, not the district's", () => {
    expect(townsInScope(TOWNS, ['330109002'])).toEqual([['330109002', '北干街道']])
    expect(townsInScope(TOWNS, ['330109003014001'])).toEqual([['330109003', '蜀山街道']])
    expect(townsInScope(TOWNS, ['330109001', '330109003002'])).toEqual([
      ['330109001', '城厢街道'],
      ['330109003', '蜀山街道'],
    ])
  })
  it('offers nothing for areas outside the towns it knows', () => {
    expect(townsInScope(TOWNS, ['330110001'])).toEqual([])
  })
})

describe('options', () => {
  it('pairs each value with its words, in order', () => {
    expect(options(['open', 'closed'], (v) => v.toUpperCase())).toEqual([
      ['open', 'OPEN'],
      ['closed', 'CLOSED'],
    ])
  })
})
