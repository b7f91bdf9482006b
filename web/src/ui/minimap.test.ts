import { describe, expect, it } from 'vitest'

import { featureBounds, type MiniFeatureOf, miniFeatures } from './minimap.ts'

describe('featureBounds', () => {
  it('spans points, lines and polygons together', () => {
    expect(
      featureBounds([
        { type: 'Point', coordinates: [120.3, 30.1] },
        {
          type: 'Polygon',
          coordinates: [
            [
              [120.1, 30.0],
              [120.2, 30.0],
              [120.2, 30.2],
              [120.1, 30.0],
            ],
          ],
        },
      ]),
    ).toEqual([120.1, 30.0, 120.3, 30.2])
  })
  it('is null for nothing', () => {
    expect(featureBounds([])).toBeNull()
  })
})

describe('miniFeatures', () => {
  interface Row {
    id: number
    lng: number | null
    lat: number | null
    risky: boolean
  }
  const of: MiniFeatureOf<Row> = {
    id: (r) => String(r.id),
    geometry: (r) => (r.lng === null || r.lat === null ? null : { type: 'Point', coordinates: [r.lng, r.lat] }),
    colour: (r) => (r.risky ? '#d7301f' : '#1f78b4'),
  }
  it('maps the placed records in order, marking the selected one', () => {
    const rows = [
      { id: 3, lng: 120.26, lat: 30.18, risky: true },
      { id: 4, lng: null, lat: null, risky: false },
      { id: 5, lng: 120.3, lat: 30.2, risky: false },
    ]
    expect(miniFeatures(rows, of, '5')).toEqual([
      { id: '3', geometry: { type: 'Point', coordinates: [120.26, 30.18] }, colour: '#d7301f', selected: false },
      { id: '5', geometry: { type: 'Point', coordinates: [120.3, 30.2] }, colour: '#1f78b4', selected: true },
    ])
  })
  it('marks none when nothing is selected', () => {
    expect(miniFeatures([{ id: 1, lng: 120, lat: 30, risky: false }], of, null).map((f) => f.selected)).toEqual([false])
  })
})
