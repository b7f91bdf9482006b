import { describe, expect, it } from 'vitest'

import { bd09ToGcj02, fromCrs, gcj02ToBd09, gcj02ToWgs84, outOfChina, toCrs, wgs84ToGcj02 } from './coords.ts'
import { distanceM } from './geo.ts'

describe('GCJ-02 / BD-09', () => {
  it('match the published reference values of the standard formulas', () => {
    // Reference outputs for (116.404, 39.915) as printed in wandergis/coordtransform test/app.js.
    const close = (a: [number, number], b: [number, number]) => {
      expect(a[0]).toBeCloseTo(b[0], 9)
      expect(a[1]).toBeCloseTo(b[1], 9)
    }
    close(wgs84ToGcj02(116.404, 39.915), [116.41024449916938, 39.91640428150164])
    close(gcj02ToBd09(116.404, 39.915), [116.41036949371029, 39.92133699351021])
    close(bd09ToGcj02(116.404, 39.915), [116.39762729119315, 39.90865673957631])
  })

  it('offset Xiaoshan by a few hundred metres (GCJ) and about a kilometre more (BD), and round-trip', () => {
    const p: [number, number] = [120.264, 30.185]
    const g = toCrs('gcj02', ...p)
    const b = toCrs('bd09', ...p)
    expect(distanceM(p, g)).toBeGreaterThan(200)
    expect(distanceM(p, g)).toBeLessThan(800)
    expect(distanceM(g, b)).toBeGreaterThan(500)
    expect(distanceM(p, fromCrs('gcj02', ...g))).toBeLessThan(0.05)
    expect(distanceM(p, fromCrs('bd09', ...b))).toBeLessThan(1)
    expect(toCrs('wgs84', ...p)).toEqual(p)
    const w = gcj02ToWgs84(...wgs84ToGcj02(...p))
    expect(distanceM(p, w)).toBeLessThan(1e-4)
  })

  it('leave points outside China alone', () => {
    expect(outOfChina(2.35, 48.85)).toBe(true)
    expect(wgs84ToGcj02(2.35, 48.85)).toEqual([2.35, 48.85])
    expect(outOfChina(120.26, 30.16)).toBe(false)
  })
})
