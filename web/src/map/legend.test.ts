import { describe, expect, it } from 'vitest'
import { countBreaks, countLegend, H3_COLOURS, matchExpression, stepExpression } from './legend.ts'

describe('legend scales', () => {
  it('makes increasing nice breaks from 1 up to the maximum', () => {
    expect(countBreaks(100)).toEqual([1, 3, 10, 20, 50])
    expect(countBreaks(1000)).toEqual([1, 5, 20, 100, 300])
    const small = countBreaks(0)
    expect(small[0]).toBe(1)
    for (let i = 1; i < small.length; i++) expect(small[i]).toBeGreaterThan(small[i - 1]!)
  })
  it('pairs breaks with colours and turns them into a step expression', () => {
    const legend = countLegend([1, 5, 20])
    expect(legend).toEqual([{ value: 1, colour: H3_COLOURS[0] }, { value: 5, colour: H3_COLOURS[1] }, { value: 20, colour: H3_COLOURS[2] }])
    expect(stepExpression('count', legend)).toEqual(['step', ['coalesce', ['to-number', ['get', 'count']], 0], H3_COLOURS[0], 5, H3_COLOURS[1], 20, H3_COLOURS[2]])
  })
  it('builds a match expression with a fallback', () => {
    expect(matchExpression('level', { red: '#f00' }, '#999')).toEqual(['match', ['get', 'level'], 'red', '#f00', '#999'])
  })
})
