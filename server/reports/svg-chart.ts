/**
 * The 12-month incident trend by category as an inline SVG stacked bar chart (no script, no
 * external resource), with a legend; prints as it shows.
 */
import { html, type SafeHtml } from './html.ts'

export interface TrendSeries {
  code: string
  name: string
  /** One count per month, same order as `months`. */
  values: readonly number[]
}

/** One colour per level-1 category (01–06), readable in greyscale print too (distinct lightness). */
export const CATEGORY_COLOURS: readonly string[] = ['#1f4e79', '#4e9bd1', '#d7191c', '#f2a541', '#7b3294', '#6b8e23']

/**
 * A "nice" axis maximum: 1, 2 or 5 × 10ⁿ at or above `x`.
 * @example niceMax(137) // 200
 */
export function niceMax(x: number): number {
  if (x <= 0) return 1
  const p = 10 ** Math.floor(Math.log10(x))
  return [1, 2, 5, 10].map((m) => m * p).find((v) => v >= x)!
}

/**
 * Stacked bars per month (one stack per month, one segment per category), totals above the bars.
 * @example trendChartSvg(['2026-10'], [{ code: '01', name: '治安', values: [3] }]).value.includes('data-total="3"') // true
 */
export function trendChartSvg(months: readonly string[], series: readonly TrendSeries[]): SafeHtml {
  const W = 760
  const H = 300
  const left = 44
  const right = 12
  const top = 18
  const bottom = 34
  const totals = months.map((_, i) => series.reduce((s, x) => s + (x.values[i] ?? 0), 0))
  const max = niceMax(Math.max(...totals, 0))
  const plotH = H - top - bottom
  const step = (W - left - right) / Math.max(1, months.length)
  const barW = step * 0.62
  const y = (v: number) => Math.round((top + plotH - (v / max) * plotH) * 10) / 10
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => Math.round(max * f))
  const grid = ticks.map(
    (t) =>
      html`<line class="grid" x1="${left}" x2="${W - right}" y1="${y(t)}" y2="${y(t)}"/><text class="tick" x="${left - 6}" y="${y(t) + 4}" text-anchor="end">${t}</text>`,
  )
  const bars = months.map((m, i) => {
    const x = Math.round((left + i * step + (step - barW) / 2) * 10) / 10
    let acc = 0
    const segs = series.map((s, k) => {
      const v = s.values[i] ?? 0
      if (v === 0) return html``
      const y0 = y(acc)
      acc += v
      return html`<rect x="${x}" y="${y(acc)}" width="${barW.toFixed(1)}" height="${(y0 - y(acc)).toFixed(1)}" fill="${CATEGORY_COLOURS[k % CATEGORY_COLOURS.length]}"><title>${m} ${s.name}：${v} 起</title></rect>`
    })
    return html`<g class="bar" data-month="${m}" data-total="${totals[i]}">${segs}<text class="total" x="${(x + barW / 2).toFixed(1)}" y="${y(totals[i]!) - 4}" text-anchor="middle">${totals[i]}</text><text class="month" x="${(x + barW / 2).toFixed(1)}" y="${H - bottom + 16}" text-anchor="middle">${Number(m.slice(5))}月</text></g>`
  })
  return html`<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="近12个月警情趋势">
${grid}
<line class="axis" x1="${left}" x2="${W - right}" y1="${y(0)}" y2="${y(0)}"/>
${bars}
</svg>`
}

/**
 * The legend of the chart as HTML.
 * @example legendHtml([{ code: '01', name: '治安', values: [] }]).value.includes('治安') // true
 */
export function legendHtml(series: readonly TrendSeries[]): SafeHtml {
  return html`<ul class="legend">${series.map((s, k) => html`<li><span class="swatch" style="background:${CATEGORY_COLOURS[k % CATEGORY_COLOURS.length]}"></span>${s.name}</li>`)}</ul>`
}
