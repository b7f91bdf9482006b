import type {
  CircleLayerSpecification,
  DataDrivenPropertyValueSpecification,
  ExpressionSpecification,
  HeatmapLayerSpecification,
  LayerSpecification,
  StyleSpecification,
  SymbolLayerSpecification,
} from 'maplibre-gl'

import { MAP_AREA_TILES, MAP_OVERLAY_TILES } from '../../../server/shared/api.ts'
import type { LayerId } from '../state/url.ts'
import { CLUSTER_MAXZOOM, CLUSTER_RADIUS_EXPRESSION, HEAT_COLOUR_EXPRESSION, HEAT_INTENSITY, HEAT_RADIUS_EXPRESSION } from './cells.ts'
import {
  COVERAGE_STOPS,
  DEVICE_ALERT_COLOUR,
  DEVICE_KIND_COLOURS,
  GROUP_RENTAL_COLOUR,
  HOUSE_USE_COLOURS,
  ORG_TYPE_COLOURS,
  PATROL_COLOUR,
} from './colors.ts'
import {
  HAZARD_COLOURS,
  INCIDENT_COLOUR,
  matchExpression,
  perFeature,
  stepExpression,
  TASK_COLOURS,
  WARNING_COLOURS,
  withAlpha,
} from './legend.ts'

/**
 * Fonts for map labels, as a CSS font-family list. The style has no `glyphs` URL, so MapLibre draws
 * every label locally (TinySDF on a canvas) with the first of these the browser has; nothing is
 * fetched. WenQuanYi Micro Hei is the Debian CJK font the server images and tests have.
 */
export const LABEL_FONTS = ['WenQuanYi Micro Hei', 'Noto Sans CJK SC', 'Microsoft YaHei', 'PingFang SC', 'sans-serif']

/** The same list as a CSS value, for MapLibre's `localIdeographFontFamily` (CJK drawn from local fonts). */
export const LOCAL_IDEOGRAPH_FONT_FAMILY = "'WenQuanYi Micro Hei', 'Noto Sans CJK SC', 'Microsoft YaHei', 'PingFang SC', sans-serif"

/** Source ids: the district and town boundaries (GeoJSON), the finer levels and data (our vector tiles). */
export const boundarySourceId = (level: 'district' | 'town') => level
export const labelSourceId = (level: 'town') => `${level}-labels`
export const BASEMAP_SOURCE = 'basemap'
export const SOURCES = {
  areas: 'areas',
  incidents: 'incidents',
  /** Warnings (and hot spots), hazards and tasks: one tile holds all three (server/tiles/layers.ts). */
  overlays: 'overlays',
  selection: 'selection',
  search: 'search',
  /** The loaded H3 cells as points at their centres (cell-layers.ts sets them): heatmap and clusters. */
  cells: 'cells',
  /**
   * The full view's layers, one source each (MapLibre asks for a source's tiles only while a layer
   * drawing it is shown), and the address points clicked for an address's full view.
   */
  houses: 'fv-houses',
  organisations: 'fv-organisations',
  devices: 'fv-devices',
  patrols: 'fv-patrols',
  coverage: 'fv-coverage',
  addresses: 'fv-addresses',
} as const

/** MVT layer names inside the `areas` source (server/tiles/layers.ts). */
export const AREA_TILE_LAYERS = {
  village: 'villages',
  grid: 'grids',
  microgrid: 'microgrids',
} as const

/** Layer ids that other modules and tests refer to. */
export const LAYERS = {
  basemap: 'basemap',
  townFill: 'town-fill',
  villageHit: 'village-hit',
  gridHit: 'grid-hit',
  heat: 'heat',
  hotspotFill: 'hotspot-fill',
  warningFill: 'warning-fill',
  maskTown: 'mask-town',
  maskVillage: 'mask-village',
  maskGrid: 'mask-grid',
  microgridLine: 'microgrid-line',
  gridLine: 'grid-line',
  villageLine: 'village-line',
  townLine: 'town-line',
  townHighlight: 'town-highlight',
  districtLine: 'district-line',
  focusLine: 'focus-line',
  hotspotLine: 'hotspot-line',
  warningLine: 'warning-line',
  incidentCluster: 'incident-cluster',
  incidentPoint: 'incident-point',
  hazardPoint: 'hazard-point',
  taskPoint: 'task-point',
  warningPoint: 'warning-point',
  coverageFill: 'coverage-fill',
  patrolLine: 'patrol-line',
  addressPoint: 'address-point',
  housePoint: 'house-point',
  organisationPoint: 'organisation-point',
  devicePoint: 'device-point',
  selectionLine: 'selection-line',
  selectionPoint: 'selection-point',
  searchPoint: 'search-point',
  incidentClusterCount: 'incident-cluster-count',
  incidentStackCount: 'incident-stack-count',
  searchLabel: 'search-label',
  microgridLabel: 'microgrid-label',
  gridLabel: 'grid-label',
  villageLabel: 'village-label',
  townLabel: 'town-label',
} as const

export const LABEL_LAYERS = [LAYERS.gridLabel, LAYERS.villageLabel, LAYERS.townLabel] as const

/** Zoom levels at which each level's outlines and names appear. */
export const MIN_ZOOM = {
  villageLine: 11,
  gridLine: 13,
  microgridLine: 15,
  townLabel: 9,
  villageLabel: 12,
  gridLabel: 14,
  microgridLabel: 16,
  /** Below this the incident tiles hold H3 cell counts, not points (server/tiles/layers.ts). */
  incidentPoints: 13,
} as const

export const COLORS = {
  background: '#eef1f4',
  townFallback: '#dde3ea',
  microgridLine: '#a9b4c0',
  gridLine: '#8a97a6',
  villageLine: '#62748a',
  townLine: '#34506e',
  districtLine: '#1b2a3a',
  highlight: '#d9480f',
  focus: '#0b3d6e',
  mask: '#f4f6f8',
  selection: '#00b4d8',
  search: '#e63946',
  labelText: '#1f2933',
  labelHalo: 'rgba(255,255,255,0.92)',
} as const

const emptyCollection = (): GeoJSON.FeatureCollection => ({ type: 'FeatureCollection', features: [] })

const hovered: ExpressionSpecification = ['boolean', ['feature-state', 'hover'], false]
const selected: ExpressionSpecification = ['boolean', ['feature-state', 'selected'], false]

/** Where a layer reads from: a source, and the MVT layer inside it for vector sources. */
export interface LayerSource {
  source: string
  sourceLayer?: string
}

/** `source` and, for vector tiles, `source-layer` of a layer spec. */
function from(src: LayerSource): { source: string; 'source-layer'?: string } {
  return src.sourceLayer ? { source: src.source, 'source-layer': src.sourceLayer } : { source: src.source }
}

function labelLayer(
  id: string,
  src: LayerSource,
  minzoom: number,
  size: DataDrivenPropertyValueSpecification<number>,
): SymbolLayerSpecification {
  return {
    id,
    type: 'symbol',
    ...from(src),
    minzoom,
    layout: {
      'text-field': ['get', 'name'],
      'text-font': LABEL_FONTS,
      'text-size': size,
      'text-max-width': 10,
      'text-padding': 1,
      'text-anchor': 'center',
    },
    paint: {
      'text-color': COLORS.labelText,
      'text-halo-color': COLORS.labelHalo,
      'text-halo-width': 1.5,
      'text-halo-blur': 0.5,
    },
  }
}

/** Town names: shown from z9 on, nudged beside their point when the centre is taken, so that
 * the small urban towns keep their names too. */
function townLabelLayer(): SymbolLayerSpecification {
  const layer = labelLayer(LAYERS.townLabel, { source: labelSourceId('town') }, MIN_ZOOM.townLabel, [
    'interpolate',
    ['linear'],
    ['zoom'],
    9,
    12,
    11,
    14,
    15,
    19,
  ])
  const { 'text-anchor': _centre, ...layout } = layer.layout!
  return {
    ...layer,
    layout: { ...layout, 'text-variable-anchor': ['center', 'top', 'bottom', 'left', 'right'], 'text-radial-offset': 0.4 },
  }
}

/** What the style's tile sources need: the page origin (tile URLs must be absolute) and the filter query. */
export interface StyleOptions {
  origin: string
  /** `?from=…&to=…&category=…&area=…` for the incident points. */
  tileQuery: string
}

/** The URL template of one of our tile layers (or several, comma-separated) with a query. */
export function tileUrl(origin: string, layers: string, query = ''): string {
  return `${origin}/tiles/${layers}/{z}/{x}/{y}.mvt${query}`
}

/** An MVT layer of the overlay tiles (warnings' points apart from their areas). */
const overlay = (layer: 'warnings' | 'warnings_points' | 'hazards' | 'tasks'): LayerSource => ({
  source: SOURCES.overlays,
  sourceLayer: layer,
})

/**
 * Sources of the switchable layers' data. Warnings, hazards and tasks come in one tile: a third
 * of the requests, and a page opening with all three waits for one tile per place, not three.
 * H3 hexagons (deck.gl), the heatmap and incident clusters (the `cells` source) draw from
 * `GET /api/h3` (cell-layers.ts): the incident tiles are only asked for from the points zoom on.
 */
function overlaySources(o: StyleOptions): StyleSpecification['sources'] {
  return {
    [SOURCES.areas]: {
      type: 'vector',
      tiles: [tileUrl(o.origin, MAP_AREA_TILES)],
      minzoom: 8,
      maxzoom: 16,
      promoteId: { villages: 'code', grids: 'code', microgrids: 'code' },
    },
    [SOURCES.incidents]: {
      type: 'vector',
      tiles: [tileUrl(o.origin, 'incidents', o.tileQuery)],
      minzoom: MIN_ZOOM.incidentPoints,
      maxzoom: 16,
    },
    [SOURCES.overlays]: {
      type: 'vector',
      tiles: [tileUrl(o.origin, MAP_OVERLAY_TILES)],
      minzoom: 0,
      maxzoom: 16,
      promoteId: { warnings: 'id', warnings_points: 'id', hazards: 'id', tasks: 'id' },
    },
    ...fullViewSources(o),
    [SOURCES.selection]: { type: 'geojson', data: emptyCollection() },
    [SOURCES.search]: { type: 'geojson', data: emptyCollection() },
    [SOURCES.cells]: { type: 'geojson', data: emptyCollection() },
  }
}

/** Where an area level's boundaries come from: our area tiles, that level's MVT layer. */
export const areaSource = (level: keyof typeof AREA_TILE_LAYERS): LayerSource => ({
  source: SOURCES.areas,
  sourceLayer: AREA_TILE_LAYERS[level],
})

/**
 * The outline of the drilled-down village or grid, from that level's tiles (the map sets its
 * filter, and swaps the layer when the level changes; towns use town-highlight).
 * @example focusLineLayer({ source: 'areas', sourceLayer: 'grids' })
 */
export function focusLineLayer(src: LayerSource): LayerSpecification {
  return {
    id: LAYERS.focusLine,
    type: 'line',
    ...from(src),
    filter: ['==', ['get', 'code'], ''],
    layout: { 'line-join': 'round' },
    paint: { 'line-color': perFeature(COLORS.highlight), 'line-width': 3 },
  }
}

/** The mask that dims everything outside the drilled-down area (filters set by the map). */
function maskLayer(id: string, src: LayerSource, minzoom?: number): LayerSpecification {
  return {
    id,
    type: 'fill',
    ...from(src),
    ...(minzoom !== undefined ? { minzoom } : {}),
    filter: ['==', ['get', 'code'], ''],
    paint: { 'fill-color': COLORS.mask, 'fill-opacity': 0.72, 'fill-antialias': false },
  }
}

/**
 * The map style, built in code: the town and district boundaries from our own GeoJSON, finer
 * boundaries, H3 cells and incidents from our own vector tiles, and the warning, hazard and task
 * layers. No `glyphs`, no `sprite`, nothing remote; no background layer either (the map's
 * container shows COLORS.background through the transparent canvas).
 */
export function buildStyle(o: StyleOptions = { origin: 'http://127.0.0.1', tileQuery: '' }): StyleSpecification {
  const sources: StyleSpecification['sources'] = {
    [boundarySourceId('district')]: { type: 'geojson', data: emptyCollection() },
    // Town ids for hover/selection feature-state.
    [boundarySourceId('town')]: { type: 'geojson', data: emptyCollection(), promoteId: 'code' },
    [labelSourceId('town')]: { type: 'geojson', data: emptyCollection() },
    ...overlaySources(o),
  }

  const layers: LayerSpecification[] = [
    {
      id: LAYERS.townFill,
      type: 'fill',
      source: boundarySourceId('town'),
      paint: {
        // Transparency in the colour, not in fill-opacity: the same shader program as the warning fills.
        'fill-color': withAlpha(['coalesce', ['get', '_fill'], COLORS.townFallback], ['case', hovered, 0.85, selected, 0.8, 0.5]),
        // Town lines are drawn over every edge: the fill's own outline pass would be wasted.
        'fill-antialias': false,
      },
    },
    // Invisible fills that make villages and grids clickable (drill-down) wherever the lines are off.
    { id: LAYERS.villageHit, type: 'fill', ...from(areaSource('village')), minzoom: 9, paint: { 'fill-opacity': 0 } },
    { id: LAYERS.gridHit, type: 'fill', ...from(areaSource('grid')), minzoom: 11, paint: { 'fill-opacity': 0 } },
    // deck.gl's hexagons go here, under the heatmap (DECK_PLACEMENT).
    heatLayer(),
    ...hotspotFillLayers(overlay('warnings')),
    ...warningFillLayers(overlay('warnings')),
    coverageLayer(),
    maskLayer(LAYERS.maskTown, { source: boundarySourceId('town') }),
    maskLayer(LAYERS.maskVillage, areaSource('village')),
    maskLayer(LAYERS.maskGrid, areaSource('grid')),
    {
      id: LAYERS.microgridLine,
      type: 'line',
      ...from(areaSource('microgrid')),
      minzoom: MIN_ZOOM.microgridLine,
      paint: { 'line-color': perFeature(COLORS.microgridLine), 'line-width': 0.6, 'line-dasharray': [1, 2] },
    },
    {
      id: LAYERS.gridLine,
      type: 'line',
      ...from(areaSource('grid')),
      minzoom: MIN_ZOOM.gridLine,
      paint: {
        'line-color': perFeature(COLORS.gridLine),
        'line-width': ['interpolate', ['linear'], ['zoom'], 13, 0.6, 16, 1.2],
        'line-dasharray': [3, 2],
      },
    },
    {
      id: LAYERS.villageLine,
      type: 'line',
      ...from(areaSource('village')),
      minzoom: MIN_ZOOM.villageLine,
      paint: {
        'line-color': perFeature(COLORS.villageLine),
        'line-width': ['interpolate', ['linear'], ['zoom'], 11, 0.6, 15, 1.4],
        'line-opacity': 0.85,
      },
    },
    {
      id: LAYERS.townLine,
      type: 'line',
      source: boundarySourceId('town'),
      layout: { 'line-join': 'round' },
      paint: {
        'line-color': perFeature(COLORS.townLine),
        'line-width': ['interpolate', ['linear'], ['zoom'], 8, 1.2, 12, 2.2, 15, 3],
      },
    },
    {
      id: LAYERS.townHighlight,
      type: 'line',
      source: boundarySourceId('town'),
      layout: { 'line-join': 'round' },
      paint: {
        // Shown by the colour's alpha, not line-opacity: the same shader program as the warning outlines.
        'line-color': withAlpha(COLORS.highlight, ['case', selected, 1, hovered, 0.7, 0]),
        'line-width': ['interpolate', ['linear'], ['zoom'], 8, 2.5, 14, 4],
      },
    },
    {
      id: LAYERS.districtLine,
      type: 'line',
      source: boundarySourceId('district'),
      layout: { 'line-join': 'round' },
      paint: {
        'line-color': perFeature(COLORS.districtLine),
        'line-width': ['interpolate', ['linear'], ['zoom'], 8, 2.5, 14, 4.5],
      },
    },
    focusLineLayer(areaSource('village')),
    ...hotspotLineLayers(overlay('warnings')),
    ...warningLineLayers(overlay('warnings')),
    patrolLayer(),
    incidentClusterLayer(),
    ...incidentLayers(),
    hazardLayer(overlay('hazards')),
    taskLayer(overlay('tasks')),
    warningPointLayer(overlay('warnings_points')),
    ...fullViewPointLayers(),
    {
      id: LAYERS.selectionLine,
      type: 'line',
      source: SOURCES.selection,
      filter: ['!=', ['geometry-type'], 'Point'],
      paint: { 'line-color': perFeature(COLORS.selection), 'line-width': 4 },
    },
    {
      id: LAYERS.selectionPoint,
      type: 'circle',
      source: SOURCES.selection,
      filter: ['==', ['geometry-type'], 'Point'],
      paint: circlePaint({ radius: 11, colour: 'rgba(0,0,0,0)', strokeColour: COLORS.selection, strokeWidth: 3 }),
    },
    {
      id: LAYERS.searchPoint,
      type: 'circle',
      source: SOURCES.search,
      paint: circlePaint({ radius: 8, colour: COLORS.search, strokeColour: '#ffffff', strokeWidth: 3 }),
    },
    incidentClusterCountLayer(),
    incidentStackCountLayer(),
    {
      id: LAYERS.searchLabel,
      type: 'symbol',
      source: SOURCES.search,
      layout: {
        'text-field': ['get', 'label'],
        'text-font': LABEL_FONTS,
        'text-size': 13,
        'text-anchor': 'top',
        'text-offset': [0, 1],
        'text-allow-overlap': true,
      },
      paint: { 'text-color': COLORS.search, 'text-halo-color': '#fff', 'text-halo-width': 2 },
    },
    labelLayer(LAYERS.microgridLabel, { source: SOURCES.areas, sourceLayer: 'microgrids_labels' }, MIN_ZOOM.microgridLabel, 10),
    // Later layers win label collisions: grid names give way to village names, those to town names.
    labelLayer(LAYERS.gridLabel, { source: SOURCES.areas, sourceLayer: 'grids_labels' }, MIN_ZOOM.gridLabel, [
      'interpolate',
      ['linear'],
      ['zoom'],
      14,
      10,
      17,
      13,
    ]),
    labelLayer(LAYERS.villageLabel, { source: SOURCES.areas, sourceLayer: 'villages_labels' }, MIN_ZOOM.villageLabel, [
      'interpolate',
      ['linear'],
      ['zoom'],
      12,
      11,
      16,
      14,
    ]),
    townLabelLayer(),
  ]

  return { version: 8, name: 'onemap', sources, layers }
}

const warningColour = matchExpression('level', WARNING_COLOURS, '#999999')

/** Models whose warnings are hot spots (H3 cells from Gi*): their own layer, apart from other warnings. */
export const HOTSPOT_MODELS = ['hotspot', 'emerging'] as const

/** Whether a warning feature (from the tiles) is a hot spot. */
const isHotspot: ExpressionSpecification = ['in', ['coalesce', ['get', 'model'], ''], ['literal', [...HOTSPOT_MODELS]]]
const notPoint: ExpressionSpecification = ['!=', ['geometry-type'], 'Point']

/** Hot spots (the Gi* hot-spot and emerging-hot-spot models' cells): fill. */
export function hotspotFillLayers(src: LayerSource): LayerSpecification[] {
  return [
    {
      id: LAYERS.hotspotFill,
      type: 'fill',
      ...from(src),
      filter: ['all', notPoint, isHotspot],
      layout: { visibility: 'none' },
      paint: { 'fill-color': warningColour, 'fill-opacity': 0.35, 'fill-antialias': false },
    },
  ]
}

/** Hot spots: outline. */
export function hotspotLineLayers(src: LayerSource): LayerSpecification[] {
  return [
    {
      id: LAYERS.hotspotLine,
      type: 'line',
      ...from(src),
      filter: ['all', notPoint, isHotspot],
      layout: { visibility: 'none' },
      paint: { 'line-color': warningColour, 'line-width': 2.5 },
    },
  ]
}

/** Other warnings with an area (grids, villages, cells): a light fill. */
export function warningFillLayers(src: LayerSource): LayerSpecification[] {
  return [
    {
      id: LAYERS.warningFill,
      type: 'fill',
      ...from(src),
      filter: ['all', notPoint, ['!', isHotspot]],
      layout: { visibility: 'none' },
      paint: { 'fill-color': warningColour, 'fill-opacity': 0.22, 'fill-antialias': false },
    },
  ]
}

/**
 * Warnings with an area: an outline in the level's colour (solid: a dashed one is another shader
 * program to compile before the first frame, and the lighter fill already tells them from hot spots).
 */
export function warningLineLayers(src: LayerSource): LayerSpecification[] {
  return [
    {
      id: LAYERS.warningLine,
      type: 'line',
      ...from(src),
      filter: ['all', notPoint, ['!', isHotspot]],
      layout: { visibility: 'none', 'line-join': 'round' },
      paint: { 'line-color': warningColour, 'line-width': 2 },
    },
  ]
}

/**
 * Warnings at a point (an address, a near-repeat zone's centre): a thick white ring while new, a
 * blue one once tasked. (Ring colour and width from data, as hazards and tasks have them: one
 * shader program for the three.)
 */
export function warningPointLayer(src: LayerSource): LayerSpecification {
  return {
    id: LAYERS.warningPoint,
    type: 'circle',
    ...from(src),
    filter: ['==', ['geometry-type'], 'Point'],
    layout: { visibility: 'none' },
    paint: circlePaint({
      radius: 8,
      colour: warningColour,
      strokeColour: ['match', ['get', 'status'], 'tasked', TASK_COLOURS.open, '#ffffff'],
      strokeWidth: ['match', ['get', 'status'], 'new', 3, 2],
    }),
  }
}

/** A circle paint value: a constant or an expression. */
type CirclePaintValue = string | number | ExpressionSpecification

/** Zooms the circle radii are evaluated at (every radius is zoom-and-data, see circlePaint). */
const RADIUS_ZOOMS = [0, 24] as const

/** Radius stops [z, r, z, r …]: zooms are numbers, radii numbers or per-feature expressions. */
type RadiusStops = readonly (number | ExpressionSpecification)[]

/** Zoom stops start with a zoom (a number); an expression starts with its operator's name. */
const isZoomStops = (v: unknown): v is RadiusStops => Array.isArray(v) && typeof v[0] === 'number'

/**
 * Paint of a circle layer with every property read per feature (perFeature for constants) and
 * every radius by zoom and feature: MapLibre compiles a shader program for each mix of constant,
 * data-driven and zoom-and-data paint properties (0.1–0.3 s each under software WebGL), and this
 * way all our circle layers, the clusters sized by count included, share one.
 * `radius` as [z, r, z, r …] interpolates by zoom (each r a number or a per-feature expression);
 * a single value holds at every zoom.
 * @example circlePaint({ radius: 8, colour: '#e63946', strokeColour: '#ffffff', strokeWidth: 3 })
 */
export function circlePaint(p: {
  radius: CirclePaintValue | RadiusStops
  colour: CirclePaintValue
  strokeColour: CirclePaintValue
  strokeWidth: CirclePaintValue
}) {
  const each = (v: CirclePaintValue): ExpressionSpecification => (typeof v === 'string' || typeof v === 'number' ? perFeature(v) : v)
  const stops: unknown[] = isZoomStops(p.radius)
    ? p.radius.map((v, i) => (i % 2 === 0 ? v : each(v)))
    : RADIUS_ZOOMS.flatMap((z) => [z, each(p.radius as CirclePaintValue)])
  return {
    'circle-radius': ['interpolate', ['linear'], ['zoom'], ...stops] as ExpressionSpecification,
    'circle-color': each(p.colour),
    'circle-stroke-color': each(p.strokeColour),
    'circle-stroke-width': each(p.strokeWidth),
  } satisfies CircleLayerSpecification['paint']
}

/**
 * The incident heatmap on the loaded cells' centres (MapLibre's, not deck.gl's: under software
 * WebGL deck.gl's heatmap cost three large shader programs and float textures at start, most of
 * the 0.5–1.4 s a first load saved when it and the clusters moved here; MapLibre's is two small
 * programs).
 * A point weighs its cell's share of the busiest cell, and the intensity brings that cell to the
 * ramp's top, so the colour scale follows the data (as deck.gl's did).
 */
function heatLayer(): HeatmapLayerSpecification {
  return {
    id: LAYERS.heat,
    type: 'heatmap',
    source: SOURCES.cells,
    layout: { visibility: 'none' },
    paint: {
      'heatmap-weight': ['get', 'weight'],
      'heatmap-intensity': HEAT_INTENSITY,
      'heatmap-radius': HEAT_RADIUS_EXPRESSION,
      'heatmap-color': HEAT_COLOUR_EXPRESSION,
      'heatmap-opacity': 0.75,
    },
  }
}

/** Incident clusters below the points zoom: a circle per cell at its centre, sized by its count. */
function incidentClusterLayer(): LayerSpecification {
  return {
    id: LAYERS.incidentCluster,
    type: 'circle',
    source: SOURCES.cells,
    maxzoom: CLUSTER_MAXZOOM,
    layout: { visibility: 'none' },
    paint: circlePaint({
      radius: CLUSTER_RADIUS_EXPRESSION,
      colour: withAlpha(perFeature(INCIDENT_COLOUR), 0.75),
      strokeColour: '#ffffff',
      strokeWidth: 0.8,
    }),
  }
}

/**
 * Counts on the busier clusters (10 and up) from z11, where they are big enough to read; every
 * count shown (no collision), in the label style's font (digits drawn locally like the names).
 */
function incidentClusterCountLayer(): SymbolLayerSpecification {
  return {
    id: LAYERS.incidentClusterCount,
    type: 'symbol',
    source: SOURCES.cells,
    minzoom: 11,
    maxzoom: CLUSTER_MAXZOOM,
    filter: ['>=', ['get', 'count'], 10],
    layout: {
      visibility: 'none',
      'text-field': ['to-string', ['get', 'count']],
      'text-font': LABEL_FONTS,
      'text-size': 10,
      'text-allow-overlap': true,
      'text-ignore-placement': true,
    },
    // Read per feature, as the incident stacks' counts are (one shader program for both).
    paint: { 'text-color': perFeature('#ffffff') },
  }
}

/** Incidents sharing one spot (server/tiles/layers.ts): `stack` on each, `covered` on all but the newest. */
const stacked: ExpressionSpecification = ['>', ['coalesce', ['get', 'stack'], 1], 1]

/** The incident marker's radius by zoom: a dot, or a disc wide enough for its count. */
export const INCIDENT_RADIUS: readonly [number, ExpressionSpecification, number, ExpressionSpecification] = [
  13,
  ['case', stacked, 7, 3],
  17,
  ['case', stacked, 10, 6],
]

/**
 * Incident points from our tiles (from z13; below it the cell clusters stand for them). A point
 * that only stands for the road, village or town its address named (`approximate`) is a ring,
 * not a dot: it is counted there, but did not happen at that spot. Several incidents at one spot
 * (an address) are one larger marker, the newest's, with their count written on it; the ones
 * under it are not drawn (a click opens the newest, whose inspector lists them all).
 */
function incidentLayers(): LayerSpecification[] {
  return [
    {
      id: LAYERS.incidentPoint,
      type: 'circle',
      source: SOURCES.incidents,
      'source-layer': 'incidents',
      minzoom: MIN_ZOOM.incidentPoints,
      filter: ['all', ['!', ['has', 'count']], ['!', ['has', 'covered']]],
      layout: { visibility: 'none' },
      paint: circlePaint({
        radius: INCIDENT_RADIUS,
        colour: ['case', ['to-boolean', ['get', 'approximate']], '#ffffff', INCIDENT_COLOUR],
        strokeColour: ['case', ['to-boolean', ['get', 'approximate']], INCIDENT_COLOUR, '#ffffff'],
        strokeWidth: ['case', ['to-boolean', ['get', 'approximate']], 2, 1],
      }),
    },
  ]
}

/** The count on an incident marker that stands for several at one spot (white on the dot, dark on a ring). */
function incidentStackCountLayer(): SymbolLayerSpecification {
  return {
    id: LAYERS.incidentStackCount,
    type: 'symbol',
    source: SOURCES.incidents,
    'source-layer': 'incidents',
    minzoom: MIN_ZOOM.incidentPoints,
    filter: ['all', ['has', 'stack'], ['!', ['has', 'covered']]],
    layout: {
      visibility: 'none',
      'text-field': ['to-string', ['get', 'stack']],
      'text-font': LABEL_FONTS,
      // Size and colour as the cluster counts have them (a constant size, a colour per feature):
      // one shader program for both.
      'text-size': 10,
      'text-allow-overlap': true,
      'text-ignore-placement': true,
    },
    paint: { 'text-color': ['case', ['to-boolean', ['get', 'approximate']], INCIDENT_COLOUR, '#ffffff'] },
  }
}

/** Hazards coloured by severity; overdue ones ringed in red. */
export function hazardLayer(src: LayerSource): LayerSpecification {
  return {
    id: LAYERS.hazardPoint,
    type: 'circle',
    ...from(src),
    layout: { visibility: 'none' },
    paint: circlePaint({
      radius: [9, 4, 15, 7],
      colour: matchExpression('severity', HAZARD_COLOURS, HAZARD_COLOURS.general),
      strokeColour: ['case', ['to-boolean', ['get', 'overdue']], TASK_COLOURS.overdue, '#ffffff'],
      strokeWidth: ['case', ['to-boolean', ['get', 'overdue']], 2.5, 1.5],
    }),
  }
}

/** Open tasks: blue, overdue red; ringed in green once reported done and awaiting close-out. */
export function taskLayer(src: LayerSource): LayerSpecification {
  return {
    id: LAYERS.taskPoint,
    type: 'circle',
    ...from(src),
    layout: { visibility: 'none' },
    paint: {
      ...circlePaint({
        radius: [9, 3.5, 15, 6],
        colour: ['case', ['to-boolean', ['get', 'overdue']], TASK_COLOURS.overdue, TASK_COLOURS.open],
        strokeColour: ['match', ['get', 'status'], 'submitted', TASK_COLOURS.submitted, '#ffffff'],
        strokeWidth: ['match', ['get', 'status'], 'submitted', 2.5, 2],
      }),
      'circle-pitch-alignment': 'map',
    },
  }
}

/** Where deck.gl's layer goes in the style: before this MapLibre layer (deck-layers.ts). */
export const DECK_PLACEMENT = {
  /** Hexagons: under the heatmap, hot spots, warnings, masks and boundaries. */
  surfaces: LAYERS.heat,
} as const

/** Which MapLibre style layers each switch in the layer panel shows (the H3 hexagons are deck.gl's). */
export const LAYER_GROUPS: Record<LayerId, readonly string[]> = {
  grid: [LAYERS.microgridLine, LAYERS.gridLine, LAYERS.villageLine, LAYERS.microgridLabel, LAYERS.gridLabel, LAYERS.villageLabel],
  h3: [],
  heat: [LAYERS.heat],
  incidents: [LAYERS.incidentCluster, LAYERS.incidentClusterCount, LAYERS.incidentPoint, LAYERS.incidentStackCount],
  hotspots: [LAYERS.hotspotFill, LAYERS.hotspotLine],
  warnings: [LAYERS.warningFill, LAYERS.warningLine, LAYERS.warningPoint],
  hazards: [LAYERS.hazardPoint],
  tasks: [LAYERS.taskPoint],
  houses: [LAYERS.addressPoint, LAYERS.housePoint],
  organisations: [LAYERS.organisationPoint],
  devices: [LAYERS.devicePoint],
  patrols: [LAYERS.patrolLine],
  coverage: [LAYERS.coverageFill],
}

/** The optional external raster basemap (`basemapTileUrl`), placed under the boundaries and off by default. */
export function basemapLayer(): LayerSpecification {
  return {
    id: LAYERS.basemap,
    type: 'raster',
    source: BASEMAP_SOURCE,
    layout: { visibility: 'none' },
    paint: { 'raster-opacity': 0.9 },
  }
}

/** Zooms the full view's tile layers have data from (server/tiles/fullview-layers.ts; addresses: layers.ts). */
export const FULL_VIEW_MINZOOM = { houses: 13, organisations: 11, devices: 11, patrols: 10, coverage: 11, addresses: 15 } as const

/** The full view's vector sources: one tile layer each, with feature ids promoted for the inspector. */
function fullViewSources(o: StyleOptions): StyleSpecification['sources'] {
  const tiles = {
    houses: 'houses',
    organisations: 'organisations',
    devices: 'devices',
    patrols: 'patrols',
    coverage: 'patrol_coverage',
    addresses: 'addresses',
  } as const
  return Object.fromEntries(
    (Object.keys(tiles) as (keyof typeof tiles)[]).map((k) => [
      SOURCES[k],
      { type: 'vector', tiles: [tileUrl(o.origin, tiles[k])], minzoom: FULL_VIEW_MINZOOM[k], maxzoom: 16 },
    ]),
  ) as StyleSpecification['sources']
}

const isTrue = (p: string): ExpressionSpecification => ['to-boolean', ['get', p]]

/** Grids coloured by the days since a patrol last passed through them (green → red). */
function coverageLayer(): LayerSpecification {
  return {
    id: LAYERS.coverageFill,
    type: 'fill',
    source: SOURCES.coverage,
    'source-layer': 'patrol_coverage',
    minzoom: FULL_VIEW_MINZOOM.coverage,
    layout: { visibility: 'none' },
    paint: { 'fill-color': withAlpha(stepExpression('days', COVERAGE_STOPS), 0.4), 'fill-antialias': false },
  }
}

/** Patrol tracks of the last 7 days. */
function patrolLayer(): LayerSpecification {
  return {
    id: LAYERS.patrolLine,
    type: 'line',
    source: SOURCES.patrols,
    'source-layer': 'patrols',
    minzoom: FULL_VIEW_MINZOOM.patrols,
    layout: { visibility: 'none', 'line-join': 'round', 'line-cap': 'round' },
    paint: { 'line-color': perFeature(PATROL_COLOUR), 'line-width': ['interpolate', ['linear'], ['zoom'], 10, 1.5, 16, 4] },
  }
}

/**
 * Address points (from z15: click one for its full view), houses by use with group rentals red
 * and larger, organisations by type ringed red when their self-check is overdue, devices by kind
 * with alerting ones red, larger and ringed. All circles share circlePaint's one shader program.
 */
function fullViewPointLayers(): LayerSpecification[] {
  const src = (source: string, layer: string, minzoom: number) => ({ source, 'source-layer': layer, minzoom })
  return [
    {
      id: LAYERS.addressPoint,
      type: 'circle',
      ...src(SOURCES.addresses, 'addresses', FULL_VIEW_MINZOOM.addresses),
      layout: { visibility: 'none' },
      paint: circlePaint({ radius: [15, 2.5, 18, 4], colour: '#ffffff', strokeColour: COLORS.villageLine, strokeWidth: 1 }),
    },
    {
      id: LAYERS.housePoint,
      type: 'circle',
      ...src(SOURCES.houses, 'houses', FULL_VIEW_MINZOOM.houses),
      // Group rentals drawn over the other houses at one address.
      layout: { visibility: 'none', 'circle-sort-key': ['case', isTrue('group_rental'), 1, 0] },
      paint: circlePaint({
        radius: [13, ['case', isTrue('group_rental'), 5, 3], 17, ['case', isTrue('group_rental'), 10, 6]],
        colour: ['case', isTrue('group_rental'), GROUP_RENTAL_COLOUR, matchExpression('use', HOUSE_USE_COLOURS, HOUSE_USE_COLOURS.other)],
        strokeColour: '#ffffff',
        strokeWidth: ['case', isTrue('group_rental'), 2, 1],
      }),
    },
    {
      id: LAYERS.organisationPoint,
      type: 'circle',
      ...src(SOURCES.organisations, 'organisations', FULL_VIEW_MINZOOM.organisations),
      layout: { visibility: 'none' },
      paint: circlePaint({
        radius: [11, 3.5, 16, 7],
        colour: matchExpression('type', ORG_TYPE_COLOURS, ORG_TYPE_COLOURS.enterprise),
        strokeColour: ['case', ['>', ['coalesce', ['get', 'overdue_days'], 0], 0], TASK_COLOURS.overdue, '#ffffff'],
        strokeWidth: ['case', ['>', ['coalesce', ['get', 'overdue_days'], 0], 0], 2.5, 1],
      }),
    },
    {
      id: LAYERS.devicePoint,
      type: 'circle',
      ...src(SOURCES.devices, 'devices', FULL_VIEW_MINZOOM.devices),
      // Alerting devices drawn over the others at one address.
      layout: { visibility: 'none', 'circle-sort-key': ['case', isTrue('alerting'), 1, 0] },
      paint: circlePaint({
        radius: [11, ['case', isTrue('alerting'), 6, 3], 16, ['case', isTrue('alerting'), 10, 5]],
        colour: [
          'case',
          isTrue('alerting'),
          DEVICE_ALERT_COLOUR,
          matchExpression('kind', DEVICE_KIND_COLOURS, DEVICE_KIND_COLOURS.smoke_detector),
        ],
        strokeColour: ['case', isTrue('alerting'), '#ffd400', '#ffffff'],
        strokeWidth: ['case', isTrue('alerting'), 3, 1],
      }),
    },
  ]
}
