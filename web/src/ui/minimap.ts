/**
 * A small map for desk pages: the district's towns as outlines and a page's records as coloured
 * points or areas, with a click that picks one. MapLibre is loaded when the first one opens, so a
 * desk page without a map never downloads it.
 */
import type { Feature, FeatureCollection, Geometry } from 'geojson'
import type { GeoJSONSource, Map as MapLibreMap } from 'maplibre-gl'

import { apiUrl } from '../api/client.ts'

/** A record on the mini map: its id (string), colour, and whether it is the selected one. */
export interface MiniFeature {
  id: string
  geometry: Geometry
  colour: string
  selected?: boolean
  label?: string
}

export interface MiniMap {
  /** Shows these records; `fit` moves the view to them. */
  setFeatures(features: readonly MiniFeature[], fit?: boolean): void
  /** Called with a record's id when it is clicked. */
  onPick(fn: (id: string) => void): void
  /** Called with a WGS84 point when the map is clicked where no record is. */
  onClickPoint(fn: (lng: number, lat: number) => void): void
  /** Resolves when the map has drawn what it was last given. */
  idle(): Promise<void>
  destroy(): void
}

/**
 * The features' bounding box, or null for none.
 * @example featureBounds([{ type: 'Point', coordinates: [120, 30] }]) // [120, 30, 120, 30]
 */
export function featureBounds(geometries: readonly Geometry[]): [number, number, number, number] | null {
  let b: [number, number, number, number] | null = null
  const visit = (c: unknown): void => {
    if (Array.isArray(c) && typeof c[0] === 'number' && typeof c[1] === 'number') {
      const [x, y] = c as [number, number]
      b = b ? [Math.min(b[0], x), Math.min(b[1], y), Math.max(b[2], x), Math.max(b[3], y)] : [x, y, x, y]
    } else if (Array.isArray(c)) c.forEach(visit)
  }
  for (const g of geometries) if ('coordinates' in g) visit(g.coordinates)
  return b
}

/** How a list's record shows on the mini map. */
export interface MiniFeatureOf<T> {
  id(row: T): string
  /** Its place, or null for a record without one (left off the map). */
  geometry(row: T): Geometry | null
  colour(row: T): string
}

/**
 * A list's records that have a place, as mini-map features, the one with `selectedId` marked.
 * @example miniFeatures([{ id: 7, geometry: pt }], { id: (r) => String(r.id), geometry: (r) => r.geometry, colour: () => '#d7301f' }, '7') // [{ id: '7', geometry: pt, colour: '#d7301f', selected: true }]
 */
export function miniFeatures<T>(rows: readonly T[], of: MiniFeatureOf<T>, selectedId: string | null): MiniFeature[] {
  const out: MiniFeature[] = []
  for (const row of rows) {
    const geometry = of.geometry(row)
    if (geometry === null) continue
    const id = of.id(row)
    out.push({ id, geometry, colour: of.colour(row), selected: id === selectedId })
  }
  return out
}

function collection(features: readonly MiniFeature[]): FeatureCollection {
  return {
    type: 'FeatureCollection',
    features: features.map((f): Feature => ({
      type: 'Feature',
      id: Number.isFinite(Number(f.id)) ? Number(f.id) : undefined,
      geometry: f.geometry,
      properties: { id: f.id, colour: f.colour, selected: f.selected === true, label: f.label ?? '' },
    })),
  }
}

/** Opens a mini map in `container` (loads MapLibre on first use): the desk's pages and the phone's grid. */
export async function createMiniMap(
  container: HTMLElement,
  bbox: [number, number, number, number] | null,
  /** The outlines under the records (default: the district's towns). */
  outlines = '/api/boundaries/town.geojson',
): Promise<MiniMap> {
  // The worker's address first (web/src/map/worker.ts), as on the map page.
  await import('../map/worker.ts')
  const { Map: MapCtor } = await import('maplibre-gl')
  await import('maplibre-gl/dist/maplibre-gl.css')
  const map: MapLibreMap = new MapCtor({
    container,
    style: {
      version: 8,
      sources: {
        towns: { type: 'geojson', data: apiUrl(outlines) },
        records: { type: 'geojson', data: { type: 'FeatureCollection', features: [] } },
      },
      layers: [
        { id: 'bg', type: 'background', paint: { 'background-color': '#f4f1ea' } },
        { id: 'towns', type: 'line', source: 'towns', paint: { 'line-color': '#8a8a8a', 'line-width': 1 } },
        {
          id: 'areas',
          type: 'fill',
          source: 'records',
          filter: ['!=', ['geometry-type'], 'Point'],
          paint: { 'fill-color': ['get', 'colour'], 'fill-opacity': ['case', ['get', 'selected'], 0.7, 0.4] },
        },
        {
          id: 'points',
          type: 'circle',
          source: 'records',
          filter: ['==', ['geometry-type'], 'Point'],
          paint: {
            'circle-color': ['get', 'colour'],
            'circle-radius': ['case', ['get', 'selected'], 9, 6],
            'circle-stroke-color': ['case', ['get', 'selected'], '#111111', '#ffffff'],
            'circle-stroke-width': ['case', ['get', 'selected'], 3, 1.5],
          },
        },
      ],
    },
    ...(bbox ? { bounds: bbox, fitBoundsOptions: { padding: 20 } } : { center: [120.27, 30.18], zoom: 9 }),
    attributionControl: false,
  })
  const loaded = new Promise<void>((resolve) => map.once('load', () => resolve()))
  const pickers: ((id: string) => void)[] = []
  const pointers: ((lng: number, lat: number) => void)[] = []
  map.on('click', (e) => {
    const hit = map.queryRenderedFeatures(e.point, { layers: ['points', 'areas'] })[0]
    const id = hit?.properties?.id as string | undefined
    if (id !== undefined) pickers.forEach((fn) => fn(String(id)))
    else pointers.forEach((fn) => fn(e.lngLat.lng, e.lngLat.lat))
  })
  map.on('mouseenter', 'points', () => (map.getCanvas().style.cursor = 'pointer'))
  map.on('mouseleave', 'points', () => (map.getCanvas().style.cursor = ''))

  return {
    setFeatures(features, fit = false) {
      void loaded.then(() => {
        void (map.getSource('records') as GeoJSONSource).setData(collection(features))
        const b = fit ? featureBounds(features.map((f) => f.geometry)) : null
        if (b) map.fitBounds(b, { padding: 40, maxZoom: 15, duration: 0 })
      })
    },
    onPick: (fn) => void pickers.push(fn),
    onClickPoint: (fn) => void pointers.push(fn),
    async idle() {
      await loaded
      if (!map.loaded() || !map.areTilesLoaded()) await map.once('idle')
    },
    destroy: () => map.remove(),
  }
}
