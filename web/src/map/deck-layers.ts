/**
 * The deck.gl layer of the map, interleaved into MapLibre's own WebGL2 context (`interleaved:
 * true`): the H3 risk hexagons, from the same `GET /api/h3` answer as MapLibre's heatmap and
 * clusters (style.ts). This module is loaded with a dynamic import (its own chunk: deck.gl,
 * luma.gl and h3-js) only when the hexagons are on, so the boundaries draw without waiting for it.
 *
 * Only the hexagons are deck.gl's: under software WebGL a deck.gl layer's shader program (13–24 kB
 * of GLSL with its modules) takes far longer to compile than MapLibre's, and deck.gl's heatmap
 * (three programs and float textures), clusters and cluster counts cost 0.5–1.4 s of a first load
 * (A/B medians, bench host) that MapLibre's heatmap, circle and symbol layers do without.
 *
 * The overlay is @deck.gl/maplibre's MapLibreOverlay, the MapboxOverlay of @deck.gl/mapbox for
 * MapLibre: @deck.gl/mapbox 9.4 reads `map.transform`, which MapLibre 6 removed, and an
 * interleaved MapboxOverlay takes the page down on its first frame (deck.gl issue 10501).
 */
import type { LayersList } from '@deck.gl/core'
import { H3HexagonLayer } from '@deck.gl/geo-layers'
import { MapLibreOverlay } from '@deck.gl/maplibre'
import type { Map as MapLibreMap } from 'maplibre-gl'

import { type CellCount, colourForCount, rgba } from './cells.ts'
import type { LegendStop } from './legend.ts'

/** deck.gl layer ids (inside MapLibre they live in a `deck-maplibre-layer-group-before:…` custom layer). */
export const DECK_LAYERS = {
  h3: 'deck-h3',
} as const

/** The prop the overlay reads to place a layer in MapLibre's order (not in deck.gl's own types). */
type Overlaid = { beforeId: string }

/** What the deck.gl layer shows. */
export interface DeckView {
  cells: readonly CellCount[]
  show: { h3: boolean }
  /** H3 legend stops (breaks follow the counts in view). */
  stops: readonly LegendStop[]
  /** White cell outlines (from z11, where cells are big enough to tell apart). */
  outline: boolean
}

/** Where the deck.gl layer goes in MapLibre's layer order: before this style layer. */
export interface DeckPlacement {
  /** Hexagons: under the heatmap, hot spots, warnings, masks and boundaries. */
  surfaces: string
}

export interface DeckLayers {
  /** Resolves once deck.gl has its WebGL device and draws. */
  loaded: Promise<void>
  render(view: DeckView): void
}

/** What deck.gl's render hooks hand over: the shared WebGL2 context. */
interface RenderContext {
  gl: WebGL2RenderingContext
}

/**
 * Saves and restores the uniform buffer bindings around deck.gl's draw: MapLibre 6 keeps its
 * per-frame uniform block bound at a fixed binding point and does not bind it again after a
 * custom layer, while luma.gl binds deck.gl's uniform buffers to the same points. Without this,
 * the labels and lines MapLibre draws after a deck.gl layer shrink, grow or vanish (deck.gl
 * issue 10700, maplibre-gl-js issue 8413).
 *
 * The bindings are shadowed in JavaScript (the context's bindBufferBase/bindBufferRange are
 * wrapped) rather than read back per frame: every getIndexedParameter waits for the GPU process
 * to finish all drawing so far, and the 73 reads per deck.gl draw took 2.3 s of a 5.9 s first
 * load under SwiftShader. The context's state is read once, when the first draw comes.
 */
function uniformBindings(): {
  save(ctx: RenderContext | WebGL2RenderingContext): void
  restore(ctx: RenderContext | WebGL2RenderingContext): void
} {
  interface Binding {
    buffer: WebGLBuffer | null
    start: number
    size: number
  }
  const glOf = (c: RenderContext | WebGL2RenderingContext) => ('gl' in c ? c.gl : c)
  let tracked: WebGL2RenderingContext | null = null
  const current = new Map<number, Binding>()
  let saved = new Map<number, Binding>()
  let bindBase: (index: number, buffer: WebGLBuffer | null) => void = () => {}
  let bindRange: (index: number, b: Binding) => void = () => {}

  const track = (gl: WebGL2RenderingContext) => {
    if (tracked === gl) return
    tracked = gl
    current.clear()
    const n = Math.min(Number(gl.getParameter(gl.MAX_UNIFORM_BUFFER_BINDINGS)), 24)
    for (let i = 0; i < n; i++) {
      const buffer = gl.getIndexedParameter(gl.UNIFORM_BUFFER_BINDING, i) as WebGLBuffer | null
      if (buffer)
        current.set(i, {
          buffer,
          start: Number(gl.getIndexedParameter(gl.UNIFORM_BUFFER_START, i)),
          size: Number(gl.getIndexedParameter(gl.UNIFORM_BUFFER_SIZE, i)),
        })
    }
    const base = gl.bindBufferBase.bind(gl)
    const range = gl.bindBufferRange.bind(gl)
    const del = gl.deleteBuffer.bind(gl)
    bindBase = (index, buffer) => base(gl.UNIFORM_BUFFER, index, buffer)
    bindRange = (index, b) => range(gl.UNIFORM_BUFFER, index, b.buffer, b.start, b.size)
    gl.bindBufferBase = (target, index, buffer) => {
      if (target === gl.UNIFORM_BUFFER) current.set(index, { buffer, start: 0, size: 0 })
      base(target, index, buffer)
    }
    gl.bindBufferRange = (target, index, buffer, offset, size) => {
      if (target === gl.UNIFORM_BUFFER) current.set(index, { buffer, start: offset, size })
      range(target, index, buffer, offset, size)
    }
    // A deleted buffer is unbound everywhere: binding it again would be an error.
    gl.deleteBuffer = (buffer) => {
      for (const [i, b] of current) if (b.buffer === buffer) current.delete(i)
      for (const [i, b] of saved) if (b.buffer === buffer) saved.delete(i)
      del(buffer)
    }
  }
  const same = (a: Binding | undefined, b: Binding | undefined) => a?.buffer === b?.buffer && a?.start === b?.start && a?.size === b?.size

  return {
    save(c) {
      track(glOf(c))
      saved = new Map(current)
    },
    restore() {
      for (const i of new Set([...current.keys(), ...saved.keys()])) {
        const was = saved.get(i)
        if (same(was, current.get(i))) continue
        if (!was) {
          bindBase(i, null)
          current.delete(i)
        } else {
          if (was.size > 0) bindRange(i, was)
          else bindBase(i, was.buffer)
          current.set(i, was)
        }
      }
    },
  }
}

/** Adds the overlay to the map (its style must be loaded). */
export function createDeckLayers(map: MapLibreMap, place: DeckPlacement): DeckLayers {
  let onLoad: () => void = () => {}
  const loaded = new Promise<void>((resolve) => (onLoad = resolve))
  const bindings = uniformBindings()
  const overlay = new MapLibreOverlay({
    interleaved: true,
    layers: [],
    onLoad: () => onLoad(),
    onBeforeRender: ({ gl }) => bindings.save(gl),
    onAfterRender: ({ gl }) => bindings.restore(gl),
  })
  map.addControl(overlay)

  /**
   * Hands the layers over, interleaved from the first frame: @deck.gl/maplibre 9.4 adds a layer's
   * group to MapLibre's style only if `map.isStyleLoaded()`, which is false while any tile or
   * GeoJSON source is still loading (a first load, a pan), and a layer without its group is drawn
   * after MapLibre's frame, over the boundaries, labels and clusters, until its layers are handed
   * over again (deck.gl issue 10733). The check is there so that no group is added before the
   * style's layers exist; ours do (the overlay is added after 'style.load', and the map never
   * changes style), so during the hand-over it is answered for the style alone.
   */
  const setLayers = (layers: LayersList) => {
    map.isStyleLoaded = () => true
    try {
      overlay.setProps({ layers })
    } finally {
      delete (map as Partial<Pick<MapLibreMap, 'isStyleLoaded'>>).isStyleLoaded
    }
  }

  return {
    loaded,
    render(v) {
      const stopsKey = v.stops.map((s) => `${s.value}:${s.colour}`).join(',')
      const fills = new Map(v.stops.map((s) => [s.colour, rgba(s.colour, 0.62)]))
      // The layer only while shown: deck.gl initializes (compiles shaders for) every layer it is
      // given, visible or not, and shader compiles are what software WebGL is slowest at.
      setLayers(
        v.show.h3
          ? [
              new H3HexagonLayer<CellCount, Overlaid>({
                id: DECK_LAYERS.h3,
                beforeId: place.surfaces,
                data: v.cells,
                // Clicks are hit-tested on the CPU (cell-layers.ts): no picking pass to render.
                pickable: false,
                // Flat per-cell polygons instead of one instanced hexagon: correct away from the
                // equator and ~3× faster to draw under software WebGL (measured in the issue).
                highPrecision: true,
                extruded: false,
                filled: true,
                stroked: v.outline,
                getHexagon: (d) => d.h3,
                getFillColor: (d) => fills.get(colourForCount(d.count, v.stops)) ?? [153, 153, 153, 158],
                getLineColor: [255, 255, 255, 153],
                lineWidthUnits: 'pixels',
                getLineWidth: 0.5,
                updateTriggers: { getFillColor: stopsKey },
              }),
            ]
          : [],
      )
    },
  }
}
