/**
 * The cell-count layers (H3 hexagons, heatmap, incident clusters): loads `GET /api/h3` for the
 * view (resolution by zoom, the view's box with a margin, the filters including the area) and
 * hands it to deck.gl's hexagons, which load lazily the first time they are on, and as points at
 * the cells' centres to MapLibre's heatmap and clusters (the `cells` source, style.ts).
 */
import type * as H3 from 'h3-js'
import type { GeoJSONSource, Map as MapLibreMap, PointLike } from 'maplibre-gl'

import { getJson } from '../api/client.ts'
import type { Bbox } from '../state/query.ts'
import type { LayerId } from '../state/url.ts'
import {
  type CellCount,
  cellPoints,
  type CellsRequest,
  cellsUrl,
  CLUSTER_MAXZOOM,
  clusterAt,
  covers,
  legendForCounts,
  padBox,
  parseCells,
  resolutionForZoom,
} from './cells.ts'
import type { DeckLayers, DeckPlacement } from './deck-layers.ts'
import { countBreaks, countLegend, type LegendStop } from './legend.ts'
import { SOURCES } from './style.ts'

export interface CellLayers {
  setLayers(layers: readonly LayerId[]): void
  /** New filters (`?from=…&to=…&category=…&area=…`). */
  setQuery(query: string): void
  /** Resolves when the data for the view is in and handed to the layers (deck.gl loaded, if needed). */
  settled(): Promise<void>
  /** Whether a request or hand-over is under way (what settled() waits for). */
  busy(): boolean
  /** The cell under a canvas point: from a cluster or a hexagon. */
  pickCell(point: PointLike, from: 'clusters' | 'h3'): string | null
  /** The loaded cells (tests and the inspector compare counts). */
  cells(): readonly CellCount[]
  /** A loaded cell's centre [lng, lat] ([0, 0] for a cell not loaded). */
  centre(h3: string): [number, number]
}

/** Which of our layers draw from the cells at this zoom. */
function needsCells(layers: ReadonlySet<LayerId>, zoom: number): boolean {
  return layers.has('h3') || layers.has('heat') || (layers.has('incidents') && zoom < CLUSTER_MAXZOOM)
}

/** Starts the controller; deck.gl loads on first need (`place`: where its layer goes in the style). */
export function createCellLayers(
  map: MapLibreMap,
  opts: {
    layers: readonly LayerId[]
    query: string
    place: DeckPlacement
    styleLoaded: Promise<unknown>
    onLegend?(stops: LegendStop[]): void
  },
): CellLayers {
  let layers = new Set(opts.layers)
  let query = opts.query
  let loaded: { req: CellsRequest; cells: CellCount[] } | null = null
  let inflight: { req: CellsRequest; abort: AbortController; done: Promise<void> } | null = null
  let deck: Promise<DeckLayers> | null = null
  let deckNow: DeckLayers | null = null
  let stops: LegendStop[] = countLegend(countBreaks(50))
  let legendKey = ''
  const pending = new Set<Promise<unknown>>()
  const track = <T>(p: Promise<T>): Promise<T> => {
    pending.add(p)
    void p.finally(() => pending.delete(p)).catch(() => {})
    return p
  }

  /** The deck.gl layers, imported and added on first use. */
  const ensureDeck = (): Promise<DeckLayers> => {
    deck ??= track(
      (async () => {
        const [mod] = await Promise.all([import('./deck-layers.ts'), opts.styleLoaded])
        const d = mod.createDeckLayers(map, opts.place)
        deckNow = d
        performance.mark('onemap:deck-added')
        void d.loaded.then(() => performance.mark('onemap:deck-loaded'))
        return d
      })(),
    )
    return deck
  }

  const viewBox = (): Bbox => {
    const b = map.getBounds()
    return [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()]
  }

  /** H3 breaks follow the counts of the cells whose centre is in view. */
  const updateLegend = () => {
    if (!loaded || !layers.has('h3')) return
    const [w, s, e, n] = viewBox()
    const inView = loaded.cells.filter((c) => {
      const p = centres.get(c.h3)
      return p !== undefined && p[0] >= w && p[0] <= e && p[1] >= s && p[1] <= n
    })
    const next = legendForCounts(inView.map((c) => c.count))
    if (!next) return
    const key = next.map((s) => s.value).join(',')
    if (key === legendKey) return
    legendKey = key
    stops = next
    opts.onLegend?.(stops)
  }
  // Cell centres (the legend's in-view test, cluster hits), from h3-js once it is loaded.
  const centres = new Map<string, [number, number]>()
  let h3: typeof H3 | null = null
  const fillCentres = async (cells: readonly CellCount[]) => {
    h3 ??= await import('h3-js')
    const { cellToLatLng } = h3
    centres.clear()
    for (const c of cells) {
      const [lat, lng] = cellToLatLng(c.h3)
      centres.set(c.h3, [lng, lat])
    }
  }

  /** Hands the current state to deck.gl (when it is loaded). */
  const draw = () => {
    deckNow?.render({ cells: loaded?.cells ?? [], show: { h3: layers.has('h3') }, stops, outline: map.getZoom() >= 11 })
  }

  /** The loaded cells as the heatmap's and clusters' points (once per answer). */
  const setPoints = (cells: readonly CellCount[]) => {
    const source = map.getSource<GeoJSONSource>(SOURCES.cells)
    // track() handles a failed setData (it only leaves the busy set); nothing else waits for it.
    if (source) void track(source.setData(cellPoints(cells, (h3) => centres.get(h3) ?? [0, 0])))
  }

  /** Loads what the view needs, if the loaded data does not cover it. */
  const refresh = () => {
    const zoom = map.getZoom()
    if (!needsCells(layers, zoom)) {
      draw()
      return
    }
    if (layers.has('h3')) void ensureDeck().then(draw)
    const want: CellsRequest = { res: resolutionForZoom(zoom), bbox: viewBox(), query }
    if (covers(loaded?.req ?? null, want)) {
      updateLegend()
      draw()
      return
    }
    if (inflight && covers(inflight.req, want)) return
    inflight?.abort.abort()
    const req: CellsRequest = { ...want, bbox: padBox(want.bbox, 0.5) }
    const abort = new AbortController()
    const done = track(
      (async () => {
        try {
          const body = parseCells(await getJson(cellsUrl(req), abort.signal))
          await fillCentres(body.cells)
          if (abort.signal.aborted) return
          loaded = { req, cells: body.cells }
          performance.mark('onemap:cells-loaded')
          setPoints(body.cells)
          legendKey = ''
          updateLegend()
          if (layers.has('h3')) await ensureDeck()
          draw()
        } catch (err) {
          if (!abort.signal.aborted) console.warn('cells', err)
        } finally {
          if (inflight?.abort === abort) inflight = null
        }
      })(),
    )
    inflight = { req, abort, done }
  }

  map.on('moveend', refresh)
  void opts.styleLoaded.then(refresh)
  // deck.gl's code (~0.8 MB) starts loading now if the page opens with the hexagons on, while
  // MapLibre parses its style, rather than after it.
  if (layers.has('h3')) void ensureDeck()

  return {
    setLayers(next) {
      layers = new Set(next)
      legendKey = ''
      refresh()
    },
    setQuery(next) {
      if (next === query) return
      query = next
      refresh()
    },
    busy: () => pending.size > 0,
    async settled() {
      while (pending.size > 0) await Promise.allSettled([...pending])
      if (deckNow && layers.has('h3')) await deckNow.loaded
    },
    // Hit tests on the CPU instead of deck.gl's picking pass: a hexagon hit is the cell holding
    // the point (h3-js, exact), a cluster hit a point inside its circle; both need no extra
    // render under software WebGL, and neither can miss a cell drawn from the loaded data.
    pickCell(point, from) {
      if (!loaded || !h3) return null
      const [x, y] = Array.isArray(point) ? (point as [number, number]) : [(point as { x: number }).x, (point as { y: number }).y]
      if (from === 'h3') {
        const { lat, lng } = map.unproject([x, y])
        const cell = h3.latLngToCell(lat, lng, loaded.req.res)
        return loaded.cells.some((c) => c.h3 === cell) ? cell : null
      }
      // The clusters layer ends where the incident points begin (style.ts).
      if (map.getZoom() >= CLUSTER_MAXZOOM) return null
      const projected = loaded.cells.map((c) => {
        const p = map.project(centres.get(c.h3) ?? [0, 0])
        return { ...c, x: p.x, y: p.y }
      })
      return clusterAt({ x, y }, projected)
    },
    cells: () => loaded?.cells ?? [],
    centre: (h3) => centres.get(h3) ?? [0, 0],
  }
}
