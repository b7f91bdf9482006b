/**
 * What each map layer shows in time: the period chosen on the time bar, or the current state.
 * The legend says which for every layer that is on (ui/layers-panel.ts).
 */
import { addDays, shanghaiDay } from '../../../server/shared/time.ts'
import type { LayerId } from '../state/url.ts'

/**
 * How each layer relates to the period of the time bar. The incident layers count the chosen
 * period. Hot spots, warnings, hazards and tasks are the current state and stay so whatever the
 * period: warnings, hazards and tasks are the open work of today (their history is in each one's
 * inspector), and hot spots are the models' findings on their own window up to their latest run
 * (a past period's hot spots would be another analysis, not these warnings); the hexagons and
 * heatmap show where the chosen period's incidents concentrate.
 */
export const LAYER_TIME_BASIS = {
  grid: null,
  h3: 'period',
  heat: 'period',
  incidents: 'period',
  hotspots: 'current',
  warnings: 'current',
  hazards: 'current',
  tasks: 'current',
  houses: 'current',
  organisations: 'current',
  devices: 'current',
  patrols: 'current',
  coverage: 'current',
} as const satisfies Record<LayerId, 'period' | 'current' | null>

/** What the legend says about a layer and the period: a string key, its values, and whether to stress it. */
export interface TimeBasisNote {
  key: 'basis.period' | 'basis.current' | 'basis.currentPast'
  params: { from: string; to: string }
  /** A current-state layer while the period is not today's: shown as a warning. */
  stressed: boolean
}

/**
 * The legend's note on a layer's time basis for a period ([from, to), Shanghai days) seen on
 * `today`: a period layer names the period; a current-state layer says so, and says it is not the
 * period's when the period does not reach today.
 * @example timeBasisNote('hotspots', { from: '2026-10-01', to: '2026-10-08' }, '2026-11-01') // { key: 'basis.currentPast', stressed: true, … }
 */
export function timeBasisNote(layer: LayerId, period: { from: string; to: string }, today: string): TimeBasisNote | null {
  const basis = LAYER_TIME_BASIS[layer]
  if (basis === null) return null
  const last = addDays(period.to, -1)
  const params = { from: period.from, to: last }
  if (basis === 'period') return { key: 'basis.period', params, stressed: false }
  const reachesToday = period.from <= today && today < period.to
  return reachesToday ? { key: 'basis.current', params, stressed: false } : { key: 'basis.currentPast', params, stressed: true }
}

/** A model as `GET /api/models` lists it (only what the hot-spot note reads). */
export interface ListedModel {
  id: string
  definition?: { name?: { zh: string; en: string }; enabled?: boolean }
  /** The latest run that acted on warnings (live); absent from servers before previews existed. */
  lastLiveRun?: { status: string; dataFrom: string | null; dataTo: string | null } | null
  lastRun?: { status: string; mode?: string; dataFrom: string | null; dataTo: string | null } | null
}

/** The incidents a hot-spot model's warnings stand on: its latest live run's data window, as Shanghai days. */
export interface ModelWindow {
  name: { zh: string; en: string }
  /** First and last day of the data, or null when no live run has finished. */
  days: { from: string; to: string } | null
}

/**
 * The data windows of the enabled models among `ids` (the hot-spot layer's): what the hot spots
 * on the map describe, whatever the time bar says. A run's data ends before its as-of instant
 * (exclusive), so the last day is the one before it.
 * @example modelWindows([{ id: 'hotspot', definition: { name }, lastLiveRun: { status: 'done', dataFrom: '2026-10-03T16:00:00Z', dataTo: '2026-10-31T16:00:00Z' } }], ['hotspot']) // [{ name, days: { from: '2026-10-04', to: '2026-10-31' } }]
 */
export function modelWindows(models: readonly ListedModel[], ids: readonly string[]): ModelWindow[] {
  return models
    .filter((m) => ids.includes(m.id) && m.definition?.name && m.definition.enabled !== false)
    .map((m) => {
      // Before previews existed every run was live: the latest run is then the one to read.
      const run = m.lastLiveRun !== undefined ? m.lastLiveRun : m.lastRun
      const done = run && run.status === 'done' && run.dataFrom && run.dataTo ? run : null
      return {
        name: m.definition!.name!,
        days: done ? { from: shanghaiDay(new Date(done.dataFrom!)), to: shanghaiDay(new Date(Date.parse(done.dataTo!) - 1)) } : null,
      }
    })
}
