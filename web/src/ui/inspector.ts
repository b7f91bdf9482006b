/** The inspector: details of a clicked incident, H3 cell, warning, hazard or task. */
import { fetchHazard, fetchIncident, fetchIncidents, fetchTask, fetchWarning } from '../api/map-api.ts'
import { formatNumber, onLangChange, t } from '../i18n/i18n.ts'
import type { StringKey } from '../i18n/strings.ts'
import { WARNING_COLOURS, type WarningLevel } from '../map/legend.ts'
import { incidentsQuery } from '../state/query.ts'
import { addDays, daysBetween, shanghaiDay } from '../state/time.ts'
import type { Filters, Selection } from '../state/url.ts'
import { el, facts, formatTime, sparkline, swatch } from './dom.ts'

export interface Inspector {
  show(selection: Selection, filters: Filters): void
  hide(): void
}

/** What the map needs back: the selected thing's shape, to outline it. */
export type ShapeCallback = (geometry: GeoJSON.Geometry | null) => void

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

/** Mounts the inspector in `root`; `onClose` clears the selection. */
export function mountInspector(root: HTMLElement, onClose: () => void, onShape: ShapeCallback): Inspector {
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

  const load = async (s: Selection, f: Filters, signal: AbortSignal): Promise<HTMLElement[]> => {
    switch (s.kind) {
      case 'incident': {
        const inc = await fetchIncident(s.id, signal)
        onShape(inc.geometry)
        const p = inc.properties
        return [
          el('h2', 'inspector__title', p.categoryName),
          facts([
            [t('field.id'), p.incidentId],
            [t('field.time'), formatTime(p.reportedAt)],
            [t('field.category'), `${p.categoryName} (${p.category})`],
            [t('field.address'), p.address ?? '—'],
            [t('field.status'), p.status],
            [t('field.source'), p.source ?? '—'],
            // An approximate point stands for the road, village or town the address named.
            [t('field.geocode'), p.approximate ? `${p.geocodeLevel ?? '—'} · ${t('geocode.approximate')}` : (p.geocodeLevel ?? '—')],
          ]),
        ]
      }
      case 'cell': {
        // h3-js is only needed here: loaded on first use, in its own chunk.
        const h3 = await import('h3-js')
        if (!h3.isValidCell(s.id)) throw new Error(`not an H3 cell: ${s.id}`)
        const ring = h3.cellToBoundary(s.id, true)
        const polygon: GeoJSON.Polygon = { type: 'Polygon', coordinates: [[...ring, ring[0]!]] }
        onShape(polygon)
        const xs = ring.map((p) => p[0]!)
        const ys = ring.map((p) => p[1]!)
        const res = h3.getResolution(s.id)
        const inCell: string[] = []
        let page = await fetchIncidents(incidentsQuery(f, [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)], 10000), signal)
        for (;;) {
          for (const inc of page.features) {
            const c = inc.geometry?.coordinates
            if (c && h3.latLngToCell(c[1], c[0], res) === s.id) inCell.push(shanghaiDay(new Date(inc.properties.reportedAt)))
          }
          if (!page.next) break
          page = await fetchIncidents(`${incidentsQuery(f, [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)], 10000)}&cursor=${page.next}`, signal)
        }
        const series = dailyCounts(inCell, f.from, f.to)
        const spark = el('div', 'inspector__spark')
        spark.append(sparkline(series))
        return [
          el('h2', 'inspector__title mono', s.id),
          facts([
            ['H3', `res ${res}`],
            [t('field.count'), formatNumber(inCell.length)],
            [t('time.period'), `${f.from} – ${addDays(f.to, -1)}`],
          ]),
          el('h3', 'panel-sub', t('field.daily')),
          spark,
        ]
      }
      case 'warning': {
        const w = await fetchWarning(s.id, signal)
        onShape(w.geometry as GeoJSON.Geometry)
        const p = w.properties
        const level = el('span', 'level-chip')
        level.append(swatch(WARNING_COLOURS[p.level as WarningLevel] ?? '#999'), el('span', '', t(`level.${p.level}` as StringKey)))
        const metrics = Object.entries(p.metrics).map(([k, v]) => [k, typeof v === 'number' ? formatMetric(v) : JSON.stringify(v)] as const)
        const tasks = el('ul', 'task-list')
        for (const task of w.tasks as { id?: number; title?: string; statusName?: string; status?: string }[]) {
          tasks.append(el('li', '', `#${task.id ?? '?'} ${task.title ?? ''} · ${task.statusName ?? task.status ?? ''}`))
        }
        if (w.tasks.length === 0) tasks.append(el('li', 'muted', t('field.noTasks')))
        return [
          el('h2', 'inspector__title', p.title),
          facts([
            [t('field.level'), level],
            [t('field.model'), p.modelName],
            [t('field.status'), p.statusName],
            [t('field.firstTriggered'), formatTime(p.firstTriggeredAt)],
            [t('field.triggerCount'), formatNumber(p.triggerCount)],
          ]),
          el('h3', 'panel-sub', t('field.explanation')),
          el('p', 'inspector__text', p.explanation),
          el('h3', 'panel-sub', t('field.metrics')),
          facts(metrics),
          el('h3', 'panel-sub', t('field.tasks')),
          tasks,
        ]
      }
      case 'hazard': {
        const h = await fetchHazard(s.id, signal)
        onShape(h.geometry)
        const p = h.properties
        return [
          el('h2', 'inspector__title', p.placeName ?? p.categoryName),
          facts([
            [t('field.id'), p.hazardId],
            [t('field.category'), p.categoryName],
            [t('field.severity'), p.severityName],
            [t('field.status'), p.statusName + (p.overdue ? ` · ${t('field.overdue')}` : '')],
            [t('field.responsible'), p.responsibleParty ?? '—'],
            [t('field.due'), p.dueDate ?? '—'],
            [t('field.address'), p.address ?? '—'],
          ]),
          el('p', 'inspector__text', p.description),
        ]
      }
      case 'task': {
        const task = await fetchTask(s.id, signal)
        onShape({ type: 'Point', coordinates: [task.lng, task.lat] })
        return [
          el('h2', 'inspector__title', task.title),
          facts([
            [t('field.status'), task.statusName + (task.overdue ? ` · ${t('field.overdue')}` : '')],
            [t('field.team'), task.assigneeTeam],
            [t('field.area'), task.areaName],
            [t('field.due'), task.dueDate],
          ]),
          ...(task.description ? [el('p', 'inspector__text', task.description)] : []),
        ]
      }
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
    load(selection, filters, ac.signal).then(
      (content) => {
        if (ac.signal.aborted) return
        body = content
        render()
      },
      (err: unknown) => {
        if (ac.signal.aborted) return
        body = [el('p', 'error', `${t('inspector.failed')}: ${err instanceof Error ? err.message : String(err)}`)]
        render()
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
      onShape(null)
    },
  }
}
