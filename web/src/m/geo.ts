/** Distances and the order of a grid worker's tasks: pure functions, tested beside them. */

/**
 * Metres between two WGS84 points (haversine; plenty for a grid's scale).
 * @example Math.round(metresBetween([120, 30], [120, 30.001])) // 111
 */
export function metresBetween(a: readonly [number, number], b: readonly [number, number]): number {
  const rad = Math.PI / 180
  const dLat = (b[1] - a[1]) * rad
  const dLng = (b[0] - a[0]) * rad
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a[1] * rad) * Math.cos(b[1] * rad) * Math.sin(dLng / 2) ** 2
  return 2 * 6_371_008.8 * Math.asin(Math.min(1, Math.sqrt(h)))
}

export interface TaskToOrder {
  id: number
  overdue: boolean
  dueDate: string
  lng: number
  lat: number
}

/**
 * A worker's tasks in the order to do them: overdue first (the longest overdue first), then the
 * nearest to where the worker stands (when the phone knows), then the earliest due.
 * @example orderTasks([{ id: 1, overdue: false, dueDate: '2026-12-09', lng: 120.01, lat: 30 }, { id: 2, overdue: false, dueDate: '2026-12-20', lng: 120, lat: 30 }], [120, 30]).map((t) => t.id) // [2, 1]
 */
export function orderTasks<T extends TaskToOrder>(tasks: readonly T[], here: readonly [number, number] | null): T[] {
  const distance = (t: T) => (here ? metresBetween(here, [t.lng, t.lat]) : 0)
  return [...tasks].sort(
    (a, b) =>
      Number(b.overdue) - Number(a.overdue) ||
      (a.overdue && b.overdue ? a.dueDate.localeCompare(b.dueDate) : 0) ||
      distance(a) - distance(b) ||
      a.dueDate.localeCompare(b.dueDate) ||
      a.id - b.id,
  )
}

/**
 * A distance in words for a list: metres under a kilometre, else kilometres to one decimal.
 * @example distanceText(340) // { m: 340 }
 * @example distanceText(2345) // { km: '2.3' }
 */
export function distanceText(metres: number): { m: number } | { km: string } {
  return metres < 1000 ? { m: Math.round(metres / 10) * 10 } : { km: (metres / 1000).toFixed(1) }
}

/** Where the phone is, if it will say within `timeoutMs` (null: refused, unavailable or too slow). */
export function currentPosition(timeoutMs = 8000): Promise<{ lng: number; lat: number; accuracy: number } | null> {
  if (typeof navigator === 'undefined' || !('geolocation' in navigator)) return Promise.resolve(null)
  return new Promise((resolve) => {
    navigator.geolocation.getCurrentPosition(
      (p) => resolve({ lng: p.coords.longitude, lat: p.coords.latitude, accuracy: Math.round(p.coords.accuracy) }),
      () => resolve(null),
      { enableHighAccuracy: true, timeout: timeoutMs, maximumAge: 60_000 },
    )
  })
}
