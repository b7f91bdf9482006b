import { describe, expect, it } from 'vitest'

import { backtestLine } from './models.ts'

describe("a model card's backtest line", () => {
  it('gives hit rates as percentages and PAI to one decimal, against the baseline', () => {
    expect(
      backtestLine({ status: 'ready', hitRate: 0.42, baselineHitRate: 0.3, pai: 12.54, baselinePai: 9, verdict: 'beats baseline' }),
    ).toBe('命中率 42%（基线 30%），PAI 12.5（基线 9）')
    expect(backtestLine({ status: 'ready', hitRate: null, baselineHitRate: 0, pai: null, baselinePai: null, verdict: 'no data' })).toBe(
      '命中率 —（基线 0%），PAI —（基线 —）',
    )
  })
  it('says when there is none yet', () => {
    expect(backtestLine({ status: 'computing' })).toBe('计算中…')
    expect(backtestLine({ status: 'not applicable' })).toBe('不适用')
    expect(backtestLine(undefined)).toBe('—')
  })
})
