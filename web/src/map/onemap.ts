import {
  AttributionControl,
  Map as MapLibreMap,
  NavigationControl,
  ScaleControl,
  type GeoJSONSource,
  type IControl,
  type MapGeoJSONFeature,
  type MapMouseEvent,
} from 'maplibre-gl'
import { fetchBoundaries, fetchConfig, fetchLabels } from '../api/client.ts'
import {
  BOUNDARY_LEVELS,
  LABEL_LEVELS,
  type AppConfig,
  type AreaProperties,
  type BoundaryCollection,
} from '../api/types.ts'
import { getLang, onLangChange, t } from '../i18n/i18n.ts'
import type { Lang } from '../i18n/strings.ts'
import { withTownColours } from './colors.ts'
import { hashHasView } from './hash.ts'
import { mapLocale } from './locale.ts'
import {
  BASEMAP_SOURCE,
  LAYERS,
  LOCAL_IDEOGRAPH_FONT_FAMILY,
  basemapLayer,
  boundarySourceId,
  buildStyle,
  labelSourceId,
} from './style.ts'

/** A rough view of Xiaoshan until `/api/config` gives the district's bbox. */
const INITIAL_VIEW = { center: [120.35, 30.17] as [number, number], zoom: 9.5 }

export interface OneMapCallbacks {
  /** A town was clicked (its properties), or the selection was cleared (null). */
  onSelect?(area: AreaProperties | null): void
  /** `/api/config` arrived. */
  onConfig?(config: AppConfig): void
}

export interface OneMap {
  map: MapLibreMap
  /** Resolves when every boundary source is loaded and the map is idle; rejects if loading failed. */
  ready: Promise<void>
  /** Shows or hides the external basemap (no-op when none is configured). */
  setBasemapVisible(visible: boolean): void
  /** Clears the clicked town. */
  clearSelection(): void
}

/** Resolves after the next frame in which everything is loaded and no animation runs. */
function whenIdle(map: MapLibreMap): Promise<void> {
  const idle = map.once('idle').then(() => undefined)
  map.triggerRepaint()
  return idle
}

function addControls(map: MapLibreMap, lang: Lang): IControl[] {
  const controls = [
    new NavigationControl({ showCompass: false }),
    new ScaleControl({ unit: 'metric' }),
    new AttributionControl({ compact: true, customAttribution: t('attribution.synthetic', lang) }),
  ]
  map.addControl(controls[0]!, 'top-right')
  map.addControl(controls[1]!, 'bottom-left')
  map.addControl(controls[2]!, 'bottom-right')
  return controls
}

/** Creates the district map in `container` and starts loading the boundaries. Throws if WebGL is unavailable. */
export function createOneMap(container: HTMLElement, callbacks: OneMapCallbacks = {}): OneMap {
  const startedWithView = hashHasView(location.hash)
  // Place names are Chinese whatever the UI language: MapLibre shapes CJK glyphs for this `lang`.
  container.lang = 'zh-CN'

  const map = new MapLibreMap({
    container,
    style: buildStyle(),
    center: INITIAL_VIEW.center,
    zoom: INITIAL_VIEW.zoom,
    minZoom: 6,
    maxZoom: 18,
    hash: true,
    attributionControl: false,
    localIdeographFontFamily: LOCAL_IDEOGRAPH_FONT_FAMILY,
    locale: mapLocale(getLang()),
    dragRotate: false,
    pitchWithRotate: false,
  })
  map.touchZoomRotate.disableRotation()

  // Controls carry their language from the map's locale: rebuild them when the language changes.
  let controls: IControl[] = []
  onLangChange((lang) => {
    for (const c of controls) map.removeControl(c)
    map._locale = { ...map._locale, ...mapLocale(lang) }
    map.getCanvas().setAttribute('aria-label', map._getUIString('Map.Title'))
    controls = addControls(map, lang)
  })

  const towns = new Map<string, AreaProperties>()
  let hoveredCode: string | null = null
  let selectedCode: string | null = null
  let hasBasemap = false

  const townState = (code: string, state: Record<string, boolean>) =>
    map.setFeatureState({ source: boundarySourceId('town'), id: code }, state)

  const select = (code: string | null) => {
    if (selectedCode === code) return
    if (selectedCode !== null) townState(selectedCode, { selected: false })
    selectedCode = code
    if (code !== null) townState(code, { selected: true })
    callbacks.onSelect?.(code === null ? null : (towns.get(code) ?? null))
  }

  const featureCode = (f: MapGeoJSONFeature | undefined): string | null => {
    const code = f?.properties?.code ?? f?.id
    return code === undefined || code === null ? null : String(code)
  }

  map.on('mousemove', LAYERS.townFill, (e) => {
    const code = featureCode(e.features?.[0])
    if (code === hoveredCode) return
    if (hoveredCode !== null) townState(hoveredCode, { hover: false })
    hoveredCode = code
    if (code !== null) townState(code, { hover: true })
    map.getCanvas().style.cursor = code === null ? '' : 'pointer'
  })
  map.on('mouseleave', LAYERS.townFill, () => {
    if (hoveredCode !== null) townState(hoveredCode, { hover: false })
    hoveredCode = null
    map.getCanvas().style.cursor = ''
  })
  map.on('click', (e: MapMouseEvent) => {
    const [hit] = map.queryRenderedFeatures(e.point, { layers: [LAYERS.townFill] })
    select(featureCode(hit))
  })

  // The style is parsed on the next frame: sources can take data from then on, without waiting
  // for the first full render ('load').
  const styleLoaded = map.once('style.load')

  const ready = (async () => {
    // Start every request at once; the style must be loaded before sources take data.
    const config = fetchConfig()
    const boundaries = Promise.all(BOUNDARY_LEVELS.map(async (level) => [level, await fetchBoundaries(level)] as const))
    const labels = Promise.all(LABEL_LEVELS.map(async (level) => [level, await fetchLabels(level)] as const))
    // Keep early failures from being reported as unhandled before they are awaited below.
    for (const p of [config, boundaries, labels]) p.catch(() => {})

    await styleLoaded
    performance.mark('onemap:style-loaded')

    const cfg = await config
    callbacks.onConfig?.(cfg)
    if (!startedWithView) {
      const [w, s, e, n] = cfg.district.bbox
      map.fitBounds([[w, s], [e, n]], { padding: 40, animate: false })
    }
    if (cfg.basemapTileUrl) {
      map.addSource(BASEMAP_SOURCE, { type: 'raster', tiles: [cfg.basemapTileUrl], tileSize: 256 })
      map.addLayer(basemapLayer(), LAYERS.townFill)
      hasBasemap = true
    }

    const boundaryData = await boundaries
    const labelData = await labels
    performance.mark('onemap:data-fetched')
    const updates: Promise<void>[] = []
    for (const [level, data] of boundaryData) {
      if (level === 'town') {
        withTownColours(data as BoundaryCollection)
        for (const f of data.features) if (f.properties) towns.set(String(f.properties.code), f.properties)
      }
      updates.push(map.getSource<GeoJSONSource>(boundarySourceId(level))!.setData(data))
    }
    for (const [level, data] of labelData) {
      updates.push(map.getSource<GeoJSONSource>(labelSourceId(level))!.setData(data))
    }
    await Promise.all(updates)
    performance.mark('onemap:sources-set')
    await whenIdle(map)
    performance.mark('onemap:ready')
  })()

  return {
    map,
    ready,
    setBasemapVisible(visible) {
      if (hasBasemap) map.setLayoutProperty(LAYERS.basemap, 'visibility', visible ? 'visible' : 'none')
    },
    clearSelection() {
      select(null)
    },
  }
}
