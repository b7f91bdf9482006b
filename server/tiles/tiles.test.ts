import { describe, expect, it } from 'vitest'

import { h3Cells } from '../geo/h3.ts'
import { etagOf, TileCache, tileKey } from './cache.ts'
import { encodeTile, mvtProperties, toTileGeometry } from './encode.ts'
import { candidateCells, cellBox, cellCenter, storedCells } from './h3cells.ts'
import { findLayer, LAYERS } from './layers.ts'
import { etagMatches, resolveLayers } from './routes.ts'
import { TileParamsSchema, TileQuerySchema } from './schema.ts'
import { cacheKey, midnightDay, resolveTilePeriod, splitPeriod } from './service.ts'
import { decodeTile, featureWkt, ringArea, tileAt, toTileCoords } from './testing.ts'
import {
  boxesIntersect,
  h3ResolutionForZoom,
  intersectBoxes,
  lngLatToMercator,
  mercatorToLngLat,
  simplifyTolerance,
  tileBounds3857,
  tileBoundsLngLat,
  tileRange,
} from './tile-math.ts'

describe('tile arithmetic', () => {
  it('bounds of z0 are the whole Mercator world; lng/lat round-trips', () => {
    const [x0, y0, x1, y1] = tileBounds3857({ z: 0, x: 0, y: 0 })
    expect(x0).toBeCloseTo(-20037508.34, 1)
    expect(y1).toBeCloseTo(20037508.34, 1)
    expect(x1 - x0).toBeCloseTo(y1 - y0, 6)
    const [lng, lat] = mercatorToLngLat(...lngLatToMercator(120.27, 30.18))
    expect(lng).toBeCloseTo(120.27, 9)
    expect(lat).toBeCloseTo(30.18, 9)
    expect(tileBoundsLngLat({ z: 1, x: 1, y: 0 })[3]).toBeCloseTo(85.0511, 3)
  })

  it('finds the tile of a point and the tiles of a box', () => {
    const t = tileAt(14, 120.27, 30.18)
    const b = tileBoundsLngLat(t)
    expect(120.27).toBeGreaterThanOrEqual(b[0])
    expect(120.27).toBeLessThan(b[2])
    expect(30.18).toBeGreaterThanOrEqual(b[1])
    expect(30.18).toBeLessThan(b[3])
    const [x, y] = toTileCoords(t, b[0], b[3])
    expect(x).toBeCloseTo(0, 6)
    expect(y).toBeCloseTo(0, 6)
    expect(tileRange(14, [b[0] + 1e-9, b[1] + 1e-9, b[2] - 1e-9, b[3] - 1e-9])).toEqual({ x0: t.x, x1: t.x, y0: t.y, y1: t.y })
    expect(tileRange(0, [-200, -90, 200, 90])).toEqual({ x0: 0, x1: 0, y0: 0, y1: 0 })
  })

  it('buffers by tile units', () => {
    const plain = tileBounds3857({ z: 10, x: 1, y: 1 })
    const buffered = tileBounds3857({ z: 10, x: 1, y: 1 }, 64)
    expect(buffered[2] - buffered[0]).toBeCloseTo((plain[2] - plain[0]) * (1 + 128 / 4096), 6)
  })

  it('boxes intersect', () => {
    expect(boxesIntersect([0, 0, 1, 1], [1, 1, 2, 2])).toBe(true)
    expect(boxesIntersect([0, 0, 1, 1], [1.1, 0, 2, 2])).toBe(false)
    expect(intersectBoxes([0, 0, 2, 2], [1, 1, 3, 3])).toEqual([1, 1, 2, 2])
    expect(intersectBoxes([0, 0, 1, 1], [2, 2, 3, 3])).toBeNull()
  })

  it('chooses finer H3 cells and smaller tolerances as zoom grows', () => {
    expect([8, 10, 11, 12, 13, 14, 16].map(h3ResolutionForZoom)).toEqual([7, 7, 8, 9, 9, 10, 10])
    expect(simplifyTolerance(0)).toBeCloseTo(39135.76, 1)
    expect(simplifyTolerance(10)).toBeCloseTo(simplifyTolerance(9) / 2, 9)
  })
})

describe('H3 cells for tiles', () => {
  it('candidate cells cover every cell overlapping the box', () => {
    const box = [120.25, 30.15, 120.3, 30.2] as const
    const cells = new Set(candidateCells(box, 9))
    for (const [lng, lat] of [
      [120.25, 30.15],
      [120.3, 30.2],
      [120.275, 30.175],
      [120.25, 30.2],
    ] as const)
      expect(cells.has(h3Cells(lng, lat).r9)).toBe(true)
  })

  it('stored cells are the res-10 cell and its parents; boxes contain their centres', () => {
    const h = h3Cells(120.27, 30.18)
    expect(storedCells(h.r10)).toEqual([h.r7, h.r8, h.r9, h.r10])
    const [lng, lat] = cellCenter(h.r7)
    const b = cellBox(h.r7)
    expect(lng).toBeGreaterThan(b[0])
    expect(lat).toBeLessThan(b[3])
  })
})

describe('the JavaScript encoder', () => {
  it('encodes points and polygons that decode to the same features', () => {
    const bytes = encodeTile([
      { name: 'pts', features: [{ id: 7, type: 1, geometry: [[10, 20]], properties: { a: 'x', n: 3, f: 1.5, b: true } }] },
      {
        name: 'polys',
        features: [
          {
            type: 3,
            geometry: [
              [
                [0, 0],
                [100, 0],
                [100, 100],
                [0, 100],
                [0, 0],
              ],
              [
                [10, 10],
                [10, 20],
                [20, 20],
                [20, 10],
                [10, 10],
              ],
            ],
            properties: { code: '1' },
          },
        ],
      },
    ])
    const d = decodeTile(bytes)
    expect(d.pts).toEqual([{ id: 7, type: 1, properties: { a: 'x', n: 3, f: 1.5, b: true }, geometry: [[[10, 20]]] }])
    expect(d.polys![0]!.type).toBe(3)
    expect(d.polys![0]!.geometry).toHaveLength(2)
    expect(ringArea(d.polys![0]!.geometry[0]!)).toBe(10_000)
    expect(ringArea(d.polys![0]!.geometry[1]!)).toBe(-100)
    expect(featureWkt(d.polys![0]!)).toBe('MULTIPOLYGON(((0 0,100 0,100 100,0 100,0 0),(10 10,10 20,20 20,20 10,10 10)))')
  })

  it('maps GeoJSON from ST_AsGeoJSON to MVT geometry and keeps only scalar properties', () => {
    expect(toTileGeometry({ type: 'Point', coordinates: [3, 4] })).toEqual({ type: 1, geometry: [[3, 4]] })
    expect(
      toTileGeometry({
        type: 'MultiPolygon',
        coordinates: [
          [
            [
              [0, 0],
              [1, 0],
              [1, 1],
              [0, 0],
            ],
          ],
          [
            [
              [5, 5],
              [6, 5],
              [6, 6],
              [5, 5],
            ],
          ],
        ],
      })?.geometry,
    ).toHaveLength(2)
    expect(toTileGeometry({ type: 'LineString', coordinates: [] })).toBeNull()
    expect(toTileGeometry({ type: 'LineString', coordinates: [[1, 2]] })).toBeNull()
    expect(
      toTileGeometry({
        type: 'LineString',
        coordinates: [
          [1, 2],
          [3, 4],
        ],
      }),
    ).toEqual({
      type: 2,
      geometry: [
        [
          [1, 2],
          [3, 4],
        ],
      ],
    })
    expect(
      toTileGeometry({
        type: 'MultiLineString',
        coordinates: [
          [[1, 2]],
          [
            [1, 2],
            [5, 6],
          ],
        ],
      }),
    ).toEqual({
      type: 2,
      geometry: [
        [
          [1, 2],
          [5, 6],
        ],
      ],
    })
    expect(mvtProperties({ a: 1, b: null, c: 'x', d: { e: 1 } })).toEqual({ a: 1, c: 'x' })
  })
})

describe('the tile cache', () => {
  const entry = (z: number, x: number, y: number, layers: string[]) => ({
    tile: { z, x, y },
    layers,
    bytes: new Uint8Array([z, x, y]),
    gzip: null,
    etag: etagOf(new Uint8Array([z, x, y])),
    truncated: [],
  })

  it('drops the tiles of a layer touching a box, at that zoom only', () => {
    const c = new TileCache(1 << 20)
    const t = tileAt(14, 120.27, 30.18)
    c.set('a', entry(14, t.x, t.y, ['incidents']), c.epoch)
    c.set('b', entry(14, t.x, t.y, ['towns']), c.epoch)
    c.set('c', entry(14, t.x + 5, t.y, ['incidents']), c.epoch)
    c.set('d', entry(13, t.x >> 1, t.y >> 1, ['incidents']), c.epoch)
    expect(c.dropArea('incidents', 14, [120.27, 30.18, 120.27, 30.18])).toBe(1)
    expect([c.get('a'), c.get('b'), c.get('c'), c.get('d')].map(Boolean)).toEqual([false, true, true, true])
    expect(c.zooms()).toEqual([13, 14])
    expect(c.dropLayers(new Set(['incidents']))).toBe(2)
    expect(c.size).toBe(1)
  })

  it('refuses to store a render that started before an eviction', () => {
    const c = new TileCache(1 << 20)
    const epoch = c.epoch
    c.dropLayers(new Set(['h3']))
    expect(c.set('a', entry(1, 0, 0, ['h3']), epoch)).toBe(false)
    expect(c.set('a', entry(1, 0, 0, ['h3']), c.epoch)).toBe(true)
    expect(tileKey({ z: 1, x: 0, y: 0 })).toBe('1/0/0')
  })

  it('matches ETags as If-None-Match lists them', () => {
    expect(etagMatches('W/"abc", "def"', '"def"')).toBe(true)
    expect(etagMatches('"abc"', '"def"')).toBe(false)
    expect(etagMatches('*', '"def"')).toBe(true)
    expect(etagMatches(undefined, '"def"')).toBe(false)
  })
})

describe('requests', () => {
  it('validates tile coordinates and filters', () => {
    expect(TileParamsSchema.safeParse({ layers: 'towns,h3', z: '3', x: '7', y: '0' }).data).toEqual({
      layers: ['towns', 'h3'],
      z: 3,
      x: 7,
      y: 0,
    })
    expect(TileParamsSchema.safeParse({ layers: 'towns', z: '3', x: '8', y: '0' }).success).toBe(false)
    expect(TileParamsSchema.safeParse({ layers: 'towns', z: '23', x: '0', y: '0' }).success).toBe(false)
    expect(TileParamsSchema.safeParse({ layers: 'Towns', z: '1', x: '0', y: '0' }).success).toBe(false)
    expect(TileQuerySchema.safeParse({ from: '2026-10-02', to: '2026-10-01' }).success).toBe(false)
    expect(TileQuerySchema.safeParse({ category: '01,0203' }).data?.category).toEqual(['01', '0203'])
  })

  it('resolves layers from the registry, unknown ones as 404', () => {
    expect(resolveLayers(['towns', 'h3']).map((l) => l.name)).toEqual(['towns', 'h3'])
    expect(() => resolveLayers(['parcels'])).toThrow(/unknown tile layer "parcels"/)
    expect(findLayer('towns')!.parts.map((p) => p.name)).toEqual(['towns', 'towns_labels'])
    expect(findLayer('warnings')!.parts.map((p) => p.name)).toEqual(['warnings', 'warnings_points'])
    expect(new Set(LAYERS.map((l) => l.name)).size).toBe(LAYERS.length)
  })

  it('splits a period into whole Shanghai days and part-day ends', () => {
    const d = (s: string) => new Date(s)
    expect(splitPeriod(d('2026-10-01T00:00:00+08:00'), d('2026-11-01T00:00:00+08:00'))).toEqual({
      days: { from: '2026-10-01', to: '2026-11-01' },
      edges: [],
    })
    expect(splitPeriod(d('2026-10-01T12:00:00+08:00'), d('2026-10-04T06:00:00+08:00'))).toEqual({
      days: { from: '2026-10-02', to: '2026-10-04' },
      edges: [
        [d('2026-10-01T12:00:00+08:00'), d('2026-10-02T00:00:00+08:00')],
        [d('2026-10-04T00:00:00+08:00'), d('2026-10-04T06:00:00+08:00')],
      ],
    })
    expect(splitPeriod(d('2026-10-01T12:00:00+08:00'), d('2026-10-02T06:00:00+08:00'))).toEqual({
      days: null,
      edges: [[d('2026-10-01T12:00:00+08:00'), d('2026-10-02T06:00:00+08:00')]],
    })
    expect(splitPeriod(d('2026-10-02T00:00:00+08:00'), d('2026-10-01T00:00:00+08:00'))).toEqual({ days: null, edges: [] })
  })

  it('defaults to the last 30 days in whole Shanghai days, and keys the cache by the filter', () => {
    const p = resolveTilePeriod({}, new Date('2026-11-01T04:00:00Z'))
    expect(p.to.toISOString()).toBe('2026-11-01T16:00:00.000Z')
    expect(p.from.toISOString()).toBe('2026-10-02T16:00:00.000Z')
    expect(midnightDay(p.from)).toBe('2026-10-03')
    expect(midnightDay(new Date('2026-10-03T00:30:00+08:00'))).toBeNull()
    const t = { z: 8, x: 213, y: 107 }
    expect(cacheKey(['addresses'], t, false, p, undefined)).toBe('addresses/8/213/107')
    expect(cacheKey(['towns'], t, true, p, ['02', '0101'])).toBe(cacheKey(['towns'], t, true, p, ['0101', '02', '02']))
    expect(cacheKey(['towns'], t, true, p, ['02'])).not.toBe(cacheKey(['towns'], t, true, p, undefined))
  })
})

describe('gzip attachment', () => {
  it('keeps the tile index when an entry gets its gzip', () => {
    const c = new TileCache(1 << 20)
    const e = { tile: { z: 3, x: 1, y: 1 }, layers: ['h3'], bytes: new Uint8Array(10), gzip: null, etag: '"x"', truncated: [] }
    c.set('k', e, c.epoch)
    c.attachGzip('k', e, new Uint8Array(3))
    expect(c.get('k')!.gzip).toHaveLength(3)
    expect(c.dropArea('h3', 3, tileBoundsLngLat({ z: 3, x: 1, y: 1 }))).toBe(1)
    c.attachGzip('k', e, new Uint8Array(3))
    expect(c.get('k')).toBeUndefined()
  })
})
