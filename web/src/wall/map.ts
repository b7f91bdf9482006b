/**
 * The wall's map: our own town tiles in a dark style (no glyphs URL: labels are drawn from local
 * CJK fonts), the district outline, open warnings, and flashes where new incidents land. No
 * interaction; the focus rotation flies it from town to town.
 */
import type { Feature, FeatureCollection, Geometry, Point } from 'geojson'
import {
  type ExpressionSpecification,
  type GeoJSONSource,
  type LayerSpecification,
  Map as MapLibreMap,
  Marker,
  type StyleSpecification,
  type VectorTileSource,
} from 'maplibre-gl'

import { type Colour, WALL_TOWN_TILES, type WarningFeature } from '../../../server/shared/api.ts'
import { perFeature, withAlpha } from '../map/legend.ts'
import { withoutSky } from '../map/sky.ts'
import { LABEL_FONTS, LOCAL_IDEOGRAPH_FONT_FAMILY } from '../map/style.ts'

const TOWNS = 'towns'
const TOWN_LAYER = 'towns'
const TOWN_LABEL_LAYER = 'towns_labels'
const DISTRICT = 'district'
const WARNINGS = 'warnings'
const LIVE = 'live-incidents'

/** How long a flash ring stays on the map, and how many live dots are kept. */
const FLASH_MS = 7_000
const MAX_LIVE_DOTS = 300

export const WALL_MAP_COLORS = {
  background: '#030b18',
  town: '#0b2340',
  townLine: '#2c6cb0',
  red: '#ff4d4f',
  orange: '#ff9f1a',
  yellow: '#ffd43b',
  live: '#fde047',
} as const

const empty = (): FeatureCollection => ({ type: 'FeatureCollection', features: [] })

const colourState: ExpressionSpecification = ['to-string', ['feature-state', 'colour']]
const focused: ExpressionSpecification = ['boolean', ['feature-state', 'focus'], false]
const byLevel: ExpressionSpecification = [
  'match',
  ['get', 'level'],
  'red',
  WALL_MAP_COLORS.red,
  'orange',
  WALL_MAP_COLORS.orange,
  WALL_MAP_COLORS.yellow,
]

/**
 * The dark style, all sources on this origin. Layers that fade by state carry it in their colour's
 * alpha, constant line colours are read per feature (perFeature), fills leave their edges to the
 * line layers, and the ground is the container's colour, not a background layer: each shader
 * program costs 0.1–0.3 s before the first frame under software WebGL.
 */
export function wallStyle(origin: string): StyleSpecification {
  const layers: LayerSpecification[] = [
    {
      id: 'town-fill',
      type: 'fill',
      source: TOWNS,
      'source-layer': TOWN_LAYER,
      paint: {
        // The three-colour ranking tints the towns; the others stay a deep blue.
        'fill-color': withAlpha(
          ['match', colourState, 'red', '#5a1620', 'yellow', '#4d3d0c', 'black', '#05070b', WALL_MAP_COLORS.town],
          ['case', focused, 0.98, 0.82],
        ),
        'fill-antialias': false,
      },
    },
    {
      id: 'town-line',
      type: 'line',
      source: TOWNS,
      'source-layer': TOWN_LAYER,
      layout: { 'line-join': 'round' },
      paint: { 'line-color': perFeature(WALL_MAP_COLORS.townLine), 'line-width': 1.1, 'line-opacity': 0.75 },
    },
    {
      // The ranking colour as an inner edge too, so a black-list town still reads on a dark map.
      id: 'rank-line',
      type: 'line',
      source: TOWNS,
      'source-layer': TOWN_LAYER,
      layout: { 'line-join': 'round' },
      paint: {
        'line-color': withAlpha(
          ['match', colourState, 'red', WALL_MAP_COLORS.red, 'yellow', WALL_MAP_COLORS.yellow, '#94a3b8'],
          ['match', colourState, ['red', 'yellow', 'black'], 0.9, 0],
        ),
        'line-width': 2,
        'line-offset': 1.5,
      },
    },
    {
      id: 'district-glow',
      type: 'line',
      source: DISTRICT,
      layout: { 'line-join': 'round' },
      paint: { 'line-color': perFeature('#0ea5e9'), 'line-width': 14, 'line-blur': 12, 'line-opacity': 0.55 },
    },
    {
      id: 'district-line',
      type: 'line',
      source: DISTRICT,
      layout: { 'line-join': 'round' },
      paint: { 'line-color': perFeature('#7dd3fc'), 'line-width': 2.4 },
    },
    {
      id: 'warning-fill',
      type: 'fill',
      source: WARNINGS,
      filter: ['in', ['geometry-type'], ['literal', ['Polygon', 'MultiPolygon']]],
      paint: { 'fill-color': byLevel, 'fill-opacity': 0.5, 'fill-antialias': false },
    },
    {
      id: 'warning-outline',
      type: 'line',
      source: WARNINGS,
      filter: ['in', ['geometry-type'], ['literal', ['Polygon', 'MultiPolygon']]],
      paint: { 'line-color': byLevel, 'line-width': 1.2 },
    },
    {
      id: 'focus-glow',
      type: 'line',
      source: TOWNS,
      'source-layer': TOWN_LAYER,
      layout: { 'line-join': 'round' },
      paint: { 'line-color': withAlpha('#38bdf8', ['case', focused, 0.8, 0]), 'line-width': 10, 'line-blur': 8 },
    },
    {
      id: 'focus-line',
      type: 'line',
      source: TOWNS,
      'source-layer': TOWN_LAYER,
      layout: { 'line-join': 'round' },
      paint: { 'line-color': withAlpha('#e0f2fe', ['case', focused, 1, 0]), 'line-width': 2.5 },
    },
    {
      id: 'warning-point',
      type: 'circle',
      source: WARNINGS,
      filter: ['==', ['geometry-type'], 'Point'],
      paint: {
        'circle-color': byLevel,
        'circle-radius': 6,
        'circle-stroke-color': '#ffffff',
        'circle-stroke-width': 1.2,
        'circle-opacity': 0.95,
      },
    },
    {
      id: 'live-dots',
      type: 'circle',
      source: LIVE,
      paint: {
        // Per feature, like the warning points' colour: one circle program for both, so the first
        // live incident on a wall showing point warnings compiles nothing (0.1–0.3 s of jank).
        'circle-color': perFeature(WALL_MAP_COLORS.live),
        'circle-radius': 4,
        'circle-opacity': 0.9,
        'circle-blur': 0.2,
        'circle-stroke-color': 'rgba(253,224,71,0.35)',
        'circle-stroke-width': 4,
      },
    },
    {
      id: 'town-label',
      type: 'symbol',
      source: TOWNS,
      'source-layer': TOWN_LABEL_LAYER,
      layout: {
        'text-field': ['get', 'name'],
        'text-font': LABEL_FONTS,
        'text-size': ['interpolate', ['linear'], ['zoom'], 9, 13, 12, 18],
        'text-max-width': 8,
        'text-padding': 2,
        'text-variable-anchor': ['center', 'top', 'bottom'],
        'text-radial-offset': 0.3,
      },
      paint: { 'text-color': '#cfe6ff', 'text-halo-color': 'rgba(2,8,20,0.95)', 'text-halo-width': 1.6 },
    },
  ]
  return {
    version: 8,
    name: 'onemap-wall',
    sources: {
      // Our own vector tiles (server/tiles): town polygons and label points, from z0.
      [TOWNS]: {
        type: 'vector',
        tiles: [`${origin}/tiles/${WALL_TOWN_TILES}/{z}/{x}/{y}.mvt`],
        minzoom: 0,
        maxzoom: 14,
        promoteId: { [TOWN_LAYER]: 'code' },
      },
      [DISTRICT]: { type: 'geojson', data: empty() },
      [WARNINGS]: { type: 'geojson', data: empty() },
      [LIVE]: { type: 'geojson', data: empty() },
    },
    layers,
  }
}

export interface WallMap {
  map: MapLibreMap
  /** Resolves once the style is parsed (sources take data from then on). */
  styleReady: Promise<void>
  setDistrict(outline: FeatureCollection): Promise<void>
  setWarnings(warnings: readonly WarningFeature[]): Promise<void>
  /** Tints the towns by ranking colour. */
  setColours(colours: ReadonlyMap<string, Colour | null>): void
  /** Outlines the town in focus and flies to its label point. */
  focus(code: string | null, centre: [number, number] | null, animate: boolean): void
  /** A ring where a new incident landed, and a dot that stays. */
  flash(id: number, lngLat: [number, number]): void
  /** Back to the whole district. */
  fitDistrict(bbox: [number, number, number, number], animate: boolean): void
  /** Asks for the town tiles again (after an outage some may have failed to load). */
  reloadTiles(): void
  /** Resolves after the next frame in which everything is loaded and nothing moves. */
  idle(): Promise<void>
}

/** Creates the wall map in `container`. Throws if WebGL is unavailable. */
export function createWallMap(container: HTMLElement, bbox: [number, number, number, number]): WallMap {
  container.lang = 'zh-CN'
  // The ground under the transparent map canvas (no background layer: one shader program less).
  container.style.backgroundColor = WALL_MAP_COLORS.background
  const map = new MapLibreMap({
    container,
    style: wallStyle(location.origin),
    bounds: [
      [bbox[0], bbox[1]],
      [bbox[2], bbox[3]],
    ],
    fitBoundsOptions: { padding: 40 },
    interactive: false,
    attributionControl: false,
    localIdeographFontFamily: LOCAL_IDEOGRAPH_FONT_FAMILY,
    fadeDuration: 0,
  })
  withoutSky(map)
  const styleReady = map.once('style.load').then(() => undefined)
  // Tiles fail while the server is away; that is shown as staleness, not as console errors
  // (MapLibre logs unhandled map errors with console.error).
  map.on('error', (e) => console.warn('wall map:', e.error?.message ?? e))
  let focusCode: string | null = null
  const liveDots: Feature<Point>[] = []
  const flashes = new Set<Marker>()

  const source = (id: string) => map.getSource<GeoJSONSource>(id)

  const fitDistrict = (b: [number, number, number, number], animate: boolean) =>
    map.fitBounds(
      [
        [b[0], b[1]],
        [b[2], b[3]],
      ],
      { padding: 40, animate, duration: animate ? 2500 : 0 },
    )

  return {
    map,
    styleReady,
    async setDistrict(outline) {
      await styleReady
      await source(DISTRICT)?.setData(outline)
    },
    async setWarnings(warnings) {
      await styleReady
      const fc: FeatureCollection<Geometry> = {
        type: 'FeatureCollection',
        features: warnings.map((w) => ({
          type: 'Feature',
          id: w.id,
          geometry: w.geometry as Geometry,
          properties: { level: w.properties.level, title: w.properties.title },
        })),
      }
      await source(WARNINGS)?.setData(fc)
    },
    setColours(colours) {
      for (const [code, colour] of colours) {
        map.setFeatureState({ source: TOWNS, sourceLayer: TOWN_LAYER, id: code }, { colour: colour ?? '' })
      }
    },
    focus(code, centre, animate) {
      if (focusCode !== null) map.setFeatureState({ source: TOWNS, sourceLayer: TOWN_LAYER, id: focusCode }, { focus: false })
      focusCode = code
      if (code !== null) map.setFeatureState({ source: TOWNS, sourceLayer: TOWN_LAYER, id: code }, { focus: true })
      if (centre) map.flyTo({ center: centre, zoom: 11.6, duration: animate ? 3000 : 0, essential: true })
    },
    flash(id, lngLat) {
      const el = document.createElement('div')
      el.className = 'wall-flash'
      el.dataset.incident = String(id)
      el.append(document.createElement('i'), document.createElement('b'))
      const marker = new Marker({ element: el }).setLngLat(lngLat).addTo(map)
      flashes.add(marker)
      setTimeout(() => {
        marker.remove()
        flashes.delete(marker)
      }, FLASH_MS)
      liveDots.unshift({ type: 'Feature', id, geometry: { type: 'Point', coordinates: lngLat }, properties: { id } })
      liveDots.length = Math.min(liveDots.length, MAX_LIVE_DOTS)
      void styleReady.then(() => source(LIVE)?.setData({ type: 'FeatureCollection', features: liveDots }))
    },
    fitDistrict,
    reloadTiles() {
      map.getSource<VectorTileSource>(TOWNS)?.setTiles([`${location.origin}/tiles/${WALL_TOWN_TILES}/{z}/{x}/{y}.mvt`])
    },
    idle() {
      const idle = map.once('idle').then(() => undefined)
      map.triggerRepaint()
      return idle
    },
  }
}
