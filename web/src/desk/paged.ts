/**
 * A keyset-paged list as the desk's list pages hold it: the rows so far, the cursor of the next
 * page and how many match. A new load replaces the rows, 加载更多 appends, and an answer a newer
 * load has overtaken (filters changed while it was on its way) is dropped, so the list never shows
 * the rows of filters the user has left.
 */

/** What a keyset-paged answer carries beside its rows (`numberMatched` on the first page only). */
export interface KeysetPage {
  next: string | null
  numberMatched?: number | undefined
}

export interface PagedList<F> {
  readonly items: readonly F[]
  /** The cursor of the next page, or null at the end. */
  readonly next: string | null
  /** How many match (the first page's `numberMatched`), or null when the API does not say. */
  readonly total: number | null
  /** Loads the first page (replacing the rows) or, with `more`, the next; false when a newer load overtook this one (answer or failure). */
  load(more?: boolean): Promise<boolean>
}

/**
 * Holds a keyset-paged list read through `fetchPage(cursor)`.
 * @example const rows = pagedList((cursor) => fetchDisputes(cursor), (p) => p.features); if (await rows.load()) render(rows.items)
 */
export function pagedList<F, P extends KeysetPage>(
  fetchPage: (cursor: string | null) => Promise<P>,
  rowsOf: (page: P) => readonly F[],
): PagedList<F> {
  let items: readonly F[] = []
  let next: string | null = null
  let total: number | null = null
  let latest = 0
  return {
    get items() {
      return items
    },
    get next() {
      return next
    },
    get total() {
      return total
    },
    async load(more = false) {
      const mine = ++latest
      let page: P
      try {
        page = await fetchPage(more ? next : null)
      } catch (err) {
        // An overtaken load's failure is no more the list's than its answer would be.
        if (mine !== latest) return false
        throw err
      }
      if (mine !== latest) return false
      items = more ? [...items, ...rowsOf(page)] : rowsOf(page)
      next = page.next
      if (!more) total = page.numberMatched ?? null
      return true
    },
  }
}
