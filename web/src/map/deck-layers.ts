/**
 * The deck.gl layers of the map, interleaved into MapLibre's own WebGL2 context (`interleaved:
 * true`): H3 risk hexagons, the incident heatmap and incident clusters with their counts, all
 * from one `GET /api/h3` answer. This module is loaded with a dynamic import (its own chunk:
 * deck.gl, luma.gl and h3-js), so the boundaries draw without waiting for it.
 *
 * The overlay is @deck.gl/maplibre's MapLibreOverlay, the MapboxOverlay of @deck.gl/mapbox for
 * MapLibre: @deck.gl/mapbox 9.4 reads `map.transform`, which MapLibre 6 removed, and an
 * interleaved MapboxOverlay takes the page down on its first frame (deck.gl issue 10501).
 */
import { MapLibreOverlay } from '@deck.gl/maplibre'
import { HeatmapLayer } from '@deck.gl/aggregation-layers'
import { H3HexagonLayer } from '@deck.gl/geo-layers'
import { ScatterplotLayer, TextLayer } from '@deck.gl/layers'
import { cellToLatLng } from 'h3-js'
import type { Map as MapLibreMap } from 'maplibre-gl'
import { type CellCount, clusterRadius, colourForCount, heatColours, rgba } from './cells.ts'
import { INCIDENT_COLOUR, type LegendStop } from './legend.ts'

/** deck.gl layer ids (inside MapLibre they live in `deck-layer-group-before:…` custom layers). */
export const DECK_LAYERS = {
  h3: 'deck-h3',
  heat: 'deck-heat',
  clusters: 'deck-clusters',
  clusterCount: 'deck-cluster-count',
} as const

/** The prop the overlay reads to place a layer in MapLibre's order (not in deck.gl's own types). */
type Overlaid = { beforeId: string }

/** A cell with its centre, for the heatmap and the clusters. */
interface PlacedCell extends CellCount {
  position: [number, number]
}

/** What the deck.gl layers show. */
export interface DeckView {
  cells: readonly CellCount[]
  show: { h3: boolean; heat: boolean; clusters: boolean; clusterCount: boolean }
  /** H3 legend stops (breaks follow the counts in view). */
  stops: readonly LegendStop[]
  /** White cell outlines (from z11, where cells are big enough to tell apart). */
  outline: boolean
  heatRadius: number
}

/** Where the deck.gl layers go in MapLibre's layer order: before these style layers. */
export interface DeckPlacement {
  /** Hexagons and heatmap: under hot spots, warnings, masks and boundaries. */
  surfaces: string
  /** Clusters: under incident points, hazards and tasks. */
  clusters: string
  /** Cluster counts: under the search label and place names. */
  labels: string
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
function uniformBindings(): { save(ctx: RenderContext | WebGL2RenderingContext): void; restore(ctx: RenderContext | WebGL2RenderingContext): void } {
  interface Binding { buffer: WebGLBuffer | null; start: number; size: number }
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
      if (buffer) current.set(i, { buffer, start: Number(gl.getIndexedParameter(gl.UNIFORM_BUFFER_START, i)), size: Number(gl.getIndexedParameter(gl.UNIFORM_BUFFER_SIZE, i)) })
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

  // Centres once per answer (h3-js), not per layer update.
  let placedFor: readonly CellCount[] | null = null
  let placed: PlacedCell[] = []
  // The counted clusters, kept with the answer so the text layer lays out once per answer.
  let counted: PlacedCell[] = []
  const placeCells = (cells: readonly CellCount[]): PlacedCell[] => {
    if (cells !== placedFor) {
      placedFor = cells
      placed = cells.map((c) => {
        const [lat, lng] = cellToLatLng(c.h3)
        return { ...c, position: [lng, lat] }
      })
      counted = placed.filter((d) => d.count >= 10)
    }
    return placed
  }
  const heatRange = heatColours()
  const clusterFill = rgba(INCIDENT_COLOUR, 0.75)

  return {
    loaded,
    render(v) {
      const data = placeCells(v.cells)
      const stopsKey = v.stops.map((s) => `${s.value}:${s.colour}`).join(',')
      const fills = new Map(v.stops.map((s) => [s.colour, rgba(s.colour, 0.62)]))
      // Only the layers shown are handed over: deck.gl initializes (compiles shaders for) every
      // layer it is given, visible or not, and shader compiles are what software WebGL is slowest at.
      const shown = new Set<string>([
        ...(v.show.h3 ? [DECK_LAYERS.h3] : []),
        ...(v.show.heat ? [DECK_LAYERS.heat] : []),
        ...(v.show.clusters ? [DECK_LAYERS.clusters] : []),
        ...(v.show.clusterCount ? [DECK_LAYERS.clusterCount] : []),
      ])
      overlay.setProps({
        layers: [
          new H3HexagonLayer<PlacedCell, Overlaid>({
            id: DECK_LAYERS.h3,
            beforeId: place.surfaces,
            data,
            visible: v.show.h3,
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
          new HeatmapLayer<PlacedCell, Overlaid>({
            id: DECK_LAYERS.heat,
            beforeId: place.surfaces,
            data,
            visible: v.show.heat,
            getPosition: (d) => d.position,
            // A cell weighs like the incidents it stands for.
            getWeight: (d) => d.count,
            aggregation: 'SUM',
            radiusPixels: v.heatRadius,
            intensity: 1,
            threshold: 0.05,
            colorRange: heatRange,
            // A 512² weights texture instead of 2048²: the heatmap starts ~2× faster under
            // software WebGL (measured in the issue); our cells are far fewer than its texels.
            weightsTextureSize: 512,
            opacity: 0.75,
          }),
          new ScatterplotLayer<PlacedCell, Overlaid>({
            id: DECK_LAYERS.clusters,
            beforeId: place.clusters,
            data,
            visible: v.show.clusters,
            pickable: false,
            radiusUnits: 'pixels',
            getPosition: (d) => d.position,
            getRadius: (d) => clusterRadius(d.count),
            getFillColor: clusterFill,
            stroked: true,
            getLineColor: [255, 255, 255, 255],
            lineWidthUnits: 'pixels',
            getLineWidth: 0.8,
          }),
          new TextLayer<PlacedCell, Overlaid>({
            id: DECK_LAYERS.clusterCount,
            beforeId: place.labels,
            data: counted,
            visible: v.show.clusterCount,
            getPosition: (d) => d.position,
            getText: (d) => String(d.count),
            // Digits only: a tiny font atlas, no CJK glyphs to draw.
            characterSet: '0123456789',
            fontFamily: 'sans-serif',
            getSize: 10,
            getColor: [255, 255, 255, 255],
          }),
        ].filter((layer) => shown.has(layer.id)),
      })
    },
  }
}
