import type {
  DataDrivenPropertyValueSpecification,
  ExpressionSpecification,
  LayerSpecification,
  StyleSpecification,
  SymbolLayerSpecification,
} from 'maplibre-gl'
import type { BoundaryLevel, LabelLevel } from '../api/types.ts'

/**
 * Fonts for map labels, as a CSS font-family list. The style has no `glyphs` URL, so MapLibre draws
 * every label locally (TinySDF on a canvas) with the first of these the browser has; nothing is
 * fetched. WenQuanYi Micro Hei is the Debian CJK font the server images and tests have.
 */
export const LABEL_FONTS = ['WenQuanYi Micro Hei', 'Noto Sans CJK SC', 'Microsoft YaHei', 'PingFang SC', 'sans-serif']

/** The same list as a CSS value, for MapLibre's `localIdeographFontFamily` (CJK drawn from local fonts). */
export const LOCAL_IDEOGRAPH_FONT_FAMILY = "'WenQuanYi Micro Hei', 'Noto Sans CJK SC', 'Microsoft YaHei', 'PingFang SC', sans-serif"

/** Source ids: one per boundary level and one per label level. */
export const boundarySourceId = (level: BoundaryLevel) => level
export const labelSourceId = (level: LabelLevel) => `${level}-labels`
export const BASEMAP_SOURCE = 'basemap'

/** Layer ids that other modules and tests refer to. */
export const LAYERS = {
  background: 'background',
  basemap: 'basemap',
  townFill: 'town-fill',
  gridLine: 'grid-line',
  villageLine: 'village-line',
  townLine: 'town-line',
  townHighlight: 'town-highlight',
  districtLine: 'district-line',
  gridLabel: 'grid-label',
  villageLabel: 'village-label',
  townLabel: 'town-label',
} as const

export const LABEL_LAYERS = [LAYERS.gridLabel, LAYERS.villageLabel, LAYERS.townLabel] as const

/** Zoom levels at which each level's outlines and names appear. */
export const MIN_ZOOM = {
  villageLine: 11,
  gridLine: 13,
  townLabel: 9,
  villageLabel: 12,
  gridLabel: 14,
} as const

export const COLORS = {
  background: '#eef1f4',
  townFallback: '#dde3ea',
  gridLine: '#8a97a6',
  villageLine: '#62748a',
  townLine: '#34506e',
  districtLine: '#1b2a3a',
  highlight: '#d9480f',
  labelText: '#1f2933',
  labelHalo: 'rgba(255,255,255,0.92)',
} as const

const emptyCollection = (): GeoJSON.FeatureCollection => ({ type: 'FeatureCollection', features: [] })

const hovered: ExpressionSpecification = ['boolean', ['feature-state', 'hover'], false]
const selected: ExpressionSpecification = ['boolean', ['feature-state', 'selected'], false]

function labelLayer(
  id: string,
  level: LabelLevel,
  minzoom: number,
  size: DataDrivenPropertyValueSpecification<number>,
): SymbolLayerSpecification {
  return {
    id,
    type: 'symbol',
    source: labelSourceId(level),
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
  const layer = labelLayer(LAYERS.townLabel, 'town', MIN_ZOOM.townLabel, [
    'interpolate', ['linear'], ['zoom'], 9, 12, 11, 14, 15, 19,
  ])
  const { 'text-anchor': _centre, ...layout } = layer.layout!
  return {
    ...layer,
    layout: { ...layout, 'text-variable-anchor': ['center', 'top', 'bottom', 'left', 'right'], 'text-radial-offset': 0.4 },
  }
}

/**
 * The map style, built in code: a background, then the boundary levels from our own API
 * (sources start empty and are filled once fetched). No `glyphs`, no `sprite`, nothing remote.
 */
export function buildStyle(): StyleSpecification {
  const sources: StyleSpecification['sources'] = {}
  for (const level of ['district', 'town', 'village', 'grid'] as const) {
    sources[boundarySourceId(level)] = {
      type: 'geojson',
      data: emptyCollection(),
      // Town ids for hover/selection feature-state.
      ...(level === 'town' ? { promoteId: 'code' } : {}),
    }
  }
  for (const level of ['town', 'village', 'grid'] as const) {
    sources[labelSourceId(level)] = { type: 'geojson', data: emptyCollection() }
  }

  const layers: LayerSpecification[] = [
    { id: LAYERS.background, type: 'background', paint: { 'background-color': COLORS.background } },
    {
      id: LAYERS.townFill,
      type: 'fill',
      source: boundarySourceId('town'),
      paint: {
        'fill-color': ['coalesce', ['get', '_fill'], COLORS.townFallback],
        'fill-opacity': ['case', hovered, 0.85, selected, 0.8, 0.5],
      },
    },
    {
      id: LAYERS.gridLine,
      type: 'line',
      source: boundarySourceId('grid'),
      minzoom: MIN_ZOOM.gridLine,
      paint: {
        'line-color': COLORS.gridLine,
        'line-width': ['interpolate', ['linear'], ['zoom'], 13, 0.4, 16, 0.9],
        'line-dasharray': [3, 2],
      },
    },
    {
      id: LAYERS.villageLine,
      type: 'line',
      source: boundarySourceId('village'),
      minzoom: MIN_ZOOM.villageLine,
      paint: {
        'line-color': COLORS.villageLine,
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
        'line-color': COLORS.townLine,
        'line-width': ['interpolate', ['linear'], ['zoom'], 8, 1.2, 12, 2.2, 15, 3],
      },
    },
    {
      id: LAYERS.townHighlight,
      type: 'line',
      source: boundarySourceId('town'),
      layout: { 'line-join': 'round' },
      paint: {
        'line-color': COLORS.highlight,
        'line-width': ['interpolate', ['linear'], ['zoom'], 8, 2.5, 14, 4],
        'line-opacity': ['case', selected, 1, hovered, 0.7, 0],
      },
    },
    {
      id: LAYERS.districtLine,
      type: 'line',
      source: boundarySourceId('district'),
      layout: { 'line-join': 'round' },
      paint: {
        'line-color': COLORS.districtLine,
        'line-width': ['interpolate', ['linear'], ['zoom'], 8, 2.5, 14, 4.5],
      },
    },
    // Later layers win label collisions: grid names give way to village names, those to town names.
    labelLayer(LAYERS.gridLabel, 'grid', MIN_ZOOM.gridLabel, ['interpolate', ['linear'], ['zoom'], 14, 10, 17, 13]),
    labelLayer(LAYERS.villageLabel, 'village', MIN_ZOOM.villageLabel, [
      'interpolate', ['linear'], ['zoom'], 12, 11, 16, 14,
    ]),
    townLabelLayer(),
  ]

  return {
    version: 8,
    name: 'onemap-boundaries',
    sources,
    layers,
  }
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
