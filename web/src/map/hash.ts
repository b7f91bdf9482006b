/** True when the URL already holds a MapLibre view (`#zoom/lat/lng…`), which then wins over fitting the district. */
export function hashHasView(hash: string): boolean {
  return /^#\d+(\.\d+)?\/-?\d+(\.\d+)?\/-?\d+(\.\d+)?(\/|$)/.test(hash)
}
