/**
 * The whole page state in the URL hash (view, layers, filters, selection), so a link reopens the
 * same view: `#v=zoom/lat/lng&l=grid,h3&from=…&to=…&c=01,0203&a=330109001&s=incident:42`.
 */
import { type DayRange, isDay } from './time.ts'

/** The map's switchable layers, in panel order. */
export const LAYER_IDS = [
  'grid',
  'h3',
  'heat',
  'incidents',
  'hotspots',
  'warnings',
  'hazards',
  'tasks',
  // The full view (全量信息视图): houses, organisations, devices, patrol tracks and coverage.
  'houses',
  'organisations',
  'devices',
  'patrols',
  'coverage',
] as const
export type LayerId = (typeof LAYER_IDS)[number]

/** Layers shown when the URL names none. */
export const DEFAULT_LAYERS: readonly LayerId[] = ['grid', 'h3', 'incidents', 'warnings']

/** Things the inspector can show, each named by its id (an H3 index for cells, an address id of the base for addresses). */
export const SELECTION_KINDS = ['incident', 'cell', 'warning', 'hazard', 'task', 'address'] as const
export type SelectionKind = (typeof SELECTION_KINDS)[number]
export interface Selection {
  kind: SelectionKind
  id: string
}

export interface View {
  zoom: number
  lat: number
  lng: number
}

export interface Filters extends DayRange {
  /** Category codes (2-digit categories, 4-digit items); empty = all. */
  categories: string[]
  /** The drilled-down area's code, or null for the whole district. */
  area: string | null
}

export interface AppState {
  /** null until the map has a view (then the district is fitted). */
  view: View | null
  layers: LayerId[]
  filters: Filters
  selection: Selection | null
}

/** Writes the state as a hash (`#…`); the view rounded to what a screen can tell apart. */
export function encodeState(s: AppState): string {
  const parts: string[] = []
  if (s.view) parts.push(`v=${s.view.zoom.toFixed(2)}/${s.view.lat.toFixed(5)}/${s.view.lng.toFixed(5)}`)
  parts.push(`l=${s.layers.join(',')}`)
  parts.push(`from=${s.filters.from}`, `to=${s.filters.to}`)
  if (s.filters.categories.length > 0) parts.push(`c=${s.filters.categories.join(',')}`)
  if (s.filters.area) parts.push(`a=${s.filters.area}`)
  if (s.selection) parts.push(`s=${s.selection.kind}:${encodeURIComponent(s.selection.id)}`)
  return `#${parts.join('&')}`
}

/** Reads a view `zoom/lat/lng`, or null when malformed or out of range. */
function decodeView(v: string | undefined): View | null {
  const m = v?.match(/^(-?\d+(?:\.\d+)?)\/(-?\d+(?:\.\d+)?)\/(-?\d+(?:\.\d+)?)$/)
  if (!m) return null
  const [zoom, lat, lng] = [Number(m[1]), Number(m[2]), Number(m[3])]
  if (zoom < 0 || zoom > 24 || Math.abs(lat) > 85.06 || Math.abs(lng) > 180) return null
  return { zoom, lat, lng }
}

/** Splits a comma list, dropping empty entries. */
const list = (v: string | undefined) => (v ?? '').split(',').filter((x) => x !== '')

/**
 * Reads a hash back into a state; anything missing or malformed takes its default, so an old
 * or hand-edited link still opens (`today` gives the default period).
 */
export function decodeState(hash: string, defaults: { range: DayRange }): AppState {
  const params = new Map<string, string>()
  for (const part of hash.replace(/^#/, '').split('&')) {
    const eq = part.indexOf('=')
    if (eq > 0) params.set(part.slice(0, eq), part.slice(eq + 1))
  }
  const layersGiven = params.has('l')
  const layers = list(params.get('l')).filter((l): l is LayerId => (LAYER_IDS as readonly string[]).includes(l))
  let from = params.get('from') ?? ''
  let to = params.get('to') ?? ''
  if (!isDay(from) || !isDay(to) || from >= to) ({ from, to } = defaults.range)
  const categories = list(params.get('c')).filter((c) => /^\d{2}(\d{2})?$/.test(c))
  const area = params.get('a') ?? ''
  return {
    view: decodeView(params.get('v')),
    layers: layersGiven ? [...new Set(layers)] : [...DEFAULT_LAYERS],
    filters: { from, to, categories, area: /^\d{6,20}$/.test(area) ? area : null },
    selection: decodeSelection(params.get('s')),
  }
}

/** Reads `kind:id`, or null. */
function decodeSelection(s: string | undefined): Selection | null {
  if (!s) return null
  const colon = s.indexOf(':')
  const kind = s.slice(0, colon)
  let id: string
  try {
    id = decodeURIComponent(s.slice(colon + 1))
  } catch {
    return null
  }
  if (colon < 1 || !(SELECTION_KINDS as readonly string[]).includes(kind) || !/^[\w.-]{1,64}$/.test(id)) return null
  return { kind: kind as SelectionKind, id }
}
