import { describe, expect, it } from 'vitest'

import { judge, scoreByKind } from './judge.ts'
import type { GeocodeAnswer, IndepQuery } from './types.ts'

const answer = (over: Partial<GeocodeAnswer>): GeocodeAnswer => ({
  addressId: null,
  address: null,
  level: 'none',
  score: 0,
  lng: null,
  lat: null,
  townCode: null,
  villageCode: null,
  gridCode: null,
  h3: null,
  ...over,
})

const door: IndepQuery = {
  id: 'a',
  kind: 'door_plain',
  coarse: false,
  text: '宏达路5号',
  expect: { level: 'door', addressId: 'IX00-D000001', townCode: '330109013', point: [120.2, 30.1] },
}
const junction: IndepQuery = {
  id: 'b',
  kind: 'intersection',
  coarse: true,
  text: '宏达路与金丰路交叉口',
  expect: { level: 'road', addressId: null, townCode: '330109013', point: [120.2, 30.1], radiusM: 250 },
}
const village: IndepQuery = {
  id: 'c',
  kind: 'village_group_only',
  coarse: true,
  text: '瓜沥镇东埭村3组',
  expect: { level: 'village', addressId: null, townCode: '330109113', villageCode: 'V1', villageCodes: ['V1', 'V2'] },
}
const landmark: IndepQuery = {
  id: 'd',
  kind: 'landmark',
  coarse: true,
  text: '云梦公园',
  expect: { level: 'compound', addressId: null, townCode: '330109013', point: [120.2, 30.1], radiusM: 300 },
}
const oldName: IndepQuery = {
  id: 'e',
  kind: 'old_name',
  coarse: true,
  text: '坎山镇',
  expect: { level: 'town', addressId: null, townCode: '330109113' },
}
const garbage: IndepQuery = {
  id: 'f',
  kind: 'garbage',
  coarse: true,
  text: '上海市',
  expect: { level: 'none', addressId: null, townCode: null },
}

describe('judge', () => {
  it('judges address kinds by address id; another id is a false door', () => {
    expect(judge(door, answer({ addressId: 'IX00-D000001', level: 'door' }))).toEqual({
      correct: true,
      falseDoor: false,
      falsePrecision: false,
    })
    expect(judge(door, answer({ addressId: 'IX00-D000002', level: 'door' }))).toEqual({
      correct: false,
      falseDoor: true,
      falsePrecision: false,
    })
    expect(judge(door, answer({ level: 'road', townCode: '330109013' }))).toEqual({
      correct: false,
      falseDoor: false,
      falsePrecision: false,
    })
  })

  it('judges intersections by distance or modest score, and flags confident far answers', () => {
    const near = answer({ level: 'road', score: 0.95, lng: 120.2, lat: 30.101 }) // ~110 m
    const far = answer({ level: 'road', score: 0.95, lng: 120.2, lat: 30.105 }) // ~550 m
    const farHumble = answer({ level: 'road', score: 0.6, lng: 120.2, lat: 30.105 })
    expect(judge(junction, near)).toEqual({ correct: true, falseDoor: false, falsePrecision: false })
    expect(judge(junction, far)).toEqual({ correct: false, falseDoor: false, falsePrecision: true })
    expect(judge(junction, farHumble)).toEqual({ correct: true, falseDoor: false, falsePrecision: false })
    expect(judge(junction, answer({ level: 'door', addressId: 'x', score: 1, lng: 120.2, lat: 30.1 }))).toEqual({
      correct: false,
      falseDoor: true,
      falsePrecision: false,
    })
  })

  it('judges villages by level, town and an accepted village code', () => {
    expect(judge(village, answer({ level: 'village', townCode: '330109113', villageCode: 'V2' })).correct).toBe(true)
    expect(judge(village, answer({ level: 'village', townCode: '330109113', villageCode: 'V3' })).correct).toBe(false)
    expect(judge(village, answer({ level: 'village', townCode: '330109013', villageCode: 'V1' })).correct).toBe(false)
    expect(judge(village, answer({ level: 'town', townCode: '330109113' })).correct).toBe(false)
  })

  it('judges landmarks by distance at compound level or finer', () => {
    expect(judge(landmark, answer({ level: 'compound', lng: 120.2, lat: 30.102 })).correct).toBe(true)
    expect(judge(landmark, answer({ level: 'compound', lng: 120.2, lat: 30.104 })).correct).toBe(false)
    expect(judge(landmark, answer({ level: 'road', lng: 120.2, lat: 30.1 })).correct).toBe(false)
    expect(judge(landmark, answer({ level: 'door', addressId: 'x', lng: 120.2, lat: 30.1 }))).toEqual({
      correct: true,
      falseDoor: true,
      falsePrecision: false,
    })
  })

  it('judges old names and garbage by level and town', () => {
    expect(judge(oldName, answer({ level: 'town', townCode: '330109113' })).correct).toBe(true)
    expect(judge(oldName, answer({ level: 'town', townCode: '330109013' })).correct).toBe(false)
    expect(judge(garbage, answer({ level: 'none' })).correct).toBe(true)
    expect(judge(garbage, answer({ level: 'town', townCode: '330109013' })).correct).toBe(false)
  })

  it('judges acceptLevels truths: an accepted level without an address id, the town when expected', () => {
    const ambiguous: IndepQuery = {
      id: 'g',
      kind: 'ambiguous_road_door',
      coarse: true,
      text: '宏达路5号',
      expect: { level: 'district', acceptLevels: ['district'], addressId: null, townCode: null },
    }
    expect(judge(ambiguous, answer({ level: 'district' }))).toEqual({ correct: true, falseDoor: false, falsePrecision: false })
    expect(judge(ambiguous, answer({ level: 'door', addressId: 'IX00-D000001', townCode: '330109013' }))).toEqual({
      correct: false,
      falseDoor: true,
      falsePrecision: false,
    })
    expect(judge(ambiguous, answer({ level: 'road', townCode: '330109013' })).correct).toBe(false)
    expect(judge(ambiguous, answer({ level: 'town', townCode: '330109013' })).correct).toBe(false)
    // An accepted level that still names a row is not correct (and is a false door).
    expect(judge(ambiguous, answer({ level: 'district', addressId: 'IX00-D000001' }))).toEqual({
      correct: false,
      falseDoor: true,
      falsePrecision: false,
    })
    const twoLevels: IndepQuery = { ...ambiguous, expect: { ...ambiguous.expect, acceptLevels: ['district', 'town'] } }
    expect(judge(twoLevels, answer({ level: 'town', townCode: '330109013' })).correct).toBe(true)
  })

  it('judges maxDistM truths by level, town and distance', () => {
    const building: IndepQuery = {
      id: 'h',
      kind: 'building_no_unit',
      coarse: true,
      text: '和院御家园3幢302室',
      expect: { level: 'building', acceptLevels: ['building'], addressId: null, townCode: '330109013', point: [120.2, 30.1], maxDistM: 50 },
    }
    expect(judge(building, answer({ level: 'building', townCode: '330109013', lng: 120.2, lat: 30.1003 })).correct).toBe(true) // ~33 m
    expect(judge(building, answer({ level: 'building', townCode: '330109013', lng: 120.2, lat: 30.1006 })).correct).toBe(false) // ~66 m
    expect(judge(building, answer({ level: 'building', townCode: '330109113', lng: 120.2, lat: 30.1 })).correct).toBe(false)
    expect(judge(building, answer({ level: 'building', townCode: '330109013' })).correct).toBe(false) // no point
    expect(judge(building, answer({ level: 'room', addressId: 'IX00-R000001', townCode: '330109013', lng: 120.2, lat: 30.1 }))).toEqual({
      correct: false,
      falseDoor: true,
      falsePrecision: false,
    })
    expect(judge(building, answer({ level: 'compound', townCode: '330109013', lng: 120.2, lat: 30.1 })).correct).toBe(false)
  })

  it('leaves queries without acceptLevels judged as before (a coarse answer with an id stays correct by level)', () => {
    expect(judge(oldName, answer({ level: 'town', townCode: '330109113', addressId: 'x' }))).toEqual({
      correct: true,
      falseDoor: true,
      falsePrecision: false,
    })
    const missing: IndepQuery = {
      id: 'i',
      kind: 'missing_door',
      coarse: true,
      text: '宏达路9999号',
      expect: { level: 'road', addressId: null, townCode: '330109013', point: [120.2, 30.1] },
    }
    expect(judge(missing, answer({ level: 'road', townCode: '330109013', lng: 121, lat: 31 })).correct).toBe(true)
  })

  it('tallies by kind, counting a missing answer as wrong', () => {
    const s = scoreByKind(
      [door, junction, garbage],
      [answer({ id: 'a', addressId: 'IX00-D000002', level: 'door' }), answer({ id: 'b', level: 'road', score: 0.9, lng: 121, lat: 31 })],
    )
    expect(s.door_plain).toEqual({ n: 1, correct: 0, falseDoor: 1, falsePrecision: 0, missing: 0 })
    expect(s.intersection).toEqual({ n: 1, correct: 0, falseDoor: 0, falsePrecision: 1, missing: 0 })
    expect(s.garbage).toEqual({ n: 1, correct: 0, falseDoor: 0, falsePrecision: 0, missing: 1 })
  })
})
