import type { Feature, MultiPolygon, Polygon, Position } from 'geojson'

/** Soft, distinct fill colours for towns (light enough for labels and lines to stay readable). */
export const TOWN_PALETTE = [
  '#a6cee3', // blue
  '#b2df8a', // green
  '#fdbf6f', // orange
  '#cab2d6', // lilac
  '#fb9a99', // pink
  '#ffe08a', // yellow
  '#8dd3c7', // teal
  '#d9c2a7', // sand
] as const

type AreaFeature = Feature<MultiPolygon | Polygon, Record<string, unknown> | null>

function* vertices(geometry: MultiPolygon | Polygon): Generator<Position> {
  const polygons = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates
  for (const polygon of polygons) for (const ring of polygon) yield* ring
}

/**
 * Which areas touch: two areas are neighbours when a vertex of one lies within `eps` degrees of a
 * vertex of the other (shared edges share their end points). A spatial hash keeps it linear.
 */
export function findNeighbours(features: readonly AreaFeature[], eps = 1e-6): Set<number>[] {
  const neighbours = features.map(() => new Set<number>())
  const cells = new Map<string, Set<number>>()
  const key = (cx: number, cy: number) => `${cx}:${cy}`
  features.forEach((f, i) => {
    if (!f.geometry) return
    for (const [x, y] of vertices(f.geometry)) {
      if (x === undefined || y === undefined) continue
      const cx = Math.floor(x / eps)
      const cy = Math.floor(y / eps)
      for (let dx = -1; dx <= 1; dx++) {
        for (let dy = -1; dy <= 1; dy++) {
          const owners = cells.get(key(cx + dx, cy + dy))
          if (!owners) continue
          for (const j of owners) {
            if (j !== i) {
              neighbours[i]!.add(j)
              neighbours[j]!.add(i)
            }
          }
        }
      }
      const k = key(cx, cy)
      let own = cells.get(k)
      if (!own) cells.set(k, (own = new Set()))
      own.add(i)
    }
  })
  return neighbours
}

/**
 * Gives each area a palette index so that neighbours differ where the palette allows (greedy
 * colouring, most-connected first, ties broken by code so the result is stable), spreading the
 * palette evenly.
 */
export function colourAreas(features: readonly AreaFeature[], paletteSize: number = TOWN_PALETTE.length): number[] {
  const neighbours = findNeighbours(features)
  const code = (i: number) => String(features[i]?.properties?.code ?? i)
  const order = features.map((_, i) => i).sort((a, b) => neighbours[b]!.size - neighbours[a]!.size || code(a).localeCompare(code(b)))
  const colour = new Array<number>(features.length).fill(-1)
  const uses = new Array<number>(paletteSize).fill(0)
  for (const i of order) {
    const taken = new Array<number>(paletteSize).fill(0)
    for (const j of neighbours[i]!) {
      const c = colour[j]!
      if (c >= 0) taken[c]!++
    }
    // Among the colours no neighbour has, the one used least so far (so the palette is spread
    // out); if every colour is taken, the one fewest neighbours have.
    let best = -1
    for (let c = 0; c < paletteSize; c++) {
      if (taken[c] === 0 && (best < 0 || uses[c]! < uses[best]!)) best = c
    }
    if (best < 0) {
      best = 0
      for (let c = 1; c < paletteSize; c++) if (taken[c]! < taken[best]!) best = c
    }
    colour[i] = best
    uses[best]!++
  }
  return colour
}

/** Adds a `_fill` colour property to each feature (in place) and returns the collection. */
export function withTownColours<C extends { features: AreaFeature[] }>(collection: C): C {
  const idx = colourAreas(collection.features)
  collection.features.forEach((f, i) => {
    f.properties = { ...(f.properties ?? {}), _fill: TOWN_PALETTE[idx[i]! % TOWN_PALETTE.length] }
  })
  return collection
}

/**
 * The full view's layers (server/tiles/fullview-layers.ts): houses by use, with group rentals in a
 * strong red; organisations by type; devices by kind, alerting ones red; patrol tracks; patrol
 * coverage by days since the last patrol (green → red, the patrol_gap model's 7/14/21 days).
 */
export const HOUSE_USE_COLOURS = {
  self_occupied: '#4e79a7',
  rented: '#f28e2b',
  vacant: '#bab0ac',
  commercial: '#76b7b2',
  other: '#9c755f',
} as const
export const GROUP_RENTAL_COLOUR = '#d62728'
export const ORG_TYPE_COLOURS = { enterprise: '#6a3d9a', shop: '#1f78b4', venue: '#33a02c' } as const
export const DEVICE_KIND_COLOURS = {
  smoke_detector: '#636363',
  gas_alarm: '#8c6d31',
  gas_cylinder: '#e7ba52',
  ebike_charger: '#3182bd',
} as const
export const DEVICE_ALERT_COLOUR = '#e31a1c'
export const PATROL_COLOUR = '#0570b0'
/** Coverage fills by days since the last patrol: lower bounds and colours. */
export const COVERAGE_STOPS: readonly { value: number; colour: string }[] = [
  { value: 0, colour: '#1a9850' },
  { value: 7, colour: '#fee08b' },
  { value: 14, colour: '#fc8d59' },
  { value: 21, colour: '#d73027' },
]
