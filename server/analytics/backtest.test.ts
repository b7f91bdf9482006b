import { describe, expect, it } from 'vitest'

import { backtestMetrics, backtestVerdict, naiveBaseline, pooledScore, topCells } from './backtest.ts'

describe('backtest metrics', () => {
  it('hit rate, area share and PAI on a hand-computed case', () => {
    // 10 events: 6 in a (predicted), 4 in c (not); 2 of 100 cells predicted →
    // hit rate 6/10 = 0.6, area share 2/100 = 0.02, PAI = 0.6 / 0.02 = 30
    const m = backtestMetrics(
      ['a', 'b'],
      new Map([
        ['a', 6],
        ['c', 4],
        ['b', 0],
      ]),
      100,
    )
    expect(m).toMatchObject({ events: 10, hits: 6, predictedCells: 2, studyAreaCells: 100 })
    expect(m.hitRate).toBeCloseTo(0.6, 12)
    expect(m.areaShare).toBeCloseTo(0.02, 12)
    expect(m.pai).toBeCloseTo(30, 10)
  })

  it('PAI is 1 when the prediction covers everything, NaN without events or cells', () => {
    const all = backtestMetrics(
      ['a', 'b', 'c', 'd'],
      new Map([
        ['a', 3],
        ['d', 1],
      ]),
      4,
    )
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
    const m = backtestMetrics(
      naiveBaseline(last, 2),
      new Map([
        ['a', 4],
        ['x', 1],
        ['q', 5],
      ]),
      100,
    )
    expect(m.hitRate).toBeCloseTo(0.4, 12)
    expect(m.pai).toBeCloseTo(20, 10)
  })
})

describe('pooled backtest and verdict', () => {
  it('pools hits over events and averages area shares, for the model and the baseline alike', () => {
    // Period 1: 100 events, model 30 hits in 1 % of the area, baseline 20 in 1 %;
    // period 2: 300 events, model 60 in 3 %, baseline 90 in 3 % →
    // model 90/400 = 22.5 % in 2 % → PAI 11.25; baseline 110/400 = 27.5 % in 2 % → 13.75.
    const s = pooledScore([
      { events: 100, hits: 30, areaShare: 0.01, baselineHits: 20, baselineAreaShare: 0.01 },
      { events: 300, hits: 60, areaShare: 0.03, baselineHits: 90, baselineAreaShare: 0.03 },
    ])
    expect(s).toMatchObject({ events: 400, hits: 90, baselineHits: 110 })
    expect(s.hitRate).toBeCloseTo(0.225, 12)
    expect(s.areaShare).toBeCloseTo(0.02, 12)
    expect(s.pai).toBeCloseTo(11.25, 10)
    expect(s.baselinePai).toBeCloseTo(13.75, 10)
    expect(backtestVerdict(s)).toBe('below baseline')
  })

  it('says a model is below the baseline at PAI 8.6 against 12.0, matches within 5 %, beats beyond', () => {
    expect(backtestVerdict({ events: 6163, pai: 8.6, baselinePai: 12.0 })).toBe('below baseline')
    expect(backtestVerdict({ events: 6163, pai: 11.5, baselinePai: 12.0 })).toBe('matches baseline')
    expect(backtestVerdict({ events: 6163, pai: 12.5, baselinePai: 12.0 })).toBe('matches baseline')
    expect(backtestVerdict({ events: 6163, pai: 12.7, baselinePai: 12.0 })).toBe('beats baseline')
  })

  it('gives no verdict without enough events, without warnings or without a baseline', () => {
    expect(backtestVerdict({ events: 29, pai: 50, baselinePai: 10 })).toBe('insufficient data')
    expect(backtestVerdict(pooledScore([{ events: 500, hits: 0, areaShare: 0, baselineHits: 0, baselineAreaShare: 0 }]))).toBe(
      'insufficient data',
    )
    expect(backtestVerdict({ events: 500, pai: 3, baselinePai: NaN })).toBe('insufficient data')
    expect(pooledScore([]).pai).toBeNaN()
  })
})
