import 'maplibre-gl/dist/maplibre-gl.css'
import './styles.css'
import './map/worker.ts'

import type { Map as MapLibreMap } from 'maplibre-gl'

import { MeResponseSchema } from '../../server/shared/api.ts'
import { addDays, shanghaiDay } from '../../server/shared/time.ts'
import { getJson } from './api/client.ts'
import { type AreaDetail, fetchArea, fetchAreaStats, fetchCategories, fetchIndicators } from './api/map-api.ts'
import { onLangChange, t } from './i18n/i18n.ts'
import type { CellCount } from './map/cells.ts'
import { clickAction } from './map/click.ts'
import { createOneMap, DRILL_PADDING, type FocusArea, type Hit, type OneMap, VIEW_PADDING } from './map/onemap.ts'
import { type Bbox, queryString, tileQuery } from './state/query.ts'
import { defaultRange } from './state/time.ts'
import { type AppState, decodeState, encodeState } from './state/url.ts'
import { mountCategoriesPanel } from './ui/categories-panel.ts'
import { byId } from './ui/dom.ts'
import { mountExport } from './ui/export.ts'
import { mountHeader } from './ui/header.ts'
import { mountInspector } from './ui/inspector.ts'
import { mountLayersPanel } from './ui/layers-panel.ts'
import { mountAreaPanel } from './ui/panel.ts'
import { mountSearch, zoomForLevel } from './ui/search.ts'
import { mountStatus } from './ui/status.ts'
import { mountTimeBar } from './ui/timebar.ts'

declare global {
  interface Window {
    /**
     * For tests, benchmarks and debugging: the map, a promise that resolves once the boundaries are
     * drawn, the page state, and `settled()`: resolves when every visible layer's data is in and drawn.
     */
    __onemap?: {
      map: MapLibreMap
      ready: Promise<void>
      state(): AppState
      settled(): Promise<void>
      cells(): readonly CellCount[]
      cellCentre(h3: string): [number, number]
      hitsAt(x: number, y: number): Hit[]
    }
  }
}

const status = mountStatus(byId('status'))
const header = mountHeader()

let loadState: { kind: 'loading' } | { kind: 'ready' } | { kind: 'failed'; key: 'app.loadFailed' | 'app.noWebgl'; detail?: string } = {
  kind: 'loading',
}
const renderStatus = () => {
  if (loadState.kind === 'loading') status.loading(t('app.loading'))
  else if (loadState.kind === 'failed') status.error(t(loadState.key), loadState.detail)
  else status.clear()
}
onLangChange(renderStatus)

const message = (err: unknown) => (err instanceof Error ? err.message : String(err))

/** The district's bbox (from /api/config), or a scoped user's areas', to fly back to from a drilled-down area. */
let districtBbox: [number, number, number, number] | null = null

const today = shanghaiDay(new Date())
// The histogram shows the last year; a link to an older period widens it.
let state = decodeState(location.hash, { range: defaultRange(today) })
/** A link with a view keeps it; one without flies to its area (if any). */
const openedWithView = state.view !== null
const domain = { from: state.filters.from < addDays(today, -364) ? state.filters.from : addDays(today, -364), to: addDays(today, 1) }

/** Writes the state to the URL without adding history entries (a link always holds the latest view). */
function writeUrl(): void {
  const hash = encodeState(state)
  if (location.hash !== hash) history.replaceState(null, '', `${location.pathname}${location.search}${hash}`)
}

/** Area panels loading: `settled()` waits for them. */
const pending = new Set<Promise<unknown>>()
function track<T>(p: Promise<T>): Promise<T> {
  pending.add(p)
  void p.finally(() => pending.delete(p)).catch(() => {})
  return p
}

try {
  const onemap: OneMap = createOneMap(byId('map'), {
    view: state.view,
    layers: state.layers,
    tileQuery: tileQuery(state.filters),
    onConfig: (config) => {
      districtBbox = config.scope?.bbox ?? config.district.bbox
      header.setDistrict(config.district.code, config.district.name)
      if (config.basemapTileUrl) header.enableBasemapToggle((on) => onemap.setBasemapVisible(on))
      // Who is logged in (anonymous access, where configured, has no session to end).
      void getJson('/api/auth/me').then(
        (body) => {
          const me = MeResponseSchema.safeParse(body)
          if (me.success && me.data.method !== 'anonymous')
            header.showUser(me.data.user.displayName || me.data.user.username, me.data.csrfToken)
        },
        () => undefined,
      )
    },
    onH3Legend: (stops) => layersPanel.setH3Legend(stops),
  })
  const map = onemap.map

  const layersPanel = mountLayersPanel(byId('layers-panel'), state.layers, (layers) => update({ layers }))
  layersPanel.setPeriod(state.filters, today)
  const exportLinks = mountExport(byId('export'))
  const inspector = mountInspector(byId('inspector'), {
    onClose: () => update({ selection: null }),
    onShape: (g) => onemap.setSelectionShape(g),
    onSelect: (selection) => update({ selection }),
    onArea: (code) => drillTo(code),
  })
  const areaPanel = mountAreaPanel(byId('area-panel'), (code) => drillTo(code))
  const timebar = mountTimeBar(byId('timebar'), domain, state.filters, (r) => update({ filters: { ...state.filters, ...r } }))
  mountSearch(byId('search'), (r) => {
    if (!r || r.lng === null || r.lat === null) {
      onemap.setSearchResult(null, '')
      return
    }
    onemap.setSearchResult([r.lng, r.lat], r.address ?? '')
    map.flyTo({ center: [r.lng, r.lat], zoom: zoomForLevel(r.level), duration: 1200 })
  })

  const bbox = (): Bbox => {
    const b = map.getBounds()
    return [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()]
  }

  // Categories arrive once; the panel mounts then.
  fetchCategories().then(
    (catalogue) => {
      const panel = mountCategoriesPanel(byId('categories-panel'), catalogue, state.filters.categories, (codes) =>
        update({ filters: { ...state.filters, categories: codes } }),
      )
      onCategoriesChanged = (codes) => panel.setSelected(codes)
    },
    (err: unknown) => console.warn('categories', err),
  )
  let onCategoriesChanged: (codes: string[]) => void = () => {}

  /** The drilled-down area's details, and its ancestors' (for breadcrumbs), cached. */
  const areas = new Map<string, Promise<AreaDetail>>()
  const area = (code: string) => {
    let p = areas.get(code)
    if (!p) {
      p = fetchArea(code)
      p.catch(() => areas.delete(code))
      areas.set(code, p)
    }
    return p
  }
  /** Codes nest (6 district, 9 town, 12 village, 15 grid digits): the ancestors are prefixes. */
  const trailCodes = (code: string) => [6, 9, 12, 15, 18].filter((n) => n <= code.length).map((n) => code.slice(0, n))

  let areaRequest = 0
  /** Shows the drilled-down area: mask, outline, panel (with stats and indicators for the period). */
  const showArea = async (fly: boolean) => {
    const code = state.filters.area
    const mine = ++areaRequest
    if (!code) {
      onemap.setFocus(null)
      areaPanel.hide()
      if (fly && districtBbox) {
        const [w, s, e, n] = districtBbox
        map.fitBounds(
          [
            [w, s],
            [e, n],
          ],
          { padding: VIEW_PADDING, duration: 800 },
        )
      }
      return
    }
    const detail = await area(code)
    if (mine !== areaRequest) return
    const focus: FocusArea = {
      level: detail.level,
      code,
      town: code.length >= 9 ? code.slice(0, 9) : null,
      village: code.length >= 12 ? code.slice(0, 12) : null,
    }
    onemap.setFocus(focus)
    if (fly) {
      const [w, s, e, n] = detail.bbox
      map.fitBounds(
        [
          [w, s],
          [e, n],
        ],
        { padding: DRILL_PADDING, duration: 800, maxZoom: 16 },
      )
    }
    const trail = await Promise.all(
      trailCodes(code).map(async (c) => {
        const a = await area(c)
        return { code: a.code, name: a.name }
      }),
    )
    const period = queryString({ from: state.filters.from, to: state.filters.to })
    const [stats, indicators] = await Promise.all([
      fetchAreaStats(code, period).catch(() => null),
      detail.level === 'town' || detail.level === 'village'
        ? fetchIndicators(queryString({ level: detail.level, area: code, month: state.filters.from.slice(0, 7) })).catch(() => null)
        : Promise.resolve(null),
    ])
    if (mine !== areaRequest) return
    areaPanel.show({ area: detail, trail, stats, indicators })
  }

  /** Drills to an area (null: back to the whole district). */
  const drillTo = (code: string | null) => update({ filters: { ...state.filters, area: code }, selection: null })

  /** Applies a change to the state: URL, map, panels. */
  function update(patch: Partial<AppState>, opts: { fly?: boolean } = { fly: true }): void {
    const prev = state
    state = { ...state, ...patch }
    writeUrl()
    if (patch.layers) {
      onemap.setLayers(state.layers)
      layersPanel.setLayers(state.layers)
    }
    if (patch.filters) {
      const f = state.filters
      const p = prev.filters
      if (tileQuery(f) !== tileQuery(p)) onemap.setTileQuery(tileQuery(f))
      timebar.setFilters(f)
      layersPanel.setPeriod(f, shanghaiDay(new Date()))
      if (f.categories.join() !== p.categories.join()) onCategoriesChanged(f.categories)
      if (f.area !== p.area) {
        void track(showArea(opts.fly ?? true)).catch((err: unknown) => console.warn('area', err))
      } else if (f.area && (f.from !== p.from || f.to !== p.to)) {
        void track(showArea(false)).catch((err: unknown) => console.warn('area', err))
      }
      exportLinks.update(f, bbox())
    }
    if ('selection' in patch) {
      if (state.selection) inspector.show(state.selection, state.filters)
      else inspector.hide()
    } else if (patch.filters && (state.selection?.kind === 'cell' || state.selection?.kind === 'incident')) {
      // A cell's counts and an incident's stack (the others at its spot) are counted in the filters.
      inspector.show(state.selection, state.filters)
    }
  }

  map.on('moveend', () => {
    const c = map.getCenter()
    state = { ...state, view: { zoom: map.getZoom(), lat: c.lat, lng: c.lng } }
    writeUrl()
    exportLinks.update(state.filters, bbox())
  })

  /**
   * A click: a point, cluster, warning or H3 hexagon opens the inspector; elsewhere it drills into
   * the area under it (a town first, then its villages, then their grids). See click.ts.
   */
  map.on('click', (e) => {
    const action = clickAction(onemap.hitsAt(e.point), state.filters.area)
    if (action.kind === 'select') update({ selection: action.selection })
    else if (action.kind === 'drill') drillTo(action.code)
  })

  // A hash edited by hand or by another script (not ours: ours always matches the state) is applied.
  addEventListener('hashchange', () => {
    if (location.hash === encodeState(state)) return
    const next = decodeState(location.hash, { range: defaultRange(today) })
    if (next.view) map.jumpTo({ center: [next.view.lng, next.view.lat], zoom: next.view.zoom })
    const flyToArea = !next.view && next.filters.area !== state.filters.area
    update({ layers: next.layers, filters: next.filters, selection: next.selection }, { fly: flyToArea })
  })

  window.__onemap = {
    map,
    ready: onemap.ready,
    state: () => state,
    cells: () => onemap.cells(),
    cellCentre: (h3) => onemap.cellCentre(h3),
    hitsAt: (x, y) => onemap.hitsAt([x, y]),
    async settled() {
      await onemap.ready
      while (pending.size > 0) await Promise.allSettled([...pending])
      await onemap.whenIdle()
    },
  }

  // Start: the drilled-down area and selection from the URL.
  void onemap.ready.then(() => {
    exportLinks.update(state.filters, bbox())
    if (state.filters.area) void track(showArea(!openedWithView)).catch((err: unknown) => console.warn('area', err))
    if (state.selection) inspector.show(state.selection, state.filters)
    writeUrl()
  })
  onemap.ready.then(
    () => {
      loadState = { kind: 'ready' }
      renderStatus()
    },
    (err: unknown) => {
      loadState = { kind: 'failed', key: 'app.loadFailed', detail: message(err) }
      renderStatus()
      console.error('OneMap failed to load', err)
    },
  )
} catch (err) {
  // The Map constructor throws when the browser cannot create a WebGL context.
  loadState = { kind: 'failed', key: 'app.noWebgl' }
  renderStatus()
  console.error(err)
}
