import { describe, expect, it } from 'vitest'

import { type AppState, decodeState, DEFAULT_LAYERS, encodeState } from './url.ts'

const range = { from: '2026-10-24', to: '2026-11-23' }

describe('URL state', () => {
  const state: AppState = {
    view: { zoom: 12.5, lat: 30.16543, lng: 120.26789 },
    layers: ['grid', 'heat', 'tasks'],
    filters: { from: '2026-10-01', to: '2026-11-01', categories: ['01', '0203'], area: '330109001' },
    selection: { kind: 'cell', id: '8830e1d8b3fffff' },
  }

  it('round-trips the whole state', () => {
    const hash = encodeState(state)
    expect(hash).toBe(
      '#v=12.50/30.16543/120.26789&l=grid,heat,tasks&from=2026-10-01&to=2026-11-01&c=01,0203&a=330109001&s=cell:8830e1d8b3fffff',
    )
    expect(decodeState(hash, { range })).toEqual(state)
  })

  it('keeps an empty layer list apart from no list', () => {
    expect(decodeState('#l=', { range }).layers).toEqual([])
    expect(decodeState('', { range }).layers).toEqual(DEFAULT_LAYERS)
  })

  it('falls back to defaults for anything malformed', () => {
    const s = decodeState('#v=99/1/2&l=grid,nope,grid&from=2026-02-30&to=x&c=1,0101&a=abc&s=bogus:1', { range })
    expect(s).toEqual({ view: null, layers: ['grid'], filters: { ...range, categories: ['0101'], area: null }, selection: null })
    expect(decodeState('#from=2026-11-01&to=2026-10-01', { range }).filters.from).toBe(range.from)
  })

  it('omits what is empty', () => {
    const hash = encodeState({ view: null, layers: [], filters: { ...range, categories: [], area: null }, selection: null })
    expect(hash).toBe('#l=&from=2026-10-24&to=2026-11-23')
  })
})
