import { booleanPointInPolygon } from '@turf/boolean-point-in-polygon'
import { lineString, multiPolygon, point } from '@turf/helpers'
import { pointToLineDistance } from '@turf/point-to-line-distance'
import { parse } from 'csv-parse/sync'
import type { MultiPolygon } from 'geojson'
import { describe, expect, it } from 'vitest'

import { BASE_COLUMNS, generateRows, rowToCsv } from './base.ts'
import { toLngLat } from './geo.ts'
import { apportion, planWorld, shortTownName, writtenVillageName } from './plan.ts'
import { testAreas, testWorld } from './testkit.ts'

const COUNT = 6000
const { areas, world, rows } = testWorld(COUNT, 'base-test')
const geomOf = new Map(areas.map((a) => [a.code, a.geometry]))
const inside = (code: string, lng: number, lat: number) =>
  booleanPointInPolygon(point([lng, lat]), multiPolygon(geomOf.get(code)!.coordinates))
const boundaryDistanceM = (g: MultiPolygon, lng: number, lat: number) =>
  Math.min(...g.coordinates.flat().map((ring) => pointToLineDistance(point([lng, lat]), lineString(ring), { units: 'meters' })))

describe('base rows', () => {
  it('are exactly `count`, with unique importer-valid ids', () => {
    expect(rows).toHaveLength(COUNT)
    expect(new Set(rows.map((r) => r.addressId)).size).toBe(COUNT)
    for (const r of rows) expect(r.addressId).toMatch(/^[A-Za-z0-9_.:/#-]{1,64}$/)
  })

  it('are a pure function of the seed', () => {
    const again = [...generateRows(planWorld(testAreas(), { count: COUNT, seed: 'base-test' }))].map(rowToCsv).join('')
    expect(again).toBe(rows.map(rowToCsv).join(''))
    const other = [...generateRows(planWorld(testAreas(), { count: COUNT, seed: 'other' }))].map(rowToCsv).join('')
    expect(other).not.toBe(again)
  })

  it('hold all three structures and a few % of border rows', () => {
    const types = new Set(rows.map((r) => r.type))
    expect([...types].sort()).toEqual(['door', 'house', 'room'])
    const border = rows.filter((r) => r.border).length / COUNT
    expect(border).toBeGreaterThan(0.01)
    expect(border).toBeLessThan(0.08)
    expect(rows.filter((r) => r.type === 'house').length / COUNT).toBeGreaterThan(0.05)
  })

  it('put every point inside its written town, border rows inside the neighbour 30–220 m from the border', () => {
    for (const r of rows) {
      if (!r.border) {
        expect(inside(r.townCode, r.lng, r.lat)).toBe(true)
        continue
      }
      expect(r.pointTownCode).not.toBe(r.townCode)
      expect(inside(r.pointTownCode, r.lng, r.lat)).toBe(true)
      expect(inside(r.townCode, r.lng, r.lat)).toBe(false)
      const d = boundaryDistanceM(geomOf.get(r.townCode)!, r.lng, r.lat)
      expect(d).toBeGreaterThanOrEqual(29)
      expect(d).toBeLessThanOrEqual(222)
    }
  })

  it('put village houses inside their village polygon; about half the villages carry an invented name', () => {
    for (const r of rows.filter((x) => x.type === 'house')) {
      expect(inside(world.villages[r.villageId!]!.code, r.lng, r.lat)).toBe(true)
      expect(r.address).toMatch(/村\d+组\d+号$/)
    }
    const used = world.villages.filter((v) => v.rows > 0)
    const own = used.filter((v) => v.own).length
    expect(own).toBeGreaterThan(0)
    expect(own).toBeLessThan(used.length)
    for (const v of used.filter((x) => x.own)) expect(testAreas().some((a) => writtenVillageName(a.name) === v.written)).toBe(false)
  })

  it('number street doors odd on one side and even on the other, increasing along the road', () => {
    const road = world.roads.find((r) => r.rows > 10)!
    const doors = rows.filter((r) => r.type === 'door' && r.roadId === road.id)
    expect(doors.some((d) => d.doorNo! % 2 === 1) && doors.some((d) => d.doorNo! % 2 === 0)).toBe(true)
  })

  it('have near-duplicate compounds across towns and across roads, one non-homophone character apart', () => {
    const vias = new Set(world.compounds.flatMap((c) => c.siblings.map((s) => s.via)))
    expect([...vias].sort()).toEqual(['road', 'town'])
    for (const c of world.compounds) {
      for (const s of c.siblings) {
        const o = world.compounds[s.id]!
        expect(o.name).toHaveLength(c.name.length)
        const diff = Array.from(c.name).filter((ch, k) => ch !== o.name[k])
        expect(diff).toHaveLength(1)
        if (s.via === 'town') expect(o.townIdx).not.toBe(c.townIdx)
        else expect(o.roadId).not.toBe(c.roadId)
      }
    }
  })

  it('record junctions where two roads of a town cross, inside the town', () => {
    expect(world.junctions.length).toBeGreaterThan(0)
    for (const j of world.junctions) {
      expect(inside(world.towns[j.townIdx]!.code, j.lng, j.lat)).toBe(true)
      for (const id of [j.roadA, j.roadB]) {
        const r = world.roads[id]!
        let best = Infinity
        for (let s = r.inStart; s <= r.inEnd; s += 0.5) {
          const p = r.line.at(s)
          const [lng, lat] = toLngLat(world.proj, p.x, p.y)
          best = Math.min(best, Math.hypot((lng - j.lng) * 96_000, (lat - j.lat) * 110_574))
        }
        expect(best).toBeLessThan(1)
      }
    }
  })

  it('give part columns to about partsRate of the rows, consistent with the text', () => {
    const share = rows.filter((r) => r.withParts).length / COUNT
    expect(share).toBeGreaterThan(0.65)
    expect(share).toBeLessThan(0.75)
    const none = [...generateRows(planWorld(testAreas(), { count: 500, seed: 'p', partsRate: 0 }))]
    expect(none.every((r) => rowToCsv(r).endsWith(',,,,,,,,,\n'))).toBe(true)
  })

  it('write well-formed CSV that parses back to the same fields', () => {
    const text = `${BASE_COLUMNS.join(',')}\n${rows.map(rowToCsv).join('')}`
    const records = parse(text, { columns: true }) as Record<string, string>[]
    expect(records).toHaveLength(COUNT)
    records.forEach((rec, i) => {
      const r = rows[i]!
      expect(Object.keys(rec)).toEqual([...BASE_COLUMNS])
      expect(rec.address_id).toBe(r.addressId)
      expect(rec.address).toBe(r.address)
      expect(Number(rec.lng)).toBe(r.lng)
      expect(Number(rec.lat)).toBe(r.lat)
      if (r.withParts) {
        expect(rec.town).toBe(r.town)
        expect(r.address.startsWith(`浙江省杭州市萧山区${rec.town}`)).toBe(true)
        if (rec.road) expect(r.address).toContain(`${rec.road}${rec.door_no}号`)
        if (rec.compound) expect(r.address).toContain(`${rec.compound}${rec.building}幢${rec.unit ? `${rec.unit}单元` : ''}${rec.room}室`)
        if (rec.village) expect(r.address).toContain(`${rec.village}${rec.group_no}组${rec.door_no}号`)
        for (const k of ['group_no', 'door_no', 'building', 'unit', 'room']) expect(rec[k]).toMatch(/^\d*$/)
      } else {
        for (const k of BASE_COLUMNS.slice(5)) expect(rec[k]).toBe('')
      }
    })
  })
})

describe('naming helpers', () => {
  it('shorten town names and write admin village names', () => {
    expect(shortTownName('北干街道')).toBe('北干')
    expect(shortTownName('瓜沥镇')).toBe('瓜沥')
    expect(shortTownName('围垦区')).toBe('围垦区')
    expect(writtenVillageName('马谷村委会')).toBe('马谷村')
    expect(writtenVillageName('马谷村村委会')).toBe('马谷村')
    expect(writtenVillageName('东村委会')).toBe('东村')
    expect(writtenVillageName('陈公桥社区')).toBe('陈公桥社区')
  })

  it('apportions exactly', () => {
    expect(apportion(10, [1, 1, 2]).reduce((a, b) => a + b)).toBe(10)
    expect(apportion(7, [0, 1, 0])).toEqual([0, 7, 0])
  })
})
