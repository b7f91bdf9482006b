/** The live incident ticker's buffer: newest first, one entry per incident, bounded. */

export interface TickerItem {
  /** The incident's numeric id (updates of the same incident replace its entry). */
  id: number
  /** ISO time it was reported. */
  reportedAt: string
  /** Item code and display name of its category. */
  category: string
  categoryName: string
  address: string | null
  townName: string | null
  /** WGS84 point, when placed. */
  lngLat: [number, number] | null
  /** True for entries that arrived on the live stream (they get a highlight). */
  live: boolean
}

/** How many entries the ticker keeps (more than it shows, so a burst does not empty it). */
export const TICKER_CAPACITY = 50

/**
 * Adds an entry: a new incident goes on top; a change to one already listed replaces it where it
 * is (a status change is not news); the oldest fall off past `capacity`. Returns a new array.
 * @example pushTicker([], item).length // 1
 */
export function pushTicker(buffer: readonly TickerItem[], item: TickerItem, capacity: number = TICKER_CAPACITY): TickerItem[] {
  const at = buffer.findIndex((b) => b.id === item.id)
  if (at >= 0) {
    const next = buffer.slice()
    next[at] = { ...item, live: buffer[at]!.live || item.live }
    return next
  }
  return [item, ...buffer].slice(0, Math.max(0, capacity))
}

/**
 * Merges the latest incidents from the list API into the ticker: one entry per incident (an
 * entry received live keeps its highlight), newest report first. A reload after an outage thus
 * puts what the stream missed in its place instead of below everything already shown.
 * @example mergeTicker(live, fromApi).length <= TICKER_CAPACITY
 */
export function mergeTicker(
  buffer: readonly TickerItem[],
  latest: readonly TickerItem[],
  capacity: number = TICKER_CAPACITY,
): TickerItem[] {
  const byId = new Map(buffer.map((b) => [b.id, b]))
  for (const l of latest) if (!byId.has(l.id)) byId.set(l.id, l)
  return [...byId.values()]
    .sort((a, b) => Date.parse(b.reportedAt) - Date.parse(a.reportedAt) || b.id - a.id)
    .slice(0, Math.max(0, capacity))
}
