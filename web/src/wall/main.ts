/**
 * The command-center wall (/wall): KPI cards, the town ranking, a live ticker and map flashes from
 * the stream, a rotating town focus, clock and freshness. No interaction. It keeps the last known
 * data on screen through any outage, reconnects with backoff, resumes the stream where it left off,
 * and reloads itself only as a last resort once the server answers again.
 */
import 'maplibre-gl/dist/maplibre-gl.css'
import './wall.css'
import '../map/worker.ts'

import type { FeatureCollection } from 'geojson'
import type { Map as MapLibreMap } from 'maplibre-gl'

import type {
  CategoriesResponse,
  IncidentChange,
  IncidentFeature,
  RankingResponse,
  SummaryResponse,
  Task,
  WarningFeature,
} from '../../../server/shared/api.ts'
import { fetchBoundaries, fetchConfig, fetchLabels } from '../api/client.ts'
import { type AppConfig, LABEL_LEVELS, type LabelLevel } from '../api/types.ts'
import { getLang } from '../i18n/i18n.ts'
import { reconnectDelay, RELOAD_POLICY, shouldReload } from '../live/backoff.ts'
import { openStream } from '../live/stream.ts'
import {
  fetchAreaStats,
  fetchCategories,
  fetchLatestIncidents,
  fetchOpenTasks,
  fetchOpenWarnings,
  fetchSummary,
  fetchTownRanking,
  serverIsUp,
} from './data.ts'
import { isStale, type StreamState } from './freshness.ts'
import { computeKpis, sortedRanking, totalsByArea, townFocus, wallPeriods } from './kpi.ts'
import { createWallMap, type WallMap } from './map.ts'
import { rotationOrder, rotationStep } from './rotation.ts'
import { fitStage, stageTransform } from './scale.ts'
import { mergeTicker, pushTicker, type TickerItem } from './ticker.ts'
import {
  applyStrings,
  markRankingFocus,
  renderClock,
  renderFocus,
  renderKpis,
  renderRanking,
  renderStatus,
  renderTicker,
  restartFocusProgress,
} from './view.ts'

declare global {
  interface Window {
    /** For tests and the benchmark: resolves once every panel is filled and the map is idle. */
    __wall?: { ready: Promise<void>; map: MapLibreMap | null; readyAt: number | null }
  }
}

const lang = getLang()
const params = new URLSearchParams(location.search)
/** How long the focus stays on each town (ms); `?dwell=` shortens it for tests and demos. */
const DWELL_MS = Math.max(3_000, Number(params.get('dwell')) || 15_000)
const REFRESH_MS = 60_000
const RANKING_REFRESH_MS = 10 * 60_000
/** A live incident reported longer ago than this is an import of old data: no flash, no ticker entry. */
const LIVE_WINDOW_MS = 24 * 3_600_000

interface Town {
  code: string
  name: string
  centre: [number, number]
}

/** Everything last known: kept through outages, replaced only by good answers. */
const data = {
  config: null as AppConfig | null,
  today: null as SummaryResponse | null,
  month: null as SummaryResponse | null,
  /** Incidents per focus area today and this month. */
  todayByArea: null as Map<string, number> | null,
  monthByArea: null as Map<string, number> | null,
  warnings: null as WarningFeature[] | null,
  tasks: null as Task[] | null,
  ranking: undefined as RankingResponse | null | undefined,
  categories: new Map<string, string>(),
  /** Every town, for the ticker's town names. */
  towns: new Map<string, Town>(),
  /** The areas the focus card rotates over: every town, or a scoped user's own areas. */
  focus: new Map<string, Town & { level: string }>(),
  ticker: [] as TickerItem[],
  tickerLoaded: false,
}
const status = {
  stream: 'connecting' as StreamState,
  attempt: 0,
  lastDataMs: null as number | null,
  lastEventMs: null as number | null,
  downSinceMs: null as number | null,
}
let wallMap: WallMap | null = null
let focusCode: string | null = null
const freshTicker = new Set<number>()

/** Logs a failed refresh without alarming the console (the screen shows staleness instead). */
const quiet = (what: string) => (err: unknown) =>
  console.warn(`wall: ${what} failed, keeping the last data:`, err instanceof Error ? err.message : err)

/** Keeps the 1920×1080 stage fitted to the window. */
function fitToWindow(): void {
  const fit = fitStage(window.innerWidth, window.innerHeight)
  const stage = document.getElementById('wall-stage')
  if (stage) stage.style.transform = stageTransform(fit)
  // The map lays out at stage size; draw it at the screen's real resolution so a 4K wall is sharp
  // (and a small screen does not pay for pixels it cannot show).
  wallMap?.map.setPixelRatio(window.devicePixelRatio * fit.scale)
}

/** Retries `fn` with backoff until it succeeds: the wall never gives up on start-up data. */
async function untilDone<T>(what: string, fn: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn()
    } catch (err) {
      quiet(what)(err)
      await new Promise((r) => setTimeout(r, reconnectDelay(attempt)))
    }
  }
}

/** Marks fresh data and redraws whatever depends on it. */
function gotData(): void {
  status.lastDataMs = Date.now()
  if (data.today && data.month && data.warnings && data.tasks) {
    renderKpis(computeKpis({ today: data.today, month: data.month, warnings: data.warnings, tasks: data.tasks }), lang)
  }
  renderCurrentFocus()
}

const refreshers = {
  async counts() {
    const p = wallPeriods(new Date())
    // A scoped user's summaries are their areas' (the server's default); per-area totals come from
    // each of their areas, a district user's from the district's children (every town at once).
    const parents = data.config?.scope ? data.config.scope.areas.map((a) => a.code) : data.config ? [data.config.district.code] : []
    const perArea = (period: { from: string; to: string }) =>
      Promise.all(parents.map((code) => fetchAreaStats(code, period))).then((all) => totalsByArea(...all))
    const [today, month, todayByArea, monthByArea] = await Promise.all([
      fetchSummary(p.today),
      fetchSummary(p.month),
      perArea(p.today),
      perArea(p.month),
    ])
    Object.assign(data, { today, month, todayByArea, monthByArea })
    gotData()
  },
  async warnings() {
    data.warnings = await fetchOpenWarnings()
    gotData()
    await wallMap?.setWarnings(data.warnings)
  },
  async tasks() {
    data.tasks = await fetchOpenTasks()
    gotData()
  },
  async ranking() {
    data.ranking = await fetchTownRanking()
    renderRanking(data.ranking, sortedRanking(data.ranking), focusCode, lang)
    const colours = new Map((data.ranking?.areas ?? []).map((a) => [a.code, a.colour] as const))
    wallMap?.setColours(colours)
    gotData()
  },
  async ticker() {
    const page = await fetchLatestIncidents(20)
    data.ticker = mergeTicker(
      data.ticker,
      page.features.map((f) => tickerItem(f, false)),
    )
    data.tickerLoaded = true
    renderTicker(data.ticker, freshTicker, lang, new Date())
  },
}
type RefreshName = keyof typeof refreshers

const pending = new Map<RefreshName, ReturnType<typeof setTimeout>>()
/** Refreshes one data set after `delayMs`, once however many events ask for it meanwhile. */
function scheduleRefresh(name: RefreshName, delayMs: number): void {
  if (pending.has(name)) return
  pending.set(
    name,
    setTimeout(() => {
      pending.delete(name)
      refreshers[name]().catch(quiet(name))
    }, delayMs),
  )
}

/** Refreshes everything now; resolves when all have answered or failed. */
function refreshAll(): Promise<unknown> {
  return Promise.allSettled((Object.keys(refreshers) as RefreshName[]).map((n) => refreshers[n]().catch(quiet(n))))
}

/** A ticker entry from an incident of the list API or the stream. */
function tickerItem(f: IncidentFeature | IncidentChange['feature'], live: boolean): TickerItem {
  const p = f.properties
  const str = (v: unknown) => (typeof v === 'string' ? v : null)
  const category = str(p.category) ?? ''
  const town = str(p.townCode)
  return {
    id: f.id,
    reportedAt: str(p.reportedAt) ?? new Date().toISOString(),
    category,
    categoryName: str(p.categoryName) ?? data.categories.get(category) ?? category,
    address: str(p.address),
    townName: town ? (data.towns.get(town)?.name ?? null) : null,
    lngLat: f.geometry ? [f.geometry.coordinates[0], f.geometry.coordinates[1]] : null,
    live,
  }
}

function isIncidentChange(v: unknown): v is IncidentChange['feature'] {
  if (typeof v !== 'object' || v === null) return false
  const f = v as Partial<IncidentChange['feature']>
  return typeof f.id === 'number' && typeof f.properties === 'object' && f.properties !== null
}

/** One stream event: incidents go to the ticker and flash on the map; every kind refreshes its numbers. */
function onStreamEvent(type: string, payload: unknown): void {
  status.lastEventMs = Date.now()
  if (type === 'incident' && isIncidentChange(payload)) {
    const item = tickerItem(payload, true)
    if (Date.now() - Date.parse(item.reportedAt) < LIVE_WINDOW_MS) {
      const isNew = !data.ticker.some((t) => t.id === item.id)
      data.ticker = pushTicker(data.ticker, item)
      if (isNew) {
        freshTicker.add(item.id)
        setTimeout(() => freshTicker.delete(item.id), 1500)
        if (item.lngLat) wallMap?.flash(item.id, item.lngLat)
      }
      renderTicker(data.ticker, freshTicker, lang, new Date())
    }
    scheduleRefresh('counts', 1_000)
  } else if (type === 'warning') scheduleRefresh('warnings', 1_000)
  else if (type === 'task') scheduleRefresh('tasks', 1_000)
  else if (type === 'hazard') scheduleRefresh('tasks', 2_000) // a hazard closing out can close its tasks
  tick()
}

/** Reloads the page once the stream has been down for long and the server answers again. */
async function maybeReload(): Promise<void> {
  const now = Date.now()
  const cheap = { downSinceMs: status.downSinceMs, nowMs: now, attempts: status.attempt, serverUp: true }
  if (!shouldReload(cheap, RELOAD_POLICY)) return
  if (shouldReload({ ...cheap, serverUp: await serverIsUp() }, RELOAD_POLICY)) location.reload()
}

function connectStream(): void {
  openStream({
    onEvent: onStreamEvent,
    onState(state, attempt) {
      status.stream = state
      status.attempt = attempt
      if (state === 'live') status.downSinceMs = null
      else if (state === 'reconnecting') {
        status.downSinceMs ??= Date.now()
        void maybeReload()
      }
      tick()
    },
    onOpen(reconnected) {
      // Whatever the polls missed while the server was away: read it all again.
      if (reconnected) {
        void refreshAll()
        wallMap?.reloadTiles()
      }
    },
  })
}

/** The town in focus with its current numbers. */
function renderCurrentFocus(): void {
  const area = focusCode ? data.focus.get(focusCode) : undefined
  if (!area) return
  renderFocus(
    townFocus(area.code, area.name, {
      today: data.todayByArea,
      month: data.monthByArea,
      warnings: data.warnings ?? [],
      tasks: data.tasks ?? [],
      ranking: data.ranking ?? null,
      level: area.level,
    }),
    lang,
  )
}

function rotationCodes(): string[] {
  const ranks = new Map((data.ranking?.areas ?? []).map((a) => [a.code, a.rank] as const))
  return rotationOrder([...data.focus.keys()], ranks)
}

/** When the focus moves on next (ms since epoch), for a progress bar started after the first render. */
let focusDeadline: { at: number; ms: number } | null = null
let settled = false

/** The dwell progress bar: runs once the first render is complete (see settle()). */
function showFocusProgress(msToNext: number): void {
  focusDeadline = { at: Date.now() + msToNext, ms: msToNext }
  if (settled) restartFocusProgress(msToNext)
}

/**
 * Starts the screen's endless motion (the live dot's breathing, the dwell bar) once the first
 * complete render is on screen: under software rendering each animated frame costs the CPU that
 * the map's first frames need.
 */
function settle(): void {
  settled = true
  document.documentElement.dataset.settled = ''
  if (focusDeadline) {
    const left = Math.max(0, focusDeadline.at - Date.now())
    restartFocusProgress(left, 1 - left / focusDeadline.ms)
  }
}

/** Moves the focus to the town the clock says, flying there unless this is the first step. */
function startRotation(): void {
  const started = Date.now()
  let first = true
  const step = () => {
    const codes = rotationCodes()
    const s = rotationStep(started, Date.now(), DWELL_MS, codes.length)
    const code = codes[s.index] ?? null
    if (code !== focusCode || first) {
      focusCode = code
      const town = code ? data.focus.get(code) : undefined
      // The first town is shown on the whole-district view (the first render stays the overview).
      wallMap?.focus(code, first ? null : (town?.centre ?? null), !first)
      markRankingFocus(code)
      renderCurrentFocus()
      showFocusProgress(s.msToNext)
    }
    first = false
    setTimeout(step, s.msToNext + 20)
  }
  step()
}

/** Clock, freshness and the stale state, every second. */
function tick(): void {
  const now = Date.now()
  renderClock(new Date(now), lang)
  renderStatus({ ...status, stale: isStale({ stream: status.stream, lastDataMs: status.lastDataMs, nowMs: now }), nowMs: now }, lang)
}

/**
 * Town names and label points (for the ticker), and the focus areas: every town, or a scoped
 * user's own areas (a grid worker's grids) with their label points.
 */
async function loadTowns(config: Promise<AppConfig>): Promise<void> {
  const labels = await fetchLabels('town')
  for (const f of labels.features) {
    const [lng, lat] = f.geometry.coordinates
    if (lng === undefined || lat === undefined) continue
    data.towns.set(f.properties.code, { code: f.properties.code, name: f.properties.name, centre: [lng, lat] })
  }
  const scope = (await config).scope
  if (!scope) {
    for (const t of data.towns.values()) data.focus.set(t.code, { ...t, level: 'town' })
    return
  }
  const mine = new Set(scope.areas.map((a) => a.code))
  for (const level of new Set(scope.areas.map((a) => a.level))) {
    if (!(LABEL_LEVELS as readonly string[]).includes(level)) continue
    const fc = level === 'town' ? labels : await fetchLabels(level as LabelLevel)
    for (const f of fc.features) {
      const [lng, lat] = f.geometry.coordinates
      if (lng === undefined || lat === undefined || !mine.has(f.properties.code)) continue
      data.focus.set(f.properties.code, { code: f.properties.code, name: f.properties.name, centre: [lng, lat], level })
    }
  }
}

function loadCategories(cats: CategoriesResponse): void {
  for (const c of cats) for (const i of c.items) data.categories.set(i.code, lang === 'zh' ? i.nameZh : i.nameEn)
}

async function start(): Promise<void> {
  applyStrings(lang)
  fitToWindow()
  window.addEventListener('resize', fitToWindow)
  tick()
  setInterval(tick, 1_000)

  // Ask for everything the first frame needs at once: creating the map holds the main thread
  // (WebGL set-up), and answers that arrive meanwhile are handled as soon as it is free.
  const configAnswer = untilDone('config', () => fetchConfig())
  const names = Promise.all([
    untilDone('towns', () => loadTowns(configAnswer)),
    untilDone('categories', fetchCategories).then(loadCategories),
  ])
  const outline = untilDone('district outline', () => fetchBoundaries('district'))
  const config = await configAnswer
  data.config = config
  performance.mark('wall:config')
  const district = document.getElementById('wall-district')
  if (district) district.textContent = config.district.name
  // A district's own boundaries are official: no "illustrative" note under the map.
  const attrib = document.getElementById('map-attrib')
  if (attrib) attrib.hidden = !config.district.illustrative
  document.title = `平安一张图 · ${config.district.name} · 指挥中心大屏`

  let mapReady: Promise<void> = Promise.resolve()
  try {
    // A town officer's wall opens on their own area.
    wallMap = createWallMap(document.getElementById('wall-map')!, config.scope?.bbox ?? config.district.bbox)
    performance.mark('wall:map-created')
    void wallMap.styleReady.then(() => performance.mark('wall:style-loaded'))
    wallMap.map.once('load', () => performance.mark('wall:map-load'))
    fitToWindow()
    const map = wallMap
    mapReady = outline.then((fc) => map.setDistrict(fc as FeatureCollection))
  } catch (err) {
    // No WebGL: the panels still work; the map area stays dark rather than the page failing.
    console.warn('wall: no map', err)
  }
  if (window.__wall) window.__wall.map = wallMap?.map ?? null

  // Every panel must be filled before the wall counts as rendered; failures retry until they answer.
  const filled = (['counts', 'warnings', 'tasks', 'ranking'] as const).map((n) => untilDone(n, () => refreshers[n]()))
  await names
  performance.mark('wall:towns')
  connectStream()
  // The ticker names towns and categories: it waits for them.
  await Promise.all([...filled, untilDone('ticker', () => refreshers.ticker())])
  performance.mark('wall:data')
  startRotation()
  await mapReady
  if (wallMap) await wallMap.idle()

  setInterval(() => {
    for (const n of ['counts', 'warnings', 'tasks', 'ticker'] as const) scheduleRefresh(n, 0)
  }, REFRESH_MS)
  setInterval(() => scheduleRefresh('ranking', 0), RANKING_REFRESH_MS)
}

const ready = start()
void ready.then(settle, settle)
window.__wall = { ready, map: null, readyAt: null }
void ready.then(() => {
  performance.mark('wall:ready')
  if (window.__wall) window.__wall.readyAt = performance.now()
})
