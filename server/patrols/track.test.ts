import { describe, expect, it } from 'vitest'

import { fromWgs84 } from '../geo/crs.ts'
import { boundsOf, checkTrack, parseTrackText, segmentsMeet, trackTouches, trackToWgs84, trackWkt } from './track.ts'

describe('patrol tracks', () => {
  it('reads WKT and GeoJSON (a geometry or a Feature)', () => {
    const want = [
      [120.26, 30.16],
      [120.27, 30.17],
    ]
    expect(parseTrackText('LINESTRING(120.26 30.16, 120.27 30.17)')).toEqual({ ok: true, track: want })
    expect(parseTrackText('linestring z (120.26 30.16 5,120.27 30.17 6)')).toEqual({ ok: true, track: want })
    expect(parseTrackText(JSON.stringify({ type: 'LineString', coordinates: want }))).toEqual({ ok: true, track: want })
    expect(
      parseTrackText(JSON.stringify({ type: 'Feature', properties: {}, geometry: { type: 'LineString', coordinates: want } })),
    ).toEqual({
      ok: true,
      track: want,
    })
  })

  it('says why a track is bad', () => {
    const reason = (s: string) => {
      const r = parseTrackText(s)
      return r.ok ? null : r.reason
    }
    expect(reason('LINESTRING(120.26 30.16)')).toBe('a track needs at least 2 vertices')
    expect(reason('POINT(120.26 30.16)')).toMatch(/expected WKT LINESTRING/)
    expect(reason('LINESTRING(120.26 30.16, abc 30.17)')).toBe('vertex 2: lng and lat must be numbers')
    expect(reason('LINESTRING(120.26 30.16, 220 30.17)')).toMatch(/^vertex 2: .* is not a longitude, latitude/)
    expect(reason('{"type":"Point","coordinates":[1,2]}')).toMatch(/LineString/)
    expect(reason('{"type":')).toMatch(/not valid JSON/)
    expect(reason('')).toBe('must not be empty')
    expect(
      checkTrack([
        [1, 2],
        [1, 2],
      ]).ok,
    ).toBe(false)
  })

  it('converts GCJ-02 vertices to WGS84 and writes WKT', () => {
    const wgs: [number, number][] = [
      [120.2645, 30.1617],
      [120.27, 30.17],
    ]
    const gcj = wgs.map(([x, y]) => fromWgs84(x, y, 'gcj02'))
    expect(gcj[0]![0] - wgs[0]![0]).toBeGreaterThan(0.003) // ~450 m apart
    const back = trackToWgs84(gcj, 'gcj02')
    back.forEach(([x, y], i) => {
      expect(x).toBeCloseTo(wgs[i]![0], 5)
      expect(y).toBeCloseTo(wgs[i]![1], 5)
    })
    expect(trackWkt(wgs)).toBe('LINESTRING(120.2645 30.1617,120.27 30.17)')
  })

  it('tells whether a track touches an area, also when no vertex is inside', () => {
    const square = {
      type: 'Polygon' as const,
      coordinates: [
        [
          [0, 0],
          [2, 0],
          [2, 2],
          [0, 2],
          [0, 0],
        ],
      ],
    }
    const touches = trackTouches(square)
    expect(
      touches([
        [1, 1],
        [5, 5],
      ]),
    ).toBe(true)
    expect(
      touches([
        [-1, 1],
        [3, 1],
      ]),
    ).toBe(true) // crosses, both ends outside
    expect(
      touches([
        [3, 3],
        [5, 5],
      ]),
    ).toBe(false)
    expect(
      touches([
        [-1, 3],
        [3, 2.5],
      ]),
    ).toBe(false) // within the box, outside the square
    expect(
      boundsOf([
        [1, 5],
        [3, 2],
      ]),
    ).toEqual([1, 2, 3, 5])
    expect(segmentsMeet([0, 0], [2, 2], [0, 2], [2, 0])).toBe(true)
    expect(segmentsMeet([0, 0], [1, 0], [0, 1], [1, 1])).toBe(false)
  })
})
