/**
 * The layout and update rule desk pages share: filters on top, a list on the left, the chosen
 * record (under an optional mini map) on the right; a new address reloads the list only when its
 * filters changed, and the record only when another one is chosen.
 */
import { getJson } from '../api/client.ts'
import { el } from '../ui/dom.ts'
import { track } from '../ui/idle.ts'
import { createMiniMap, type MiniMap } from '../ui/minimap.ts'
import type { DeskView } from './context.ts'
import { button, refusal } from './form.ts'
import type { PagedList } from './paged.ts'
import type { DeskRoute } from './routes.ts'
import { dt } from './strings.ts'

/** The parts of a list-and-record page. */
export interface Split {
  filters: HTMLFormElement
  listHead: HTMLElement
  list: HTMLElement
  mapBox: HTMLElement
  detail: HTMLElement
  /** The list column, for pages that add tabs or tools above the list. */
  left: HTMLElement
}

/** Lays a list-and-record page out in `root` (`map`: a mini-map box above the record). */
export function splitLayout(root: HTMLElement, opts: { map: boolean; filtersInList?: boolean }): Split {
  const filters = el('form', 'desk-filters')
  filters.setAttribute('role', 'search')
  const list = el('div', 'desk-list')
  list.setAttribute('role', 'list')
  const listHead = el('div', 'desk-list-head')
  const mapBox = el('div', 'desk-minimap')
  const detail = el('div', 'desk-detail')
  const left = el('div', 'desk-col desk-col--list')
  left.append(...(opts.filtersInList ? [filters] : []), listHead, list)
  const right = el('div', 'desk-col desk-col--detail')
  right.append(...(opts.map ? [mapBox] : []), detail)
  const body = el('div', 'desk-split')
  body.append(left, right)
  root.append(...(opts.filtersInList ? [] : [filters]), body)
  return { filters, listHead, list, mapBox, detail, left }
}

/**
 * Opens a page's mini map in its box: awaited by the page's idle signal and marked
 * `data-ready` once drawn (a click then lands where it is aimed); `ready` wires it up unless the
 * page has gone meanwhile (`gone`); a map that cannot start says why in its box.
 * @example void openMiniMap(mapBox, () => destroyed, (m) => { miniMap = m; m.onPick(go); renderMap() })
 */
export function openMiniMap(mapBox: HTMLElement, gone: () => boolean, ready: (m: MiniMap) => void): Promise<void> {
  return track(createMiniMap(mapBox, null)).then(
    (m) => {
      if (gone()) return m.destroy()
      ready(m)
      void track(m.idle().then(() => (mapBox.dataset.ready = 'true')))
    },
    (err: unknown) => void mapBox.replaceChildren(el('p', 'desk-hint', refusal(err))),
  )
}

/** What a list-and-record page does when its address changes. */
export interface SplitPage {
  /** The address the page shows now. */
  current(): { params: URLSearchParams; id: string | null }
  /** Takes the new address as its own. */
  set(next: DeskRoute): void
  renderFilters(): void
  load(): Promise<void>
  renderList(): void
  showDetail(): Promise<void>
  destroy(): void
  /** What of the query string the list depends on (default: all of it). */
  filterKey?(params: URLSearchParams): string
}

/** The page's view: new filters reload the list; another record re-marks the list and loads it. */
export function splitView(page: SplitPage): DeskView {
  const key = (p: URLSearchParams) => (page.filterKey ? page.filterKey(p) : p.toString())
  return {
    update(next) {
      const now = page.current()
      const reload = key(next.params) !== key(now.params)
      const reselect = next.id !== now.id
      page.set(next)
      if (reload) {
        page.renderFilters()
        void track(page.load())
      } else if (reselect) page.renderList()
      if (reselect) void track(page.showDetail())
    },
    destroy: () => page.destroy(),
  }
}

/**
 * Loads one record into the record pane: "loading", then `render`, or the server's refusal in its
 * words ("not found" for another area's record, as for none). A record chosen meanwhile wins.
 */
export async function showRecord<T>(
  detail: HTMLElement,
  url: string,
  stillWanted: () => boolean,
  render: (record: T) => void,
): Promise<void> {
  detail.replaceChildren(el('p', 'desk-loading', dt('desk.loading')))
  let record: T
  try {
    record = (await getJson(url)) as T
  } catch (err) {
    if (stillWanted()) detail.replaceChildren(el('p', 'desk-error', refusal(err)))
    return
  }
  if (stillWanted()) render(record)
}

/**
 * Loads a page's list (./paged.ts) into `list`: 载入中 meanwhile for a first page, a refusal in the
 * server's words; then `loaded(more)`. An answer a newer load overtook does nothing.
 * @example await loadList(list, rows, more, (more) => { if (!more) needFit = true; renderList() })
 */
export async function loadList<F>(list: HTMLElement, rows: PagedList<F>, more: boolean, loaded: (more: boolean) => void): Promise<void> {
  if (!more) list.replaceChildren(el('p', 'desk-loading', dt('desk.loading')))
  try {
    if (await rows.load(more)) loaded(more)
  } catch (err) {
    list.replaceChildren(el('p', 'desk-error', `${dt('desk.failed')}: ${refusal(err)}`))
  }
}

/**
 * Appends 加载更多 to `list` while `rows` has a next page; a click runs `loadMore` (tracked by the page's idle signal).
 * @example appendMore(list, rows, () => load(true))
 */
export function appendMore(list: HTMLElement, rows: PagedList<unknown>, loadMore: () => Promise<void>): void {
  if (rows.next === null) return
  const more = button(dt('desk.more'), 'plain', 'more')
  more.addEventListener('click', () => void track(loadMore()))
  list.append(more)
}
