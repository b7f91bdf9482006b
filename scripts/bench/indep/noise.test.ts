import { describe, expect, it } from 'vitest'

import { digitByDigit, fullWidth, groupText, PLAIN, render, roomTail, slipName, spokenNumber } from './noise.ts'
import { Rng } from './rng.ts'
import { sameSyllable } from './vocab.ts'

describe('numerals', () => {
  it('speaks numbers as Chinese does', () => {
    expect(spokenNumber(435)).toBe('四百三十五')
    expect(spokenNumber(302)).toBe('三百零二')
    expect(spokenNumber(15)).toBe('十五')
    expect(spokenNumber(10)).toBe('十')
    expect(spokenNumber(110)).toBe('一百一十')
    expect(spokenNumber(1203)).toBe('一千二百零三')
    expect(spokenNumber(1005)).toBe('一千零五')
    expect(spokenNumber(7)).toBe('七')
  })

  it('reads room numbers digit by digit and writes full-width digits', () => {
    expect(digitByDigit(302)).toBe('三零二')
    expect(fullWidth('2号楼3-1')).toBe('２号楼３－１')
  })

  it('writes groups in their four forms', () => {
    expect(groupText(3, 'digit')).toBe('3组')
    expect(groupText(3, 'spoken')).toBe('三组')
    expect(groupText(3, 'formal')).toBe('第三村民小组')
    expect(groupText(3, 'di')).toBe('第3组')
  })
})

describe('render', () => {
  const rng = new Rng('r')
  it('renders doors, rooms and houses', () => {
    expect(render({ town: '北干街道', road: '宏达路', door: 5 }, PLAIN, rng)).toBe('北干街道宏达路5号')
    expect(render({ town: '瓜沥镇', village: '东埭村', group: 11, door: 64 }, PLAIN, rng)).toBe('瓜沥镇东埭村11组64号')
    expect(render({ road: '宏达路', door: 5, compound: '锦琪苑', building: 3, unit: 1, room: 302 }, PLAIN, rng)).toBe(
      '宏达路5号锦琪苑3幢1单元302室',
    )
  })

  it('renders room tails in dash, spoken and variant forms', () => {
    expect(roomTail(3, 1, 302, { ...PLAIN, dash: true, roomWord: '' })).toBe('3-1-302')
    expect(roomTail(3, undefined, 302, { ...PLAIN, buildingWord: '号楼', roomWord: '房' })).toBe('3号楼302房')
    expect(roomTail(3, 2, 302, { ...PLAIN, num: 'spoken', roomNum: 'digits' })).toBe('三幢二单元三零二室')
  })
})

describe('slipName', () => {
  it('changes exactly one stem character to a same-syllable one and never yields a real name', () => {
    const real = new Set(['银丰路', '音丰路', '因丰路'])
    const rng = new Rng('slip')
    for (let i = 0; i < 200; i++) {
      const s = slipName('银丰路', 2, rng, real)
      expect(s).not.toBeNull()
      expect(real.has(s!.text)).toBe(false)
      expect(s!.text).toHaveLength(3)
      expect(s!.text.endsWith('路')).toBe(true)
      const diff = Array.from(s!.text).filter((c, k) => c !== '银丰路'[k])
      expect(diff).toHaveLength(1)
      expect(sameSyllable(s!.from, s!.to)).toBe(true)
    }
  })

  it('gives up when no slip is possible', () => {
    expect(slipName('子丑路', 2, new Rng('x'), new Set())).toBeNull()
  })
})
