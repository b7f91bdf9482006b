import {
  createPropertyExpression,
  featureFilter,
  type FilterSpecification,
  latest,
  type StylePropertySpecification,
  validateStyleMin,
} from '@maplibre/maplibre-gl-style-spec'
import { describe, expect, it } from 'vitest'

import { wallStyle } from '../wall/map.ts'
import { CLUSTER_MAXZOOM } from './cells.ts'
import { buildStyle, DECK_PLACEMENT, LABEL_LAYERS, LAYER_GROUPS, LAYERS, MIN_ZOOM, SOURCES } from './style.ts'

describe('buildStyle', () => {
  const origin = 'http://127.0.0.1:8080'
  const style = buildStyle({ origin, tileQuery: '?from=2026-10-01&to=2026-11-01' })

  it("is a valid MapLibre style (the wall's too): every expression parses with its property's type", () => {
    expect(validateStyleMin(style).map((e) => e.message)).toEqual([])
    expect(validateStyleMin(wallStyle(origin)).map((e) => e.message)).toEqual([])
  })

  it('loads nothing remote: no glyphs, no sprite, inline GeoJSON or our own tiles', () => {
    expect(style.glyphs).toBeUndefined()
    expect(style.sprite).toBeUndefined()
    for (const source of Object.values(style.sources)) {
      if (source.type === 'geojson') expect(typeof (source as { data: unknown }).data).toBe('object')
      else {
        expect(source.type).toBe('vector')
        for (const url of (source as { tiles: string[] }).tiles) expect(url.startsWith(`${origin}/tiles/`)).toBe(true)
      }
    }
  })

  it('filters the incident points by the query and asks for them only from the points zoom', () => {
    expect(style.sources.h3).toBeUndefined()
    const incidents = style.sources.incidents as { tiles: string[]; minzoom: number }
    expect(incidents.tiles[0]).toBe(`${origin}/tiles/incidents/{z}/{x}/{y}.mvt?from=2026-10-01&to=2026-11-01`)
    expect(incidents.minzoom).toBe(MIN_ZOOM.incidentPoints)
    expect((style.sources.areas as { tiles: string[] }).tiles[0]).toBe(`${origin}/tiles/villages,grids,microgrids/{z}/{x}/{y}.mvt`)
  })

  it("places deck.gl's hexagons before a style layer that exists, under the heatmap, masks and boundary lines", () => {
    const ids = style.layers.map((l) => l.id)
    for (const before of Object.values(DECK_PLACEMENT)) expect(ids, before).toContain(before)
    expect(DECK_PLACEMENT.surfaces).toBe(LAYERS.heat)
    expect(ids.indexOf(DECK_PLACEMENT.surfaces)).toBeLessThan(ids.indexOf(LAYERS.hotspotFill))
    expect(ids.indexOf(DECK_PLACEMENT.surfaces)).toBeLessThan(ids.indexOf(LAYERS.maskTown))
    expect(ids.indexOf(DECK_PLACEMENT.surfaces)).toBeLessThan(ids.indexOf(LAYERS.townLine))
  })

  it('draws the heatmap and the clusters from the cell points, the clusters until the incident points take over', () => {
    const layer = (id: string) =>
      style.layers.find((l) => l.id === id) as { type: string; source: string; minzoom?: number; maxzoom?: number }
    expect(layer(LAYERS.heat)).toMatchObject({ type: 'heatmap', source: SOURCES.cells })
    expect(layer(LAYERS.incidentCluster)).toMatchObject({ type: 'circle', source: SOURCES.cells, maxzoom: CLUSTER_MAXZOOM })
    expect(layer(LAYERS.incidentClusterCount)).toMatchObject({
      type: 'symbol',
      source: SOURCES.cells,
      minzoom: 11,
      maxzoom: CLUSTER_MAXZOOM,
    })
    expect(layer(LAYERS.incidentPoint).minzoom).toBe(CLUSTER_MAXZOOM)
    expect(LAYER_GROUPS.heat).toEqual([LAYERS.heat])
    expect(LAYER_GROUPS.incidents).toEqual(
      expect.arrayContaining([LAYERS.incidentCluster, LAYERS.incidentClusterCount, LAYERS.incidentPoint]),
    )
  })

  it('gives every circle layer the same mix of constant, data and zoom-and-data paint (one shader program)', () => {
    // The kind MapLibre keys its circle programs by, per paint property (program_configuration.ts).
    const kinds = (paint: Record<string, unknown>) =>
      Object.entries(latest.paint_circle as unknown as Record<string, StylePropertySpecification & { 'property-type': string }>)
        .filter(([, spec]) => spec['property-type'] === 'data-driven')
        .map(([name, spec]) => {
          const value = paint[name] ?? (spec as { default?: unknown }).default
          const parsed = createPropertyExpression(value, name, spec)
          if (parsed.result !== 'success') throw new Error(`${name}: ${parsed.value.map((e) => e.message).join('; ')}`)
          return `${name}:${parsed.value.kind}`
        })
    const circles = style.layers.filter((l) => l.type === 'circle')
    expect(circles.length).toBeGreaterThanOrEqual(7)
    const first = kinds(circles[0]!.paint as Record<string, unknown>)
    expect(first).toContain('circle-radius:composite')
    for (const l of circles) expect(kinds(l.paint as Record<string, unknown>), l.id).toEqual(first)
  })

  it('has every layer a panel switch names, hidden until switched on (except boundaries)', () => {
    const ids = new Set(style.layers.map((l) => l.id))
    for (const [group, layers] of Object.entries(LAYER_GROUPS)) {
      for (const id of layers) {
        expect(ids.has(id), id).toBe(true)
        const layer = style.layers.find((l) => l.id === id)!
        if (group !== 'grid') expect(layer.layout?.visibility, id).toBe('none')
      }
    }
  })

  it('draws every level, in order, with labels on top', () => {
    const ids = style.layers.map((l) => l.id)
    expect(ids[0]).toBe(LAYERS.townFill) // no background layer: the container's colour shows through
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

describe('incident points', () => {
  const COLOUR = {
    type: 'color',
    'property-type': 'data-driven',
    expression: { interpolated: true, parameters: ['zoom', 'feature'] },
  } as unknown as StylePropertySpecification
  const paintOf = (name: 'circle-color' | 'circle-stroke-color', properties: Record<string, unknown>) => {
    const layer = buildStyle().layers.find((l) => l.id === LAYERS.incidentPoint) as { paint: Record<string, unknown> }
    const parsed = createPropertyExpression(layer.paint[name], name, COLOUR)
    if (parsed.result !== 'success') throw new Error('invalid expression')
    const c = parsed.value.evaluate({ zoom: 14 }, { type: 'Point', properties, geometry: [] } as never) as unknown as {
      r: number
      g: number
      b: number
    }
    return [c.r, c.g, c.b].map((v) => Math.round(v * 255))
  }
  it('draws a point that only stands for a road, village or town as a ring, not a dot', () => {
    const white = [255, 255, 255]
    expect(paintOf('circle-color', { approximate: true })).toEqual(white)
    expect(paintOf('circle-stroke-color', { approximate: true })).not.toEqual(white)
    expect(paintOf('circle-color', {})).toEqual(paintOf('circle-stroke-color', { approximate: true }))
    expect(paintOf('circle-stroke-color', {})).toEqual(white)
  })
})

describe('incidents at one spot', () => {
  const style = buildStyle()
  const layer = (id: string) =>
    style.layers.find((l) => l.id === id) as {
      filter: FilterSpecification
      paint: Record<string, unknown>
      layout: Record<string, unknown>
    }
  const drawn = (id: string, properties: Record<string, unknown>) =>
    featureFilter(layer(id).filter, 'filter').filter({ zoom: 15 }, { type: 1, properties, geometry: [] } as never)
  const radius = (properties: Record<string, unknown>, zoom: number) => {
    const spec = latest.paint_circle['circle-radius'] as unknown as StylePropertySpecification
    const parsed = createPropertyExpression(layer(LAYERS.incidentPoint).paint['circle-radius'], 'circle-radius', spec)
    if (parsed.result !== 'success') throw new Error('invalid expression')
    return parsed.value.evaluate({ zoom }, { type: 'Point', properties, geometry: [] } as never) as number
  }

  it('draws one marker for a stack, the newest, larger and with the count on it; the ones under it are not drawn', () => {
    const newest = { id: 3, stack: 3 }
    const under = { id: 2, stack: 3, covered: true }
    const alone = { id: 1 }
    expect(drawn(LAYERS.incidentPoint, newest)).toBe(true)
    expect(drawn(LAYERS.incidentPoint, under)).toBe(false)
    expect(drawn(LAYERS.incidentPoint, alone)).toBe(true)
    expect(drawn(LAYERS.incidentPoint, { cluster: true, count: 5 })).toBe(false)
    // The count is written on the newest only, never on a lone incident.
    expect(drawn(LAYERS.incidentStackCount, newest)).toBe(true)
    expect(drawn(LAYERS.incidentStackCount, under)).toBe(false)
    expect(drawn(LAYERS.incidentStackCount, alone)).toBe(false)
    expect(layer(LAYERS.incidentStackCount).layout['text-field']).toEqual(['to-string', ['get', 'stack']])
    for (const zoom of [13, 15, 17]) expect(radius(newest, zoom), `z${zoom}`).toBeGreaterThanOrEqual(radius(alone, zoom) + 3)
    expect(radius(newest, 13)).toBeGreaterThanOrEqual(7) // room for two digits at 10 px
    expect(LAYER_GROUPS.incidents).toContain(LAYERS.incidentStackCount)
  })
})
