import { describe, expect, it } from 'vitest'

import { featureBounds } from './minimap.ts'

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
