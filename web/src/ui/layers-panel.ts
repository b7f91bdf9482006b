/**
 * The layer switches, each with its legend, and what each layer shows in time: the chosen period
 * (incidents) or the current state (hot spots, warnings, hazards, tasks) — see LAYER_TIME_BASIS.
 */
import { getJson } from '../api/client.ts'
import { formatNumber, getLang, onLangChange, t, tf } from '../i18n/i18n.ts'
import type { StringKey } from '../i18n/strings.ts'
import {
  COVERAGE_STOPS,
  DEVICE_ALERT_COLOUR,
  DEVICE_KIND_COLOURS,
  GROUP_RENTAL_COLOUR,
  HOUSE_USE_COLOURS,
  ORG_TYPE_COLOURS,
  PATROL_COLOUR,
} from '../map/colors.ts'
import { type FullViewCodeGroup, fullViewLabel } from '../map/fullview-labels.ts'
import {
  countBreaks,
  countLegend,
  HAZARD_COLOURS,
  HAZARD_SEVERITIES,
  HEAT_RAMP,
  INCIDENT_COLOUR,
  type LegendStop,
  TASK_COLOURS,
  WARNING_COLOURS,
  WARNING_LEVELS,
} from '../map/legend.ts'
import { COLORS, FULL_VIEW_MINZOOM } from '../map/style.ts'
import { HOTSPOT_MODELS } from '../map/style.ts'
import { type ListedModel, type ModelWindow, modelWindows, timeBasisNote } from '../map/time-basis.ts'
import type { DayRange } from '../state/time.ts'
import { LAYER_IDS, type LayerId } from '../state/url.ts'
import { el, swatch } from './dom.ts'

export interface LayersPanel {
  setLayers(layers: readonly LayerId[]): void
  setH3Legend(stops: LegendStop[]): void
  /** The chosen period and today (Shanghai days), for each layer's time note. */
  setPeriod(period: DayRange, today: string): void
}

/** The hot-spot models' data windows from `GET /api/models` (null if it cannot be read: the note then names none). */
async function hotspotWindows(): Promise<ModelWindow[] | null> {
  try {
    const body = (await getJson('/api/models')) as { items?: ListedModel[] }
    return modelWindows(body.items ?? [], HOTSPOT_MODELS)
  } catch {
    return null
  }
}

/** What a current-state layer shows, in words. */
const CURRENT_WHAT: Partial<Record<LayerId, StringKey>> = {
  warnings: 'basis.warnings',
  hazards: 'basis.hazards',
  tasks: 'basis.tasks',
  houses: 'basis.houses',
  organisations: 'basis.organisations',
  devices: 'basis.devices',
  patrols: 'basis.patrols',
  coverage: 'basis.coverage',
}

/** Legend rows of a colour table of full-view codes, in words. */
function codes(item: (s: HTMLElement, text: string) => void, group: FullViewCodeGroup, colours: Readonly<Record<string, string>>): void {
  for (const [code, colour] of Object.entries(colours)) item(swatch(colour, 'dot'), fullViewLabel(group, code))
}

/** Renders the legend of one layer. */
function legend(id: LayerId, h3: LegendStop[]): HTMLElement {
  const box = el('div', 'legend')
  const item = (s: HTMLElement, text: string) => {
    const row = el('span', 'legend__item')
    row.append(s, el('span', '', text))
    box.append(row)
  }
  switch (id) {
    case 'grid':
      item(swatch(COLORS.villageLine, 'line'), t('legend.boundaries'))
      break
    case 'h3':
      h3.forEach((s, i) => {
        const next = h3[i + 1]
        item(
          swatch(s.colour),
          next
            ? next.value - 1 > s.value
              ? `${formatNumber(s.value)}–${formatNumber(next.value - 1)}`
              : formatNumber(s.value)
            : `≥ ${formatNumber(s.value)}`,
        )
      })
      box.append(el('span', 'legend__note', t('legend.incidentsPerCell')))
      break
    case 'heat': {
      const bar = el('span', 'legend__ramp')
      bar.style.background = `linear-gradient(90deg, ${HEAT_RAMP.slice(1)
        .map(([, c]) => c)
        .join(', ')})`
      box.append(el('span', 'legend__note', t('legend.heatLow')), bar, el('span', 'legend__note', t('legend.heatHigh')))
      break
    }
    case 'incidents': {
      item(swatch(INCIDENT_COLOUR, 'dot'), t('legend.cluster'))
      item(swatch(INCIDENT_COLOUR, 'dot'), t('legend.point'))
      const badge = swatch(INCIDENT_COLOUR, 'count')
      badge.textContent = '3'
      item(badge, t('legend.stack'))
      break
    }
    case 'hotspots':
    case 'warnings':
      for (const level of WARNING_LEVELS)
        item(swatch(WARNING_COLOURS[level], id === 'warnings' ? 'dot' : 'box'), t(`level.${level}` as StringKey))
      if (id === 'warnings') item(swatch(TASK_COLOURS.open, 'ring'), t('legend.tasked'))
      break
    case 'hazards':
      for (const s of HAZARD_SEVERITIES) item(swatch(HAZARD_COLOURS[s], 'dot'), t(`severity.${s}` as StringKey))
      item(swatch(TASK_COLOURS.overdue, 'ring'), t('legend.overdue'))
      break
    case 'tasks':
      item(swatch(TASK_COLOURS.open, 'dot'), t('legend.open'))
      item(swatch(TASK_COLOURS.overdue, 'dot'), t('legend.overdue'))
      item(swatch(TASK_COLOURS.submitted, 'ring'), t('legend.submitted'))
      break
    case 'houses':
      item(swatch(GROUP_RENTAL_COLOUR, 'dot'), t('legend.groupRental'))
      codes(item, 'houseUse', HOUSE_USE_COLOURS)
      item(swatch(COLORS.villageLine, 'ring'), t('legend.address'))
      box.append(el('span', 'legend__note', tf('legend.zoomHint', { z: FULL_VIEW_MINZOOM.houses })))
      break
    case 'organisations':
      codes(item, 'orgType', ORG_TYPE_COLOURS)
      item(swatch(TASK_COLOURS.overdue, 'ring'), t('legend.selfCheckOverdue'))
      break
    case 'devices':
      item(swatch(DEVICE_ALERT_COLOUR, 'dot'), t('legend.alerting'))
      codes(item, 'deviceKind', DEVICE_KIND_COLOURS)
      break
    case 'patrols':
      item(swatch(PATROL_COLOUR, 'line'), t('legend.patrolTrack'))
      break
    case 'coverage':
      COVERAGE_STOPS.forEach((s, i) => {
        const next = COVERAGE_STOPS[i + 1]
        item(
          swatch(s.colour),
          next ? tf('legend.coverageDays', { from: s.value, to: next.value - 1 }) : tf('legend.coverageDaysMore', { from: s.value }),
        )
      })
      break
  }
  return box
}

/** Mounts the layer panel in `root`; `onChange` gets the new layer list. */
export function mountLayersPanel(root: HTMLElement, initial: readonly LayerId[], onChange: (layers: LayerId[]) => void): LayersPanel {
  let layers = new Set(initial)
  let h3 = countLegend(countBreaks(50))
  let period: { range: DayRange; today: string } | null = null
  let windows: ModelWindow[] | null | undefined
  let windowsAsked = false

  /** The note under a layer's legend: the period it counts, or that it is the current state (and of what). */
  const timeNote = (id: LayerId): HTMLElement | null => {
    if (!period) return null
    const note = timeBasisNote(id, period.range, period.today)
    if (!note) return null
    const box = el('div', `time-note${note.stressed ? ' time-note--stressed' : ''}`)
    box.dataset.basis = note.key === 'basis.period' ? 'period' : 'current'
    box.append(el('span', 'time-note__basis', tf(note.key, note.params)))
    const what = CURRENT_WHAT[id]
    if (what) box.append(el('span', 'time-note__what', t(what)))
    if (id === 'hotspots') {
      if (!windowsAsked) {
        windowsAsked = true
        void hotspotWindows().then((w) => {
          windows = w
          render()
        })
      }
      const lang = getLang()
      const list = (windows ?? [])
        .map((w) =>
          w.days ? tf('basis.hotspotRun', { model: w.name[lang], ...w.days }) : tf('basis.hotspotNoRun', { model: w.name[lang] }),
        )
        .join(lang === 'zh' ? '；' : '; ')
      box.append(el('span', 'time-note__what', tf('basis.hotspots', { windows: list || '—' })))
    }
    return box
  }

  const render = () => {
    root.replaceChildren(el('h2', 'panel-title', t('layers.title')))
    for (const id of LAYER_IDS) {
      const row = el('div', 'layer-row')
      row.dataset.layer = id
      const label = el('label', 'layer-row__label')
      const box = el('input')
      box.type = 'checkbox'
      box.checked = layers.has(id)
      box.name = `layer-${id}`
      box.addEventListener('change', () => {
        if (box.checked) layers.add(id)
        else layers.delete(id)
        onChange(LAYER_IDS.filter((l) => layers.has(l)))
        render()
      })
      label.append(box, el('span', '', t(`layer.${id}` as StringKey)))
      row.append(label)
      if (layers.has(id)) {
        row.append(legend(id, h3))
        const note = timeNote(id)
        if (note) row.append(note)
      }
      root.append(row)
    }
  }
  onLangChange(render)

  return {
    setLayers(next) {
      layers = new Set(next)
      render()
    },
    setH3Legend(stops) {
      h3 = stops
      render()
    },
    setPeriod(range, today) {
      if (period && period.range.from === range.from && period.range.to === range.to && period.today === today) return
      period = { range: { from: range.from, to: range.to }, today }
      render()
    },
  }
}
