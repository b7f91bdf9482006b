import { booleanPointInPolygon as turfBooleanPointInPolygon } from '@turf/boolean-point-in-polygon'
import { beforeAll, describe, expect, it } from 'vitest'

import type { AddressRow } from '../addresses/schema.ts'
import { inFlatRing } from '../shared/point-in-polygon.ts'
import { formatAddress } from './address-text.ts'
import { generateAddresses, sampleEvery, tapSample } from './addresses.ts'
import { generateBoundaries } from './boundaries.ts'
import type { AreaRow } from './types.ts'

// Three towns keep the file fast: an urban street (城厢), a street with villages (新塘), a town (临浦).
const TOWNS = ['330109001', '330109004', '330109105']
const COUNT = 100_000
let areas: AreaRow[] = []
let rows: AddressRow[] = []

beforeAll(() => {
  areas = generateBoundaries('addr-test', { towns: TOWNS })
  rows = [...generateAddresses(areas, { seed: 'addr-test', count: COUNT })]
}, 120_000)

describe('generateAddresses', () => {
  it('yields exactly count rows with unique ids and unique texts, quickly', () => {
    expect(rows).toHaveLength(COUNT)
    expect(new Set(rows.map((r) => r.addressId)).size).toBe(COUNT)
    expect(new Set(rows.map((r) => r.address)).size).toBe(COUNT)
    expect(rows[0]!.addressId).toBe('A00000001')
  })

  it('puts every point inside its microgrid, grid, village and town', () => {
    const byCode = new Map(areas.map((a) => [a.code, a]))
    const bad: string[] = []
    rows.forEach((r, i) => {
      const micro = byCode.get(r.microgridCode)
      if (!micro || micro.parentCode !== r.gridCode) bad.push(`${r.addressId} microgrid`)
      else if (byCode.get(r.gridCode)?.parentCode !== r.villageCode) bad.push(`${r.addressId} grid`)
      else if (byCode.get(r.villageCode)?.parentCode !== r.townCode) bad.push(`${r.addressId} village`)
      // turf is slow: check one row in five with it, all rows with the flat-ring test.
      const ring = new Float64Array(micro!.geometry.coordinates[0]![0]!.slice(0, -1).flat() as number[])
      if (!inFlatRing(ring, r.lng, r.lat)) bad.push(`${r.addressId} outside`)
      if (i % 5 === 0 && !turfBooleanPointInPolygon([r.lng, r.lat], byCode.get(r.villageCode)!.geometry)) bad.push(`${r.addressId} turf`)
    })
    expect(bad).toEqual([])
  })

  it('has parsed parts that match the text', () => {
    const bad: string[] = []
    for (const r of rows) {
      const parts = {
        town: r.town,
        village: r.village,
        groupNo: r.groupNo,
        road: r.road,
        doorNo: r.doorNo,
        compound: r.compound,
        building: r.building,
        unit: r.unit,
        room: r.room,
      }
      if (formatAddress(parts) !== r.address) bad.push(r.address)
      if (!r.address.startsWith(`浙江省杭州市萧山区${r.town}`)) bad.push(r.address)
      const roadDoor = r.road !== null && r.doorNo !== null && r.address.includes(`${r.road}${r.doorNo}号`)
      const room = r.compound !== null && r.address.includes(`${r.compound}${r.building}幢${r.unit}单元${r.room}室`)
      const building = r.compound !== null && r.unit === null && r.address.endsWith(`${r.compound}${r.building}幢`)
      const group = r.groupNo !== null && r.address.endsWith(`${r.village}${r.groupNo}组${r.doorNo}号`)
      if (!roadDoor && !room && !building && !group) bad.push(r.address)
      if (r.room !== null && !/^\d{1,2}0\d$/.test(r.room)) bad.push(`room ${r.room}`)
    }
    expect(bad).toEqual([])
  })

  it('holds the gate door and every building of a compound as addresses of their own', () => {
    const byCompound = new Map<string, AddressRow[]>()
    for (const r of rows) if (r.compound !== null) byCompound.set(r.compound, [...(byCompound.get(r.compound) ?? []), r])
    const bad: string[] = []
    for (const [name, list] of byCompound) {
      const gates = list.filter((r) => r.building === null)
      const buildings = list.filter((r) => r.building !== null && r.unit === null)
      const rooms = list.filter((r) => r.room !== null)
      const roomBuildings = new Set(rooms.map((r) => r.building))
      // A gate only where a road is near: then it is road + door + compound and nothing finer.
      if (gates.length > 1) bad.push(`${name}: ${gates.length} gates`)
      for (const g of gates) {
        if (g.road === null || g.doorNo === null || g.unit !== null || g.room !== null) bad.push(`${name}: gate ${g.address}`)
        if (g.address !== `浙江省杭州市萧山区${g.town}${g.road}${g.doorNo}号${name}`) bad.push(`${name}: gate text ${g.address}`)
      }
      // Every building with rooms is an address too, with the same road and door as its rooms.
      for (const b of roomBuildings) {
        const own = buildings.filter((r) => r.building === b)
        if (own.length !== 1) bad.push(`${name}: building ${b} ×${own.length}`)
        const room = rooms.find((r) => r.building === b)!
        if (own[0] && (own[0].road !== room.road || own[0].doorNo !== room.doorNo)) bad.push(`${name}: building ${b} road/door`)
        if (own[0] && !own[0].address.endsWith(`${name}${b}幢`)) bad.push(`${name}: building text ${own[0].address}`)
      }
    }
    expect(bad.slice(0, 10)).toEqual([])
    const kinds = (pred: (r: AddressRow) => boolean) => rows.filter(pred).length
    expect(kinds((r) => r.compound !== null && r.building === null)).toBeGreaterThan(100)
    expect(kinds((r) => r.building !== null && r.unit === null)).toBeGreaterThan(1000)
    const gate = rows.find((r) => r.compound === '金色家园' && r.building === null)
    expect(gate?.address).toMatch(/^浙江省杭州市萧山区城厢街道.+路\d+(-\d+)?号金色家园$/)
  })

  it('mixes urban rooms and rural 组 houses by village type', () => {
    const kind = new Map(areas.filter((a) => a.level === 'village').map((a) => [a.code, a.properties.type]))
    const share = (pred: (r: AddressRow) => boolean, type: string, town: string) => {
      const sel = rows.filter((r) => kind.get(r.villageCode) === type && r.townCode === town)
      return sel.filter(pred).length / sel.length
    }
    expect(share((r) => r.room !== null, '社区', '330109001')).toBeGreaterThan(0.75)
    expect(share((r) => r.groupNo !== null, '村', '330109105')).toBeGreaterThan(0.7)
    expect(share((r) => r.road !== null && r.compound === null, '村', '330109105')).toBeGreaterThan(0.1)
    expect(rows.some((r) => r.compound !== null && r.aliases.length > 0)).toBe(true)
    expect(rows.find((r) => r.compound === '金色家园')?.aliases).toEqual(['金色家苑'])
  })

  it('shares addresses out by village population', () => {
    const villages = areas.filter((a) => a.level === 'village')
    const total = villages.reduce((s, v) => s + v.population, 0)
    const counts = new Map<string, number>()
    for (const r of rows) counts.set(r.villageCode, (counts.get(r.villageCode) ?? 0) + 1)
    for (const v of villages) expect(Math.abs((counts.get(v.code) ?? 0) - (v.population / total) * COUNT)).toBeLessThanOrEqual(1)
  })

  it('lets a road cross several villages, and street door numbers stay unique', () => {
    const villagesPerRoad = new Map<string, Set<string>>()
    const doors = new Set<string>()
    const dupes: string[] = []
    for (const r of rows) {
      if (r.road === null || r.compound !== null) continue
      const key = `${r.townCode}|${r.road}`
      villagesPerRoad.set(key, (villagesPerRoad.get(key) ?? new Set()).add(r.villageCode))
      const door = `${key}|${r.doorNo}`
      if (doors.has(door)) dupes.push(door)
      doors.add(door)
    }
    expect(dupes).toEqual([])
    expect(Math.max(...[...villagesPerRoad.values()].map((s) => s.size))).toBeGreaterThan(3)
  })

  it('is deterministic per seed and streams lazily', () => {
    const again = generateAddresses(areas, { seed: 'addr-test', count: COUNT })
    for (let i = 0; i < 2000; i++) expect(again.next().value).toEqual(rows[i])
    const other = generateAddresses(areas, { seed: 'other', count: COUNT })
    const first = Array.from({ length: 50 }, () => other.next().value as AddressRow)
    expect(first.map((r) => r.address)).not.toEqual(rows.slice(0, 50).map((r) => r.address))
    const big = generateAddresses(areas, { seed: 'addr-test', count: 3_480_000 })
    for (let i = 0; i < 10; i++) expect(big.next().value).toMatchObject({ addressId: `A${String(i + 1).padStart(8, '0')}` })
  })
})

describe('helpers', () => {
  it('tapSample keeps every n-th row and passes all through', () => {
    const kept: number[] = []
    expect([...tapSample([1, 2, 3, 4, 5, 6, 7], 3, kept)]).toEqual([1, 2, 3, 4, 5, 6, 7])
    expect(kept).toEqual([1, 4, 7])
    expect(sampleEvery(3_480_000, 300_000)).toBe(12)
    expect(sampleEvery(100, 300_000)).toBe(1)
  })
})
