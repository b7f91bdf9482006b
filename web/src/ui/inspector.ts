/**
 * The inspector: details of a clicked incident (and every other incident at the same spot), H3
 * cell, warning, hazard or task, or an address's full view (ui/full-view.ts). Every code the API sends (statuses, levels, patterns, metric
 * names) is shown in words of the page's language (codeLabel), never as the code itself.
 */
import type * as H3Module from 'h3-js'

import type { ReverseResult } from '../../../server/shared/api.ts'
import { addDays, daysBetween, shanghaiDay } from '../../../server/shared/time.ts'
import { getJson } from '../api/client.ts'
import { fetchHazard, fetchIncident, fetchIncidents, fetchTask, fetchWarning, type IncidentFeature } from '../api/map-api.ts'
import { codeLabel } from '../i18n/codes.ts'
import { formatNumber, onLangChange, t, tf } from '../i18n/i18n.ts'
import type { StringKey } from '../i18n/strings.ts'
import { fullViewLabel } from '../map/fullview-labels.ts'
import { WARNING_COLOURS, type WarningLevel } from '../map/legend.ts'
import { type Bbox, incidentsQuery } from '../state/query.ts'
import type { Filters, Selection } from '../state/url.ts'
import { el, facts, formatTime, sparkline, swatch } from './dom.ts'
import { addressView } from './full-view.ts'

export interface Inspector {
  show(selection: Selection, filters: Filters): void
  hide(): void
}

/** What the map needs back: the selected thing's shape, to outline it. */
export type ShapeCallback = (geometry: GeoJSON.Geometry | null) => void

/** What the inspector asks of the page. */
export interface InspectorActions {
  /** Clears the selection (the × button). */
  onClose: () => void
  /** The selected thing's shape, to outline it on the map (null: nothing). */
  onShape: ShapeCallback
  /** Another thing to inspect (an incident of a stack). */
  onSelect(selection: Selection): void
  /** Drill to an area (from a cell's location). */
  onArea(code: string): void
}

/** Most incidents a stack lists; the rest are counted. */
export const STACK_LIST_MAX = 50

/** Per-day counts of `days` over the period starting `from` (days outside are dropped). */
export function dailyCounts(days: readonly string[], from: string, to: string): number[] {
  const out = new Array<number>(Math.max(0, daysBetween(from, to))).fill(0)
  for (const d of days) {
    const i = daysBetween(from, d)
    if (i >= 0 && i < out.length) out[i]!++
  }
  return out
}

/** A model's number as people read it: tiny p-values in scientific notation, others to 4 decimals. */
export function formatMetric(v: number): string {
  if (v !== 0 && Math.abs(v) < 1e-3) return v.toExponential(2)
  return formatNumber(Math.round(v * 1e4) / 1e4)
}

/** ISO instants as models write them (`2026-10-31T16:00:00.000Z`). */
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/

/**
 * A warning's metrics as label → value rows in the page's language: names from `metric.*`,
 * numbers formatted, instants in Shanghai time, patterns, statuses and severities in words, a
 * per-category JSON object as "code × n" (`kind` tells a hazard's status from a task's).
 * @example metricRows({ pattern: 'new_hot', p: 0.0001 }) // [['时空模式', '新增热点'], ['P 值', '1.00e-4']]
 */
export function metricRows(metrics: Readonly<Record<string, unknown>>): [string, string][] {
  const statusGroup = 'taskId' in metrics ? 'taskStatus' : 'hazardId' in metrics ? 'hazardStatus' : 'warningStatus'
  return Object.entries(metrics).map(([key, v]): [string, string] => [codeLabel('metric', key), metricValue(key, v, statusGroup)])
}

function metricValue(key: string, v: unknown, statusGroup: 'taskStatus' | 'hazardStatus' | 'warningStatus'): string {
  if (v === null || v === undefined) return '—'
  if (typeof v === 'number') return formatMetric(v)
  if (typeof v === 'boolean') return t(v ? 'value.yes' : 'value.no')
  if (typeof v !== 'string') return JSON.stringify(v)
  if (key === 'pattern') return codeLabel('pattern', v)
  if (key === 'status') return codeLabel(statusGroup, v)
  if (key === 'severity') return codeLabel('severity', v)
  if (key === 'cappedFrom') return codeLabel('level', v)
  // The full-view models' codes (server/models/kinds/*): a house's use, key-person categories, a
  // self-check's checklist (a hazard category), what links a dispute chain and its dispute types.
  if (key === 'use') return fullViewLabel('houseUse', v)
  if (key === 'keyCategories')
    return v
      .split(',')
      .map((c) => fullViewLabel('keyCategory', c))
      .join('、')
  if (key === 'checklist') return codeLabel('hazardCategory', v)
  if (key === 'by') return codeLabel('linkedBy', v)
  if (key === 'types' && v.startsWith('{')) return countsInWords(v, (code) => fullViewLabel('disputeType', code))
  if (ISO_INSTANT.test(v)) return formatTime(v)
  if (key === 'categories' && v.startsWith('{')) return countsInWords(v, (code) => code)
  return v
}

/**
 * A JSON object of counts by code as "name × n" (the text itself when it is not JSON).
 * @example countsInWords('{"0101":2}', (c) => c) // '0101 × 2'
 */
function countsInWords(json: string, name: (code: string) => string): string {
  try {
    const counts = JSON.parse(json) as Record<string, unknown>
    return Object.entries(counts)
      .map(([code, n]) => `${name(code)} × ${String(n)}`)
      .join('，')
  } catch {
    return json
  }
}

/**
 * A box around a point small enough to hold only that spot, large enough that the API's 5-decimal
 * bbox still holds it (`formatBbox` rounds to 1e-5°).
 * @example pointBox(120.1, 30.2) // [120.09998, 30.19998, 120.10002, 30.20002]
 */
export function pointBox(lng: number, lat: number): Bbox {
  const d = 2e-5
  return [lng - d, lat - d, lng + d, lat + d]
}

/**
 * The incidents exactly at a point (what the map draws as one marker with a count), newest first
 * as the API gives them.
 * @example atPoint(page.features, [120.26, 30.16]).length // 3
 */
export function atPoint(features: readonly IncidentFeature[], [lng, lat]: readonly [number, number]): IncidentFeature[] {
  return features.filter((f) => f.geometry !== null && f.geometry.coordinates[0] === lng && f.geometry.coordinates[1] === lat)
}

/**
 * The most frequent categories of a list of incidents, most first (ties by name).
 * @example topCategories([{ name: '盗窃' }, { name: '纠纷' }, { name: '盗窃' }], 5) // [['盗窃', 2], ['纠纷', 1]]
 */
export function topCategories(items: readonly { name: string }[], n: number): [string, number][] {
  const counts = new Map<string, number>()
  for (const i of items) counts.set(i.name, (counts.get(i.name) ?? 0) + 1)
  return [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, n)
}

/** The parts of h3-js the cell view uses (loaded lazily, so passed in). */
type H3 = Pick<typeof H3Module, 'latLngToCell' | 'cellToParent' | 'cellToChildren' | 'cellToBoundary' | 'getResolution'>

/**
 * The cell an incident counts in at `res`, as the server stores it (server/geo/h3.ts): the parent
 * of its res-10 cell. Near a cell's edge this is not always the cell the point lies in at `res`
 * (H3's children do not tile their parent exactly), and the map's counts are made this way.
 * @example storedCell(h3, 120.26, 30.16, 8) // '8830…'
 */
export function storedCell(h3: H3, lng: number, lat: number, res: number): string {
  const r10 = h3.latLngToCell(lat, lng, 10)
  return res === 10 ? r10 : h3.cellToParent(r10, res)
}

/**
 * A box holding every point that counts in `cell` (storedCell): the box of its res-10
 * descendants' outlines, a little wider than the hexagon itself.
 * @example membersBox(h3, '87309a446ffffff') // [minLng, minLat, maxLng, maxLat]
 */
export function membersBox(h3: H3, cell: string): Bbox {
  const res = h3.getResolution(cell)
  const cells = res >= 10 ? [cell] : h3.cellToChildren(cell, 10)
  const box: Bbox = [Infinity, Infinity, -Infinity, -Infinity]
  for (const c of cells) {
    for (const [lng, lat] of h3.cellToBoundary(c, true)) {
      box[0] = Math.min(box[0], lng!)
      box[1] = Math.min(box[1], lat!)
      box[2] = Math.max(box[2], lng!)
      box[3] = Math.max(box[3], lat!)
    }
  }
  return box
}

/** Every page of `/api/incidents` for a query (the cell and stack views read a small box). */
async function allIncidents(query: string, signal: AbortSignal): Promise<IncidentFeature[]> {
  const out: IncidentFeature[] = []
  let page = await fetchIncidents(query, signal)
  for (;;) {
    out.push(...page.features)
    if (!page.next) return out
    page = await fetchIncidents(`${query}&cursor=${page.next}`, signal)
  }
}

/** A link into the work desk (it opens there, where the record's actions are). */
function deskLink(href: string, text: string, action?: string): HTMLAnchorElement {
  const a = el('a', 'desk-action', text)
  a.href = href
  if (action) a.dataset.action = action
  return a
}

/** Mounts the inspector in `root`. */
export function mountInspector(root: HTMLElement, actions: InspectorActions): Inspector {
  const { onClose, onShape } = actions
  let current: { selection: Selection; filters: Filters } | null = null
  let abort: AbortController | null = null
  let body: HTMLElement[] = []

  const frame = (titleKey: StringKey, content: HTMLElement[]) => {
    const head = el('div', 'inspector__head')
    head.append(el('span', 'inspector__kind', t(titleKey)))
    const close = el('button', 'inspector__close', '×')
    close.type = 'button'
    close.title = t('inspector.close')
    close.setAttribute('aria-label', t('inspector.close'))
    close.addEventListener('click', onClose)
    head.append(close)
    root.replaceChildren(head, ...content)
    root.hidden = false
  }

  const kindKey = (s: Selection): StringKey => `inspector.${s.kind}` as StringKey

  /** One incident's facts. */
  const incidentFacts = (p: IncidentFeature['properties']) =>
    facts([
      [t('field.id'), p.incidentId],
      [t('field.time'), formatTime(p.reportedAt)],
      [t('field.category'), `${p.categoryName} (${p.category})`],
      [t('field.address'), p.address ?? '—'],
      [t('field.status'), codeLabel('incidentStatus', p.status)],
      [t('field.source'), p.source ?? '—'],
      // An approximate point stands for the road, village or town the address named.
      [
        t('field.geocode'),
        `${p.geocodeLevel ? codeLabel('match', p.geocodeLevel) : '—'}${p.approximate ? ` · ${t('geocode.approximate')}` : ''}`,
      ],
    ])

  /**
   * The incidents at the selected one's spot in the filter: the map draws them as one marker
   * with their count (server/tiles/layers.ts `stack`), so they are listed here, the selected one marked.
   */
  const stackList = (stack: readonly IncidentFeature[], selectedId: number): HTMLElement => {
    const list = el('ol', 'stack-list')
    list.id = 'incident-stack'
    for (const inc of stack.slice(0, STACK_LIST_MAX)) {
      const p = inc.properties
      const li = el('li', 'stack-list__item')
      const b = el('button', 'stack-list__link')
      b.type = 'button'
      b.dataset.id = String(inc.id)
      b.append(
        el('span', 'stack-list__time', formatTime(p.reportedAt)),
        el('span', 'stack-list__category', p.categoryName),
        el('span', 'stack-list__status', codeLabel('incidentStatus', p.status)),
      )
      if (inc.id === selectedId) {
        li.classList.add('stack-list__item--on')
        b.setAttribute('aria-current', 'true')
      }
      b.addEventListener('click', () => actions.onSelect({ kind: 'incident', id: String(inc.id) }))
      li.append(b)
      list.append(li)
    }
    if (stack.length > STACK_LIST_MAX) list.append(el('li', 'muted', tf('stack.more', { n: formatNumber(stack.length - STACK_LIST_MAX) })))
    return list
  }

  /** The town › village › grid a point lies in, each a button that drills there. */
  const locationTrail = (r: ReverseResult): HTMLElement => {
    const trail = el('span', 'cell-location')
    const areas = [r.town, r.village, r.grid].filter((a): a is NonNullable<typeof a> => a !== null)
    areas.forEach((a, i) => {
      if (i > 0) trail.append(el('span', 'crumbs__sep', ' › '))
      const b = el('button', 'crumbs__link', a.name)
      b.type = 'button'
      b.dataset.code = a.code
      b.title = `${t('field.drillTo')} ${a.name}`
      b.addEventListener('click', () => actions.onArea(a.code))
      trail.append(b)
    })
    if (areas.length === 0) trail.append('—')
    return trail
  }

  const load = async (s: Selection, f: Filters, signal: AbortSignal): Promise<HTMLElement[]> => {
    switch (s.kind) {
      case 'incident': {
        const inc = await fetchIncident(s.id, signal)
        onShape(inc.geometry)
        const p = inc.properties
        const c = inc.geometry?.coordinates
        const stack = c ? atPoint(await allIncidents(incidentsQuery(f, pointBox(c[0], c[1]), 10000), signal), c) : []
        if (stack.length < 2) return [el('h2', 'inspector__title', p.categoryName), incidentFacts(p)]
        return [
          el('h2', 'inspector__title', tf('stack.title', { n: formatNumber(stack.length) })),
          ...(p.address ? [el('p', 'inspector__text', p.address)] : []),
          el('p', 'muted', t('stack.note')),
          stackList(stack, inc.id),
          el('h3', 'panel-sub', t('stack.selected')),
          incidentFacts(p),
        ]
      }
      case 'cell': {
        // h3-js is only needed here: loaded on first use, in its own chunk.
        const h3 = await import('h3-js')
        if (!h3.isValidCell(s.id)) throw new Error(`not an H3 cell: ${s.id}`)
        const ring = h3.cellToBoundary(s.id, true)
        const polygon: GeoJSON.Polygon = { type: 'Polygon', coordinates: [[...ring, ring[0]!]] }
        onShape(polygon)
        const res = h3.getResolution(s.id)
        const [lat, lng] = h3.cellToLatLng(s.id)
        const where = getJson(`/api/reverse?lng=${lng.toFixed(6)}&lat=${lat.toFixed(6)}`, signal).then(
          (r) => r as ReverseResult,
          () => null,
        )
        const inBox = await allIncidents(incidentsQuery(f, membersBox(h3, s.id), 10000), signal)
        const inCell = inBox.filter((inc) => {
          const c = inc.geometry?.coordinates
          return c !== undefined && storedCell(h3, c[0], c[1], res) === s.id
        })
        // The cell layers count incidents by their H3 cell, which one placed only at a road's,
        // village's or town's point does not have (the rollups leave it out): so does this count.
        const counted = inCell.filter((inc) => !inc.properties.approximate)
        const approximate = inCell.length - counted.length
        const series = dailyCounts(
          counted.map((inc) => shanghaiDay(new Date(inc.properties.reportedAt))),
          f.from,
          f.to,
        )
        const spark = el('div', 'inspector__spark')
        spark.append(sparkline(series))
        const byCategory = el('ul', 'mini-bars')
        const top = topCategories(
          counted.map((inc) => ({ name: inc.properties.categoryName })),
          5,
        )
        for (const [name, n] of top) {
          const li = el('li')
          const bar = el('span', 'mini-bars__bar')
          bar.style.width = `${(n / Math.max(1, top[0]![1])) * 100}%`
          li.append(el('span', 'mini-bars__name', name), bar, el('span', 'mini-bars__n', formatNumber(n)))
          byCategory.append(li)
        }
        const location = await where
        const count = el('span', 'cell-count', formatNumber(counted.length))
        count.id = 'cell-count'
        return [
          el('h2', 'inspector__title mono', s.id),
          facts([
            [t('field.count'), count],
            [t('time.period'), `${f.from} – ${addDays(f.to, -1)}`],
            [t('field.cellRes'), String(res)],
            [t('field.location'), location ? locationTrail(location) : '—'],
          ]),
          ...(approximate > 0 ? [el('p', 'muted', tf('field.approximateLeftOut', { n: formatNumber(approximate) }))] : []),
          el('h3', 'panel-sub', t('field.daily')),
          spark,
          ...(top.length > 0 ? [el('h3', 'panel-sub', t('field.byCategory')), byCategory] : []),
        ]
      }
      case 'warning': {
        const w = await fetchWarning(s.id, signal)
        onShape(w.geometry as GeoJSON.Geometry)
        const p = w.properties
        const level = el('span', 'level-chip')
        level.append(swatch(WARNING_COLOURS[p.level as WarningLevel] ?? '#999'), el('span', '', codeLabel('level', p.level, p.levelName)))
        const tasks = el('ul', 'task-list')
        for (const task of w.tasks as { id?: number; title?: string; statusName?: string; status?: string }[]) {
          const status = task.status ? codeLabel('taskStatus', task.status, task.statusName) : (task.statusName ?? '')
          const li = el('li')
          li.append(
            task.id === undefined ? `#? ${task.title ?? ''}` : deskLink(`/desk/tasks/${task.id}`, `#${task.id} ${task.title ?? ''}`),
            ` · ${status}`,
          )
          tasks.append(li)
        }
        const actions = el('div', 'inspector__actions')
        actions.append(deskLink(`/desk/warnings/${w.id}`, t('desk.handle'), 'handle'))
        if (p.status === 'new' || p.status === 'acknowledged')
          actions.append(deskLink(`/desk/warnings/${w.id}?do=dispatch`, t('desk.dispatch'), 'dispatch'))
        if (w.tasks.length === 0) tasks.append(el('li', 'muted', t('field.noTasks')))
        return [
          el('h2', 'inspector__title', p.title),
          facts([
            [t('field.level'), level],
            [t('field.model'), p.modelName],
            [t('field.status'), codeLabel('warningStatus', p.status, p.statusName)],
            [t('field.firstTriggered'), formatTime(p.firstTriggeredAt)],
            [t('field.triggerCount'), formatNumber(p.triggerCount)],
          ]),
          el('h3', 'panel-sub', t('field.explanation')),
          el('p', 'inspector__text', p.explanation),
          el('h3', 'panel-sub', t('field.metrics')),
          facts(metricRows(p.metrics)),
          el('h3', 'panel-sub', t('field.tasks')),
          tasks,
          actions,
        ]
      }
      case 'hazard': {
        const h = await fetchHazard(s.id, signal)
        onShape(h.geometry)
        const p = h.properties
        return [
          el('h2', 'inspector__title', p.placeName ?? codeLabel('hazardCategory', p.category, p.categoryName)),
          facts([
            [t('field.id'), p.hazardId],
            [t('field.category'), codeLabel('hazardCategory', p.category, p.categoryName)],
            [t('field.severity'), codeLabel('severity', p.severity, p.severityName)],
            [t('field.status'), codeLabel('hazardStatus', p.status, p.statusName) + (p.overdue ? ` · ${t('field.overdue')}` : '')],
            [t('field.responsible'), p.responsibleParty ?? '—'],
            [t('field.due'), p.dueDate ?? '—'],
            [t('field.address'), p.address ?? '—'],
          ]),
          el('p', 'inspector__text', p.description),
          deskLink(`/desk/hazards/${h.id}`, t('desk.openHazard'), 'open'),
        ]
      }
      case 'task': {
        const task = await fetchTask(s.id, signal)
        onShape({ type: 'Point', coordinates: [task.lng, task.lat] })
        return [
          el('h2', 'inspector__title', task.title),
          facts([
            [t('field.status'), codeLabel('taskStatus', task.status, task.statusName) + (task.overdue ? ` · ${t('field.overdue')}` : '')],
            [t('field.team'), task.assigneeTeam],
            [t('field.area'), task.areaName],
            [t('field.due'), task.dueDate],
          ]),
          ...(task.description ? [el('p', 'inspector__text', task.description)] : []),
          deskLink(`/desk/tasks/${task.id}`, t('desk.openTask'), 'open'),
        ]
      }
      case 'address':
        // Everything tied to the address (full-view.ts): houses and masked residents, organisations, …
        return addressView(s.id, { onShape, onSelect: (x) => actions.onSelect(x), onArea: (code) => actions.onArea(code) }, signal)
    }
  }

  const render = () => {
    if (!current) return
    frame(kindKey(current.selection), body)
  }
  onLangChange(() => {
    // Labels are baked into the body: reload it in the new language.
    if (current) show(current.selection, current.filters)
  })

  const show = (selection: Selection, filters: Filters) => {
    current = { selection, filters }
    abort?.abort()
    const ac = new AbortController()
    abort = ac
    body = [el('p', 'muted', t('inspector.loading'))]
    render()
    // For tests and assistive tools: what the inspector shows and whether it has loaded.
    root.dataset.selection = `${selection.kind}:${selection.id}`
    root.dataset.state = 'loading'
    load(selection, filters, ac.signal).then(
      (content) => {
        if (ac.signal.aborted) return
        body = content
        render()
        root.dataset.state = 'ready'
      },
      (err: unknown) => {
        if (ac.signal.aborted) return
        body = [el('p', 'error', `${t('inspector.failed')}: ${err instanceof Error ? err.message : String(err)}`)]
        render()
        root.dataset.state = 'failed'
      },
    )
  }

  return {
    show,
    hide() {
      current = null
      abort?.abort()
      root.hidden = true
      root.replaceChildren()
      delete root.dataset.state
      delete root.dataset.selection
      onShape(null)
    },
  }
}
