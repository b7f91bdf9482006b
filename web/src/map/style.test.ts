import { describe, expect, it } from 'vitest'
import { LABEL_LAYERS, LAYERS, MIN_ZOOM, buildStyle } from './style.ts'
import { hashHasView } from './hash.ts'

describe('buildStyle', () => {
  const style = buildStyle()

  it('loads nothing remote: no glyphs, no sprite, only inline GeoJSON sources', () => {
    expect(style.glyphs).toBeUndefined()
    expect(style.sprite).toBeUndefined()
    for (const source of Object.values(style.sources)) {
      expect(source.type).toBe('geojson')
      expect(typeof (source as { data: unknown }).data).toBe('object')
    }
  })

  it('draws every level, in order, with labels on top', () => {
    const ids = style.layers.map((l) => l.id)
    expect(ids[0]).toBe(LAYERS.background)
    expect(ids.indexOf(LAYERS.townFill)).toBeLessThan(ids.indexOf(LAYERS.gridLine))
    expect(ids.indexOf(LAYERS.gridLine)).toBeLessThan(ids.indexOf(LAYERS.villageLine))
    expect(ids.indexOf(LAYERS.villageLine)).toBeLessThan(ids.indexOf(LAYERS.townLine))
    expect(ids.indexOf(LAYERS.townLine)).toBeLessThan(ids.indexOf(LAYERS.districtLine))
    expect(ids.slice(-3)).toEqual([...LABEL_LAYERS])
  })

  it('shows finer levels only when zoomed in', () => {
    const layer = (id: string) => style.layers.find((l) => l.id === id)!
    expect(layer(LAYERS.villageLine).minzoom).toBe(MIN_ZOOM.villageLine)
    expect(layer(LAYERS.gridLine).minzoom).toBe(MIN_ZOOM.gridLine)
    expect(layer(LAYERS.townLabel).minzoom).toBe(9)
    expect(layer(LAYERS.villageLabel).minzoom).toBe(12)
    expect(layer(LAYERS.gridLabel).minzoom).toBe(14)
    expect(layer(LAYERS.townLine).minzoom).toBeUndefined()
  })

  it('uses a local CJK font list for labels', () => {
    for (const id of LABEL_LAYERS) {
      const layer = style.layers.find((l) => l.id === id)!
      expect(layer.type).toBe('symbol')
      const font = (layer as { layout: { 'text-font': string[] } }).layout['text-font']
      expect(font[0]).toBe('WenQuanYi Micro Hei')
      expect(font.at(-1)).toBe('sans-serif')
    }
  })

  it('keys town features by code for hover and selection', () => {
    expect(style.sources.town).toMatchObject({ promoteId: 'code' })
  })
})

describe('hashHasView', () => {
  it('recognises a MapLibre view hash', () => {
    expect(hashHasView('#12.5/30.16/120.26')).toBe(true)
    expect(hashHasView('#12/30.16/120.26/15/30')).toBe(true)
    expect(hashHasView('')).toBe(false)
    expect(hashHasView('#panel')).toBe(false)
  })
})
