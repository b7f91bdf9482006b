import { describe, expect, it } from 'vitest'

import { Rng } from './rng.ts'
import {
  initialOf,
  jianpinTypos,
  NameIndex,
  nearMerger,
  parseShapePair,
  SHAPE_PAIRS,
  shapeTypos,
  spaceOut,
  spellsNewTown,
  toTraditional,
  TRADITIONAL,
  TYPO_NEVER,
  typoName,
} from './typos.ts'
import { READINGS, sameSyllable } from './vocab.ts'

describe('look-alike pairs', () => {
  it('pair characters of different, non-merging syllables, consistent with the homophone table', () => {
    expect(parseShapePair('锦jin绵mian')).toEqual({ a: '锦', pa: 'jin', b: '绵', pb: 'mian' })
    const keys = new Set<string>()
    for (const p of SHAPE_PAIRS) {
      expect(p.a).not.toBe(p.b)
      expect(nearMerger(p.pa, p.pb), `${p.a}${p.b}`).toBe(false)
      for (const [c, py] of [
        [p.a, p.pa],
        [p.b, p.pb],
      ] as const) {
        const r = READINGS.get(c)
        if (r) expect(r.syllable, c).toBe(py)
      }
      const key = [p.a, p.b].sort().join('')
      expect(keys.has(key), key).toBe(false)
      keys.add(key)
    }
  })

  it('never offer a numeral or address word', () => {
    for (const p of SHAPE_PAIRS) for (const c of [p.a, p.b]) for (const t of shapeTypos(c)) expect(TYPO_NEVER.has(t)).toBe(false)
    expect(shapeTypos('西')).not.toContain('四')
    expect(shapeTypos('锦')).toEqual(['绵'])
  })
})

describe('abbreviated-pinyin slips', () => {
  it('keep the initial, change the syllable, and avoid regional mergers', () => {
    expect(initialOf('zhong')).toBe('zh')
    expect(initialOf('an')).toBe('')
    expect(nearMerger('jin', 'jing')).toBe(true)
    expect(nearMerger('si', 'shi')).toBe(true)
    expect(nearMerger('lan', 'nan')).toBe(true)
    expect(nearMerger('jin', 'jia')).toBe(false)
    const out = jianpinTypos('金')
    expect(out).toContain('佳')
    for (const c of out) {
      const r = READINGS.get(c)!
      expect(initialOf(r.syllable)).toBe('j')
      expect(nearMerger(r.syllable, 'jin')).toBe(false)
      expect(sameSyllable(c, '金')).toBe(false)
    }
    expect(jianpinTypos('安')).toEqual([]) // no initial
  })
})

describe('NameIndex', () => {
  const index = new NameIndex(['金丰路', '金丰东路', '和院御家园', '北干街道'])

  it('finds real names one substitution, insertion or deletion away', () => {
    expect([...index.near('金峰路')]).toEqual(['金丰路'])
    expect([...index.near('金丰东路')].sort()).toEqual(['金丰东路', '金丰路'])
    expect([...index.near('金东路')].sort()).toEqual(['金丰东路', '金丰路'])
    expect([...index.near('金丰路口')]).toEqual(['金丰路'])
    expect(index.near('银音路').size).toBe(0)
  })

  it('accepts a change only when the original is the one real name nearby', () => {
    expect(index.onlyNear('和院西家园', '和院御家园')).toBe(true)
    expect(index.onlyNear('金东路', '金丰路')).toBe(false)
    expect(index.onlyNear('金丰东路', '金丰路')).toBe(false)
  })

  it('makes recognisable non-homophone typos', () => {
    const rng = new Rng('typo')
    for (let i = 0; i < 50; i++) {
      const e = typoName('和院御家园', 3, rng, index, ['北干'])
      expect(e).not.toBeNull()
      expect(e!.text).not.toBe('和院御家园')
      expect(e!.text.endsWith('家园')).toBe(true)
      expect(sameSyllable(e!.from, e!.to)).toBe(false)
      expect(index.onlyNear(e!.text, '和院御家园')).toBe(true)
    }
    expect(spellsNewTown('北干丰路', '金丰路', ['北干'])).toBe(true)
    expect(spellsNewTown('北干丰路', '北干路', ['北干'])).toBe(false)
  })
})

describe('written variants', () => {
  it('convert only one-to-one characters to traditional', () => {
    expect(toTraditional('浙江省杭州市萧山区北干街道宏达路5号和院御家园3幢2单元302室')).toBe(
      '浙江省杭州市蕭山區北干街道宏達路5號和院御家園3幢2單元302室',
    )
    for (const c of '干丰台钟后谷云松党') expect(TRADITIONAL.has(c), c).toBe(false)
    for (const [s, t] of TRADITIONAL) expect(s).not.toBe(t)
  })

  it('space out a name inside only', () => {
    const rng = new Rng('sp')
    for (let i = 0; i < 20; i++) {
      const s = spaceOut('育顺街', 2, rng)
      expect(s.replace(/ /g, '')).toBe('育顺街')
      expect(s.startsWith(' ') || s.endsWith(' ')).toBe(false)
      expect(s).toContain(' ')
    }
    expect(spaceOut('村', 2, rng)).toBe('村')
  })
})
