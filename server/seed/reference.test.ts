import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { describe, expect, it } from 'vitest'

import { loadReference, parseTowns, REFERENCE_DIR, SYNTHETIC_SEATS, townShortName, villageNames } from './reference.ts'

describe('loadReference', () => {
  const { towns, villages } = loadReference()

  it('reads the 27 town-level units and 585 villages', () => {
    expect(towns).toHaveLength(27)
    expect(villages).toHaveLength(585)
    expect(towns.filter((t) => t.type === '街道')).toHaveLength(10)
    expect(towns.filter((t) => t.type === '镇')).toHaveLength(12)
    expect(towns.filter((t) => t.type === '统计单位')).toHaveLength(5)
  })

  it('fills seats: GeoNames where given, marked synthetic otherwise, all inside Xiaoshan', () => {
    expect(
      towns
        .filter((t) => t.seatSynthetic)
        .map((t) => t.code)
        .sort(),
    ).toEqual(Object.keys(SYNTHETIC_SEATS).sort())
    expect(towns.find((t) => t.name === '临浦镇')?.seat).toEqual([120.24493, 30.04406])
    for (const t of towns) {
      expect(t.seat[0]).toBeGreaterThan(120.07)
      expect(t.seat[0]).toBeLessThan(120.72)
      expect(t.seat[1]).toBeGreaterThan(29.83)
      expect(t.seat[1]).toBeLessThan(30.4)
    }
  })

  it('classifies urban and rural units', () => {
    const kind = (name: string) => towns.find((t) => t.name === name)?.kind
    expect(kind('城厢街道')).toBe('urban')
    expect(kind('萧山钱江世纪城')).toBe('urban')
    expect(kind('围垦区')).toBe('rural')
    expect(kind('瓜沥镇')).toBe('rural')
  })

  it('rejects invalid rows and inconsistent counts', () => {
    const csv = readFileSync(new URL('towns.csv', REFERENCE_DIR), 'utf8')
    expect(() => parseTowns(csv.replace('330109001,', '33010900x,'))).toThrow(/towns.csv row 2/)
    const dir = mkdtempSync(join(tmpdir(), 'ref-'))
    writeFileSync(join(dir, 'towns.csv'), csv)
    const villagesCsv = readFileSync(new URL('villages.csv', REFERENCE_DIR), 'utf8').split('\n')
    writeFileSync(join(dir, 'villages.csv'), villagesCsv.filter((_, i) => i !== 1).join('\n'))
    expect(() => loadReference(dir)).toThrow(/城厢街道 has 35 villages/)
  })
})

describe('names', () => {
  it('short town names', () => {
    expect(townShortName('北干街道')).toBe('北干')
    expect(townShortName('瓜沥镇')).toBe('瓜沥')
    expect(townShortName('萧山经济技术开发区')).toBe('开发区')
  })
  it('village address names: 村委会 → 村, communities unchanged', () => {
    expect(villageNames('横一村委会')).toEqual({ shortName: '横一村', stem: '横一', type: '村' })
    expect(villageNames('王村村委会')).toEqual({ shortName: '王村', stem: '王', type: '村' })
    expect(villageNames('陈公桥社区')).toEqual({ shortName: '陈公桥社区', stem: '陈公桥', type: '社区' })
    expect(villageNames('围垦生活区').type).toBe('其他')
  })
})
