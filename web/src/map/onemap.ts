import {
  AttributionControl,
  type FilterSpecification,
  type GeoJSONSource,
  type IControl,
  Map as MapLibreMap,
  type MapGeoJSONFeature,
  NavigationControl,
  type PointLike,
  ScaleControl,
  type VectorTileSource,
} from 'maplibre-gl'

import { fetchBoundaries, fetchConfig, fetchLabels } from '../api/client.ts'
import type { AppConfig, AreaProperties, BoundaryCollection } from '../api/types.ts'
import { getLang, onLangChange, t } from '../i18n/i18n.ts'
import type { Lang } from '../i18n/strings.ts'
import type { LayerId, View } from '../state/url.ts'
import { createCellLayers } from './cell-layers.ts'
import type { CellCount } from './cells.ts'
import type { Hit } from './click.ts'
import { withTownColours } from './colors.ts'
import { layoutPadding } from './layout.ts'
import type { LegendStop } from './legend.ts'
import { mapLocale } from './locale.ts'
import { withoutSky } from './sky.ts'
import {
  areaSource,
  BASEMAP_SOURCE,
  basemapLayer,
  boundarySourceId,
  buildStyle,
  COLORS,
  DECK_PLACEMENT,
  focusLineLayer,
  labelSourceId,
  LAYER_GROUPS,
  LAYERS,
  LOCAL_IDEOGRAPH_FONT_FAMILY,
  SOURCES,
  tileUrl,
} from './style.ts'

/** Room the panels take around the map (left: layers, bottom: time bar, right: area and inspector). */
export const VIEW_PADDING = { top: 24, bottom: 140, left: 260, right: 60 }
export const DRILL_PADDING = { top: 40, bottom: 150, left: 270, right: 330 }

/** A rough view of China until `/api/config` gives the district's home view or bbox. */
const INITIAL_VIEW = { center: [110, 32] as [number, number], zoom: 3 }

export type { Hit } from './click.ts'

export interface OneMapOptions {
  /** The view to open at (from the URL); null fits the district. */
  view: View | null
  layers: readonly LayerId[]
  tileQuery: string
  /** `/api/config` arrived. */
  onConfig?(config: AppConfig): void
  /** The H3 legend's breaks changed (they follow the counts in view). */
  onH3Legend?(stops: LegendStop[]): void
}

/** The drilled-down area, as the mask and outline need it. */
export interface FocusArea {
  level: 'district' | 'town' | 'village' | 'grid' | 'microgrid'
  code: string
  /** Codes of the town and village it lies in (itself included), for the masks. */
  town: string | null
  village: string | null
}

export interface OneMap {
  map: MapLibreMap
  /** Resolves when the boundaries are drawn and the map is idle; rejects if loading failed. */
  ready: Promise<void>
  setBasemapVisible(visible: boolean): void
  setLayers(layers: readonly LayerId[]): void
  /** New incident filters for the incident points and the cell layers (`?from=…&area=…`). */
  setTileQuery(query: string): void
  /** The H3 cell counts the deck.gl layers draw (for tests). */
  cells(): readonly CellCount[]
  /** A loaded cell's centre [lng, lat] (for tests). */
  cellCentre(h3: string): [number, number]
  setFocus(area: FocusArea | null): void
  setSelectionShape(geometry: GeoJSON.Geometry | null): void
  setSearchResult(point: [number, number] | null, label: string): void
  /** The features under a page point, most specific first. */
  hitsAt(point: PointLike): Hit[]
  /** The town features by code (from the boundaries). */
  towns: ReadonlyMap<string, AreaProperties>
  /** Resolves after the next frame in which everything is loaded and no animation runs. */
  whenIdle(): Promise<void>
}

/** Resolves after the next frame in which everything is loaded and no animation runs. */
function whenIdle(map: MapLibreMap): Promise<void> {
  const idle = map.once('idle').then(() => undefined)
  map.triggerRepaint()
  return idle
}

/** The map's controls; a district's own boundaries carry no "illustrative" note, the demo's do. */
function addControls(map: MapLibreMap, lang: Lang, illustrative: boolean): IControl[] {
  const controls = [
    new NavigationControl({ showCompass: false }),
    new ScaleControl({ unit: 'metric' }),
    new AttributionControl({ compact: true, ...(illustrative ? { customAttribution: t('attribution.synthetic', lang) } : {}) }),
  ]
  map.addControl(controls[0]!, 'bottom-right')
  map.addControl(controls[1]!, 'bottom-right')
  map.addControl(controls[2]!, 'bottom-right')
  return controls
}

/** The full view's point layers and the attribute naming the address each feature is at. */
const FULL_VIEW_POINT_LAYERS: readonly (readonly [string, string])[] = [
  [LAYERS.housePoint, 'address_id'],
  [LAYERS.devicePoint, 'address_id'],
  [LAYERS.organisationPoint, 'address_id'],
  [LAYERS.addressPoint, 'id'],
]

/** A feature's id as the API names it: `id` property first (GeoJSON and tiles alike), else the feature id. */
function featureId(f: MapGeoJSONFeature): string | null {
  const id = f.properties?.id ?? f.id
  return id === undefined || id === null ? null : String(id)
}

/** Creates the district map in `container` and starts loading the boundaries. Throws if WebGL is unavailable. */
export function createOneMap(container: HTMLElement, opts: OneMapOptions): OneMap {
  // Place names are Chinese whatever the UI language: MapLibre shapes CJK glyphs for this `lang`.
  container.lang = 'zh-CN'
  // The ground under the transparent map canvas: the page paints it, so the style needs no
  // background layer (one shader program less before the first frame).
  container.style.backgroundColor = COLORS.background
  const origin = location.origin

  const map = new MapLibreMap({
    container,
    style: buildStyle({ origin, tileQuery: opts.tileQuery }),
    center: opts.view ? [opts.view.lng, opts.view.lat] : INITIAL_VIEW.center,
    zoom: opts.view ? opts.view.zoom : INITIAL_VIEW.zoom,
    minZoom: 6,
    maxZoom: 18,
    attributionControl: false,
    localIdeographFontFamily: LOCAL_IDEOGRAPH_FONT_FAMILY,
    locale: mapLocale(getLang()),
    dragRotate: false,
    pitchWithRotate: false,
    fadeDuration: 0,
  })
  map.touchZoomRotate.disableRotation()
  withoutSky(map)
  // Every fit and fly reads the paddings: they follow the layout the screen's width gives.
  const fitPaddings = () => {
    const p = layoutPadding(container.clientWidth)
    Object.assign(VIEW_PADDING, p.view)
    Object.assign(DRILL_PADDING, p.drill)
  }
  fitPaddings()
  map.on('resize', fitPaddings)

  // Controls carry their language from the map's locale: rebuild them when the language changes.
  let controls: IControl[] = []
  let illustrative = false
  let currentLang: Lang | null = null
  const rebuildControls = () => {
    for (const c of controls) map.removeControl(c)
    controls = currentLang ? addControls(map, currentLang, illustrative) : []
  }
  onLangChange((lang) => {
    currentLang = lang
    map._locale = { ...map._locale, ...mapLocale(lang) }
    map.getCanvas().setAttribute('aria-label', map._getUIString('Map.Title'))
    rebuildControls()
  })

  const towns = new Map<string, AreaProperties>()
  let hoveredCode: string | null = null
  let selectedTown: string | null = null
  let hasBasemap = false
  let layers: readonly LayerId[] = opts.layers

  const townState = (code: string, state: Record<string, boolean>) =>
    map.setFeatureState({ source: boundarySourceId('town'), id: code }, state)

  // Town hover: queried by hand, and not while a button is down, so a drag does not pay a
  // feature query per mouse move.
  const setHovered = (next: string | null) => {
    if (next === hoveredCode) return
    if (hoveredCode !== null) townState(hoveredCode, { hover: false })
    hoveredCode = next
    if (next !== null) townState(next, { hover: true })
  }
  map.on('mousemove', (e) => {
    if (e.originalEvent.buttons !== 0 || !map.getLayer(LAYERS.townFill)) return
    const code = map.queryRenderedFeatures(e.point, { layers: [LAYERS.townFill] })[0]?.properties?.code
    setHovered(code === undefined || code === null ? null : String(code))
  })
  map.getCanvas().addEventListener('mouseleave', () => setHovered(null))
  // A pointer over anything clickable.
  const clickable = [
    LAYERS.incidentPoint,
    LAYERS.hazardPoint,
    LAYERS.taskPoint,
    LAYERS.warningPoint,
    ...FULL_VIEW_POINT_LAYERS.map(([layer]) => layer),
  ]
  for (const id of clickable) {
    map.on('mouseenter', id, () => (map.getCanvas().style.cursor = 'pointer'))
    map.on('mouseleave', id, () => (map.getCanvas().style.cursor = ''))
  }

  /** Applies the visible layer set to every style layer of every group. */
  const applyLayers = () => {
    const on = new Set(layers)
    for (const [group, ids] of Object.entries(LAYER_GROUPS) as [LayerId, readonly string[]][]) {
      for (const id of ids) if (map.getLayer(id)) map.setLayoutProperty(id, 'visibility', on.has(group) ? 'visible' : 'none')
    }
  }

  const styleLoaded = map.once('style.load')

  // Cell counts for the H3 hexagons (deck.gl, loaded when first shown), the heatmap and the incident clusters.
  const cellLayers = createCellLayers(map, {
    layers: opts.layers,
    query: opts.tileQuery,
    place: DECK_PLACEMENT,
    styleLoaded,
    onLegend: (stops) => opts.onH3Legend?.(stops),
  })

  const ready = (async () => {
    const config = fetchConfig()
    const district = fetchBoundaries('district')
    const town = fetchBoundaries('town')
    const townLabels = fetchLabels('town')
    for (const p of [config, district, town, townLabels]) p.catch(() => {})

    await styleLoaded
    applyLayers()
    performance.mark('onemap:style-loaded')

    const cfg = await config
    opts.onConfig?.(cfg)
    if (cfg.district.illustrative !== illustrative) {
      illustrative = cfg.district.illustrative
      rebuildControls()
    }
    // A town officer's or grid worker's map opens on their own areas; everyone else's on the district.
    if (!opts.view && cfg.scope?.bbox) {
      const [w, s, e, n] = cfg.scope.bbox
      map.fitBounds(
        [
          [w, s],
          [e, n],
        ],
        { padding: VIEW_PADDING, animate: false },
      )
    } else if (!opts.view && cfg.home) map.jumpTo({ center: cfg.home.center, zoom: cfg.home.zoom })
    else if (!opts.view) {
      const [w, s, e, n] = cfg.district.bbox
      map.fitBounds(
        [
          [w, s],
          [e, n],
        ],
        { padding: VIEW_PADDING, animate: false },
      )
    }
    if (cfg.basemapTileUrl) {
      map.addSource(BASEMAP_SOURCE, { type: 'raster', tiles: [cfg.basemapTileUrl], tileSize: 256 })
      map.addLayer(basemapLayer(), LAYERS.townFill)
      hasBasemap = true
    }

    const townData = withTownColours((await town) as BoundaryCollection)
    for (const f of townData.features) if (f.properties) towns.set(String(f.properties.code), f.properties)
    await Promise.all([
      map.getSource<GeoJSONSource>(boundarySourceId('district'))!.setData(await district),
      map.getSource<GeoJSONSource>(boundarySourceId('town'))!.setData(townData),
      map.getSource<GeoJSONSource>(labelSourceId('town'))!.setData(await townLabels),
    ])
    performance.mark('onemap:sources-set')
    await whenIdle(map)
    performance.mark('onemap:ready')
  })()

  const setFilter = (id: string, filter: FilterSpecification) => map.setFilter(id, filter)
  const none: FilterSpecification = ['==', ['get', 'code'], '']

  return {
    map,
    ready,
    towns,
    whenIdle: async () => {
      // A camera still moving asks for its cells only at 'moveend', while the map waits to go
      // idle: go round again until no cell request started during the wait.
      do {
        await cellLayers.settled()
        await whenIdle(map)
      } while (cellLayers.busy())
    },
    cells: () => cellLayers.cells(),
    cellCentre: (h3) => cellLayers.centre(h3),
    setBasemapVisible(visible) {
      if (hasBasemap) map.setLayoutProperty(LAYERS.basemap, 'visibility', visible ? 'visible' : 'none')
    },
    setLayers(next) {
      layers = next
      cellLayers.setLayers(next)
      if (map.isStyleLoaded()) applyLayers()
      else void styleLoaded.then(applyLayers)
    },
    setTileQuery(query) {
      map.getSource<VectorTileSource>(SOURCES.incidents)?.setTiles([tileUrl(origin, 'incidents', query)])
      cellLayers.setQuery(query)
    },
    setFocus(area) {
      const town = area?.town ?? null
      if (selectedTown !== town) {
        if (selectedTown) townState(selectedTown, { selected: false })
        if (town) townState(town, { selected: true })
        selectedTown = town
      }
      const deep = area && area.level !== 'town' && area.level !== 'district'
      setFilter(LAYERS.maskTown, town ? ['!=', ['get', 'code'], town] : none)
      setFilter(LAYERS.maskVillage, deep && area.village ? ['!=', ['get', 'code'], area.village] : none)
      setFilter(
        LAYERS.maskGrid,
        deep && area.level !== 'village'
          ? ['all', ['==', ['get', 'parent'], area.village ?? ''], ['!=', ['get', 'code'], area.code]]
          : none,
      )
      // The outline of a village or grid (towns have their own highlight layer).
      const level = area?.level === 'grid' ? 'grid' : 'village'
      const spec = map.getLayer(LAYERS.focusLine)
      const source = areaSource(level)
      if (spec && spec.sourceLayer !== source.sourceLayer) {
        const before = map.getStyle().layers.map((l) => l.id)
        const next = before[before.indexOf(LAYERS.focusLine) + 1]
        map.removeLayer(LAYERS.focusLine)
        map.addLayer(focusLineLayer(source), next)
      }
      setFilter(LAYERS.focusLine, deep ? ['==', ['get', 'code'], area.code] : none)
    },
    setSelectionShape(geometry) {
      const data: GeoJSON.FeatureCollection = {
        type: 'FeatureCollection',
        features: geometry ? [{ type: 'Feature', geometry, properties: {} }] : [],
      }
      void map.getSource<GeoJSONSource>(SOURCES.selection)?.setData(data)
    },
    setSearchResult(point, label) {
      const data: GeoJSON.FeatureCollection = {
        type: 'FeatureCollection',
        features: point ? [{ type: 'Feature', geometry: { type: 'Point', coordinates: point }, properties: { label } }] : [],
      }
      void map.getSource<GeoJSONSource>(SOURCES.search)?.setData(data)
    },
    hitsAt(point) {
      const visible = (id: string) => map.getLayer(id) && map.getLayoutProperty(id, 'visibility') !== 'none'
      const query = (ids: string[]) => map.queryRenderedFeatures(point, { layers: ids.filter(visible) })
      const hits: Hit[] = []
      const pointLayers: [string, 'incident' | 'hazard' | 'task' | 'warning'][] = [
        [LAYERS.incidentPoint, 'incident'],
        [LAYERS.hazardPoint, 'hazard'],
        [LAYERS.taskPoint, 'task'],
        [LAYERS.warningPoint, 'warning'],
      ]
      for (const [layer, kind] of pointLayers) {
        for (const f of query([layer])) {
          const id = featureId(f)
          if (id) hits.push({ kind, id })
        }
      }
      // A house, organisation or device opens its address's full view; so does an address point.
      for (const [layer, prop] of FULL_VIEW_POINT_LAYERS) {
        for (const f of query([layer])) {
          const id = f.properties?.[prop]
          if (id !== undefined && id !== null && id !== '') hits.push({ kind: 'address', id: String(id) })
        }
      }
      const cluster = layers.includes('incidents') ? cellLayers.pickCell(point, 'clusters') : null
      if (cluster) hits.push({ kind: 'cell', id: cluster })
      for (const f of query([LAYERS.hotspotFill, LAYERS.warningFill])) {
        const id = featureId(f)
        if (id) hits.push({ kind: 'warning', id })
      }
      // The hexagon drawn under the click, before the areas beneath it (click.ts).
      const cell = layers.includes('h3') ? cellLayers.pickCell(point, 'h3') : null
      if (cell) hits.push({ kind: 'cell', id: cell })
      for (const [layer, level] of [
        [LAYERS.gridHit, 'grid'],
        [LAYERS.villageHit, 'village'],
        [LAYERS.townFill, 'town'],
      ] as const) {
        const f = query([layer])[0]
        if (f?.properties?.code) hits.push({ kind: 'area', level, code: String(f.properties.code) })
      }
      return hits
    },
  }
}
