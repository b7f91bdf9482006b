import { describe, expect, it } from 'vitest'

import { clickAction, type Hit } from './click.ts'

const TOWN = '330109001'
const VILLAGE = '330109001001'
const GRID = '330109001001001'
const CELL = '8830e1ca61fffff'
const areas: Hit[] = [
  { kind: 'area', level: 'grid', code: GRID },
  { kind: 'area', level: 'village', code: VILLAGE },
  { kind: 'area', level: 'town', code: TOWN },
]

describe('a click on the map', () => {
  it('on a hexagon opens that cell, not the village or town under it, whatever the drilled-down area', () => {
    const hits: Hit[] = [{ kind: 'cell', id: CELL }, ...areas]
    for (const current of [null, TOWN, VILLAGE, GRID]) {
      expect(clickAction(hits, current), String(current)).toEqual({ kind: 'select', selection: { kind: 'cell', id: CELL } })
    }
  })

  it('on a point or a warning opens it before the cell it lies in', () => {
    expect(clickAction([{ kind: 'incident', id: '42' }, { kind: 'cell', id: CELL }, ...areas], null)).toEqual({
      kind: 'select',
      selection: { kind: 'incident', id: '42' },
    })
    expect(clickAction([{ kind: 'warning', id: '7' }, { kind: 'cell', id: CELL }, ...areas], TOWN)).toEqual({
      kind: 'select',
      selection: { kind: 'warning', id: '7' },
    })
  })

  it('where nothing is drawn drills down one level at a time: town, village, grid', () => {
    expect(clickAction(areas, null)).toEqual({ kind: 'drill', code: TOWN })
    expect(clickAction(areas, TOWN)).toEqual({ kind: 'drill', code: VILLAGE })
    expect(clickAction(areas, VILLAGE)).toEqual({ kind: 'drill', code: GRID })
    expect(clickAction(areas, GRID)).toEqual({ kind: 'none' })
    // Outside the drilled-down town: to the town clicked.
    expect(
      clickAction(
        [
          { kind: 'area', level: 'village', code: '330109002001' },
          { kind: 'area', level: 'town', code: '330109002' },
        ],
        TOWN,
      ),
    ).toEqual({ kind: 'drill', code: '330109002' })
    expect(clickAction([], null)).toEqual({ kind: 'none' })
  })
})
