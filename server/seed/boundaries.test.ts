import { area as turfArea } from '@turf/area'
import { bbox as turfBbox } from '@turf/bbox'
import { booleanClockwise as turfBooleanClockwise } from '@turf/boolean-clockwise'
import { booleanPointInPolygon as turfBooleanPointInPolygon } from '@turf/boolean-point-in-polygon'
import { booleanValid as turfBooleanValid } from '@turf/boolean-valid'
import { difference as turfDifference } from '@turf/difference'
import { feature as turfFeature, featureCollection as turfFeatureCollection } from '@turf/helpers'
import { intersect as turfIntersect } from '@turf/intersect'
import { kinks as turfKinks } from '@turf/kinks'
import type { MultiPolygon } from 'geojson'
import { beforeAll, describe, expect, it } from 'vitest'

import { generateBoundaries, GRID_COUNT, MICROGRID_COUNT, TOTAL_POPULATION } from './boundaries.ts'
import { distanceToRing, pointInRing, project, type Ring } from './geometry.ts'
import { loadReference } from './reference.ts'
import type { AreaRow } from './types.ts'

const ref = loadReference()
let areas: AreaRow[] = []
const byLevel = (level: AreaRow['level']) => areas.filter((a) => a.level === level)
const km2 = (g: MultiPolygon) => turfArea(g) / 1e6
const outer = (a: AreaRow): Ring => (a.geometry.coordinates[0]![0]!.slice(0, -1) as [number, number][]).map(project)

beforeAll(() => {
  areas = generateBoundaries('test-seed')
}, 120_000)

describe('generateBoundaries: counts and codes', () => {
  it('has every level with the real town and village lists', () => {
    expect(byLevel('district')).toHaveLength(1)
    expect(byLevel('town').map((t) => t.code)).toEqual(ref.towns.map((t) => t.code))
    expect(
      byLevel('village')
        .map((v) => v.code)
        .sort(),
    ).toEqual(ref.villages.map((v) => v.code).sort())
    for (const t of ref.towns) {
      expect(byLevel('village').filter((v) => v.parentCode === t.code)).toHaveLength(t.villageCount + t.communityCount + t.otherCount)
    }
    expect(byLevel('grid')).toHaveLength(GRID_COUNT)
    expect(byLevel('microgrid')).toHaveLength(MICROGRID_COUNT)
  })

  it('codes are unique, nest in their parents and lists parents first', () => {
    const seen = new Set<string>()
    const bad: string[] = []
    const digits = { district: 6, town: 9, village: 12, grid: 15, microgrid: 17 }
    for (const a of areas) {
      if (seen.has(a.code)) bad.push(`duplicate ${a.code}`)
      if (a.parentCode !== null && !seen.has(a.parentCode)) bad.push(`parent after child ${a.code}`)
      if (!/^\d+$/.test(a.code) || a.code.length !== digits[a.level]) bad.push(`code ${a.code}`)
      if (a.parentCode !== null && !a.code.startsWith(a.parentCode)) bad.push(`not nested ${a.code}`)
      seen.add(a.code)
    }
    expect(bad).toEqual([])
    const g = byLevel('grid').find((x) => x.code === '330109001001001')
    expect(g?.name).toBe('陈公桥社区第1网格')
    expect(byLevel('microgrid').find((x) => x.code === '33010900100100101')?.name).toBe('陈公桥社区第1网格第1微网格')
  })

  it('marks types, kinds and synthetic boundaries', () => {
    const towns = byLevel('town')
    expect(towns.filter((t) => t.properties.type === '街道')).toHaveLength(10)
    expect(towns.filter((t) => t.properties.type === '镇')).toHaveLength(12)
    expect(towns.filter((t) => t.properties.type === '统计单位')).toHaveLength(5)
    expect(towns.find((t) => t.name === '瓜沥镇')?.properties.kind).toBe('rural')
    expect(towns.find((t) => t.name === '北干街道')?.properties.kind).toBe('urban')
    expect(areas.every((a) => a.properties.synthetic_boundary === true)).toBe(true)
  })

  it('populations add up at every level (2.7 M in all, streets denser)', () => {
    expect(byLevel('district')[0]!.population).toBe(TOTAL_POPULATION)
    const sumBy = new Map<string, number>()
    for (const a of areas) if (a.parentCode) sumBy.set(a.parentCode, (sumBy.get(a.parentCode) ?? 0) + a.population)
    for (const a of areas) if (a.level !== 'microgrid') expect(sumBy.get(a.code)).toBe(a.population)
    const density = (type: string) => {
      const ts = byLevel('town').filter((t) => t.properties.type === type)
      return ts.reduce((s, t) => s + t.population, 0) / ts.reduce((s, t) => s + km2(t.geometry), 0)
    }
    expect(density('街道')).toBeGreaterThan(3 * density('镇'))
  })
})

describe('generateBoundaries: geometry', () => {
  it('district is roughly Xiaoshan-sized and placed', () => {
    const d = byLevel('district')[0]!
    expect(km2(d.geometry)).toBeGreaterThan(1300)
    expect(km2(d.geometry)).toBeLessThan(1550)
    const [x0, y0, x1, y1] = turfBbox(d.geometry)
    expect(x0).toBeGreaterThan(120.05)
    expect(x1).toBeLessThan(120.75)
    expect(y0).toBeGreaterThan(29.8)
    expect(y1).toBeLessThan(30.42)
  })

  it('every polygon is a valid, closed, counter-clockwise single polygon without holes', () => {
    const bad: string[] = []
    for (const a of areas) {
      const polys = a.geometry.coordinates
      const ring = polys[0]?.[0]
      if (a.geometry.type !== 'MultiPolygon' || polys.length !== 1 || polys[0]!.length !== 1 || !ring) {
        bad.push(`${a.code}: not one polygon without holes`)
        continue
      }
      const [fx, fy] = ring[0]!
      const [lx, ly] = ring[ring.length - 1]!
      if (ring.length < 4 || fx !== lx || fy !== ly) bad.push(`${a.code}: ring not closed`)
      if (turfBooleanClockwise(ring)) bad.push(`${a.code}: clockwise exterior`)
    }
    for (const a of [...byLevel('town'), ...byLevel('village')]) if (turfKinks(a.geometry).features.length) bad.push(`${a.code}: kinks`)
    for (const a of areas.filter((_, i) => i % 20 === 0)) if (!turfBooleanValid(a.geometry)) bad.push(`${a.code}: invalid`)
    expect(bad).toEqual([])
  })

  it('children tile their parent: areas add up within 0.1 %', () => {
    const parentArea = new Map(areas.map((a) => [a.code, km2(a.geometry)]))
    const sums = new Map<string, number>()
    for (const a of areas) if (a.parentCode) sums.set(a.parentCode, (sums.get(a.parentCode) ?? 0) + (parentArea.get(a.code) as number))
    for (const [code, sum] of sums) expect(Math.abs(sum / (parentArea.get(code) as number) - 1)).toBeLessThan(0.001)
  })

  it('every town and village gets a non-trivial area', () => {
    const towns = byLevel('town').map((t) => km2(t.geometry))
    expect(Math.min(...towns)).toBeGreaterThan(3)
    const villages = byLevel('village').map((v) => km2(v.geometry))
    expect(Math.min(...villages)).toBeGreaterThan(0.02)
    const micro = byLevel('microgrid').map((m) => km2(m.geometry))
    expect(Math.min(...micro)).toBeGreaterThan(0)
  })

  it('towns do not overlap (pairwise intersection area ≈ 0)', () => {
    const towns = byLevel('town')
    let pairs = 0
    for (let i = 0; i < towns.length; i++) {
      for (let j = i + 1; j < towns.length; j++) {
        const a = turfBbox(towns[i]!.geometry)
        const b = turfBbox(towns[j]!.geometry)
        if (a[0] > b[2] || b[0] > a[2] || a[1] > b[3] || b[1] > a[3]) continue
        const x = turfIntersect(turfFeatureCollection([turfFeature(towns[i]!.geometry), turfFeature(towns[j]!.geometry)]))
        expect(x ? turfArea(x) : 0).toBeLessThan(1) // m²
        pairs++
      }
    }
    expect(pairs).toBeGreaterThan(40)
  })

  it('children lie inside their parents (every vertex inside or on the boundary)', () => {
    const byCode = new Map(areas.map((a) => [a.code, a]))
    const rings = new Map<string, Ring>()
    const ringOf = (a: AreaRow) => {
      let r = rings.get(a.code)
      if (!r) rings.set(a.code, (r = outer(a)))
      return r
    }
    const outside: string[] = []
    for (const a of areas) {
      if (!a.parentCode) continue
      const parent = ringOf(byCode.get(a.parentCode)!)
      for (const p of ringOf(a)) {
        if (!pointInRing(p, parent) && distanceToRing(p, parent) > 1e-6) outside.push(a.code) // 1 mm
      }
    }
    expect(outside).toEqual([])
    // And an exact check on a sample with turf (difference area ≈ 0).
    for (const v of byLevel('village').filter((_, i) => i % 60 === 0)) {
      const diff = turfDifference(turfFeatureCollection([turfFeature(v.geometry), turfFeature(byCode.get(v.parentCode!)!.geometry)]))
      expect(diff ? turfArea(diff) : 0).toBeLessThan(1)
    }
  })

  it('label points are inside their polygons', () => {
    expect(areas.filter((a) => !turfBooleanPointInPolygon(a.labelPoint, a.geometry)).map((a) => a.code)).toEqual([])
  })
})

describe('generateBoundaries: determinism', () => {
  it('same seed → identical output; a town subset matches the full run', () => {
    const again = generateBoundaries('test-seed', { towns: ['330109403', '330109001'] })
    const full = new Map(areas.map((a) => [a.code, a]))
    for (const a of again) expect(a).toEqual(full.get(a.code))
    expect(again.filter((a) => a.level === 'village')).toHaveLength(37)
  }, 60_000)

  it('a different seed gives different shapes and populations', () => {
    const other = generateBoundaries('other-seed', { towns: [] })
    const t0 = other.find((a) => a.code === '330109001')!
    const t1 = areas.find((a) => a.code === '330109001')!
    expect(t0.geometry).not.toEqual(t1.geometry)
    expect(t0.population).not.toBe(t1.population)
  }, 60_000)
})
