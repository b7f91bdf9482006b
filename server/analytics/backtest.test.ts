import { describe, expect, it } from 'vitest'
import { backtestMetrics, naiveBaseline, topCells } from './backtest.ts'

describe('backtest metrics', () => {
  it('hit rate, area share and PAI on a hand-computed case', () => {
    // 10 events: 6 in a (predicted), 4 in c (not); 2 of 100 cells predicted →
    // hit rate 6/10 = 0.6, area share 2/100 = 0.02, PAI = 0.6 / 0.02 = 30
    const m = backtestMetrics(['a', 'b'], new Map([['a', 6], ['c', 4], ['b', 0]]), 100)
    expect(m).toMatchObject({ events: 10, hits: 6, predictedCells: 2, studyAreaCells: 100 })
    expect(m.hitRate).toBeCloseTo(0.6, 12)
    expect(m.areaShare).toBeCloseTo(0.02, 12)
    expect(m.pai).toBeCloseTo(30, 10)
  })

  it('PAI is 1 when the prediction covers everything, NaN without events or cells', () => {
    const all = backtestMetrics(['a', 'b', 'c', 'd'], new Map([['a', 3], ['d', 1]]), 4)
    expect(all.pai).toBeCloseTo(1, 12)
    expect(backtestMetrics(['a'], new Map(), 10).pai).toBeNaN()
    expect(backtestMetrics([], new Map([['a', 1]]), 10).pai).toBeNaN()
    expect(() => backtestMetrics(['a', 'b'], new Map(), 1)).toThrow(RangeError)
  })

  it('naive baseline: last period busiest cells, ties by cell id, zeros never chosen', () => {
    const last = new Map([
      ['x', 3],
      ['b', 5],
      ['a', 5],
      ['z', 0],
    ])
    expect(naiveBaseline(last, 2)).toEqual(['a', 'b'])
    expect(topCells(last, 10)).toEqual(['a', 'b', 'x'])
    // Baseline vs next period: a and b predicted, next period 4 in a, 1 in x, 5 in q (100 cells)
    const m = backtestMetrics(naiveBaseline(last, 2), new Map([['a', 4], ['x', 1], ['q', 5]]), 100)
    expect(m.hitRate).toBeCloseTo(0.4, 12)
    expect(m.pai).toBeCloseTo(20, 10)
  })
})
