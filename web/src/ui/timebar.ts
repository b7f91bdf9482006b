/** The time bar: a histogram of incidents per day/week to brush a period on, and playback. */
import { addDays } from '../../../server/shared/time.ts'
import { fetchTimeseries } from '../api/map-api.ts'
import { formatNumber, onLangChange, t } from '../i18n/i18n.ts'
import { timeseriesQuery } from '../state/query.ts'
import { type DayRange, PLAYBACK_SPEEDS, type PlaybackSpeed, type PlaybackStep, stepInterval, stepWindow } from '../state/time.ts'
import type { Filters } from '../state/url.ts'
import { el } from './dom.ts'
import { brushRange, dayAtX, layoutBars, pickBucket, rangeToPixels } from './histogram-scale.ts'

const NS = 'http://www.w3.org/2000/svg'
const HEIGHT = 56

export interface TimeBar {
  /** New filters: redraws the selection, and refetches the series when categories or area changed. */
  setFilters(f: Filters): void
  /** Stops playback. */
  stop(): void
}

/** Mounts the time bar in `root`; `onPeriod` gets a newly chosen period. */
export function mountTimeBar(root: HTMLElement, domain: DayRange, initial: Filters, onPeriod: (r: DayRange) => void): TimeBar {
  let filters = initial
  let series: { bucket: string; n: number }[] = []
  let seriesKey = ''
  let step: PlaybackStep = 'day'
  let speed: PlaybackSpeed = 1
  let timer: ReturnType<typeof setInterval> | null = null
  let brush: { a: string; b: string } | null = null
  let abort: AbortController | null = null

  const controls = el('div', 'timebar__controls')
  const play = el('button', 'timebar__play')
  play.type = 'button'
  play.id = 'play-toggle'
  const stepSelect = el('select', 'timebar__step')
  stepSelect.id = 'play-step'
  const speedSelect = el('select', 'timebar__speed')
  speedSelect.id = 'play-speed'
  const period = el('span', 'timebar__period')
  period.id = 'period-label'
  controls.append(play, stepSelect, speedSelect, period)
  const chart = el('div', 'timebar__chart')
  const svg = document.createElementNS(NS, 'svg')
  svg.id = 'histogram'
  svg.setAttribute('height', String(HEIGHT))
  chart.append(svg)
  root.append(controls, chart)

  const width = () => Math.max(100, chart.clientWidth)

  const renderControls = () => {
    play.textContent = timer ? `❚❚ ${t('time.pause')}` : `▶ ${t('time.play')}`
    play.setAttribute('aria-pressed', String(timer !== null))
    stepSelect.replaceChildren(
      new Option(t('time.stepDay'), 'day', false, step === 'day'),
      new Option(t('time.stepWeek'), 'week', false, step === 'week'),
    )
    speedSelect.title = t('time.speed')
    speedSelect.replaceChildren(...PLAYBACK_SPEEDS.map((s) => new Option(`${s}×`, String(s), false, s === speed)))
    const total = series.reduce((sum, b) => (b.bucket >= filters.from && b.bucket < filters.to ? sum + b.n : sum), 0)
    period.textContent = `${filters.from} – ${addDays(filters.to, -1)}${series.length ? ` · ${formatNumber(total)} ${t('time.incidents')}` : ''}`
    chart.title = t('time.hint')
  }

  const renderChart = () => {
    const w = width()
    svg.setAttribute('width', String(w))
    svg.replaceChildren()
    const shown = brush ? brushRange(brush.a, brush.b) : filters
    for (const bar of layoutBars(series, domain, shown, w, HEIGHT - 4)) {
      const r = document.createElementNS(NS, 'rect')
      r.setAttribute('x', bar.x.toFixed(1))
      r.setAttribute('y', (HEIGHT - bar.height).toFixed(1))
      r.setAttribute('width', bar.width.toFixed(1))
      r.setAttribute('height', bar.height.toFixed(1))
      r.setAttribute('class', bar.selected ? 'bar bar--on' : 'bar')
      const title = document.createElementNS(NS, 'title')
      title.textContent = `${bar.day}: ${bar.n}`
      r.append(title)
      svg.append(r)
    }
    const sel = rangeToPixels(shown, w, domain)
    const frame = document.createElementNS(NS, 'rect')
    frame.setAttribute('x', sel.x.toFixed(1))
    frame.setAttribute('y', '0')
    frame.setAttribute('width', Math.max(1, sel.width).toFixed(1))
    frame.setAttribute('height', String(HEIGHT))
    frame.setAttribute('class', 'brush')
    svg.append(frame)
  }

  const load = async () => {
    const bucket = pickBucket(domain, width())
    const key = timeseriesQuery(filters, domain, bucket)
    if (key === seriesKey) return
    seriesKey = key
    abort?.abort()
    abort = new AbortController()
    try {
      series = await fetchTimeseries(key, abort.signal)
      renderChart()
      renderControls()
    } catch (err) {
      if (!(err instanceof DOMException && err.name === 'AbortError')) console.warn('timeseries', err)
    }
  }

  const dayAt = (e: PointerEvent) => dayAtX(e.clientX - svg.getBoundingClientRect().left, width(), domain)
  svg.addEventListener('pointerdown', (e) => {
    svg.setPointerCapture(e.pointerId)
    const d = dayAt(e)
    brush = { a: d, b: d }
    renderChart()
  })
  svg.addEventListener('pointermove', (e) => {
    if (!brush) return
    brush.b = dayAt(e)
    renderChart()
  })
  svg.addEventListener('pointerup', (e) => {
    if (!brush) return
    brush.b = dayAt(e)
    const r = brushRange(brush.a, brush.b)
    brush = null
    stopPlayback()
    onPeriod(r)
  })

  const stopPlayback = () => {
    if (timer) clearInterval(timer)
    timer = null
    renderControls()
  }
  const startPlayback = () => {
    if (timer) clearInterval(timer)
    timer = setInterval(() => {
      const next = stepWindow(filters, step, domain)
      if (next) onPeriod(next)
      else stopPlayback()
    }, stepInterval(speed))
    renderControls()
  }
  play.addEventListener('click', () => (timer ? stopPlayback() : startPlayback()))
  stepSelect.addEventListener('change', () => {
    step = stepSelect.value === 'week' ? 'week' : 'day'
    if (timer) startPlayback()
  })
  speedSelect.addEventListener('change', () => {
    speed = (PLAYBACK_SPEEDS.find((s) => String(s) === speedSelect.value) ?? 1) as PlaybackSpeed
    if (timer) startPlayback()
  })
  new ResizeObserver(() => {
    // A new width may call for another bucket (the key says); the same one is not refetched.
    void load()
    renderChart()
  }).observe(chart)

  onLangChange(renderControls)
  void load()

  return {
    setFilters(f) {
      filters = f
      renderControls()
      renderChart()
      void load()
    },
    stop: stopPlayback,
  }
}
