/**
 * Legend scales: the colours and breaks each layer is drawn with, as data, so the style
 * expressions and the legend in the panel come from one place.
 */
import type { ExpressionSpecification } from 'maplibre-gl'

/** One legend entry: a colour and what it stands for (a lower bound, or a key for i18n). */
export interface LegendStop {
  colour: string
  value: number
}

/** H3 risk hexes: incidents per cell, sequential yellow → dark red (ColorBrewer YlOrRd). */
export const H3_COLOURS = ['#ffffb2', '#fecc5c', '#fd8d3c', '#f03b20', '#bd0026'] as const

/**
 * Breaks for a count scale: `n` lower bounds from 1 up to about `max`, on a square-root-like
 * ladder of "nice" numbers (1, 2, 5, 10, 20, 50 …), so a few busy cells do not wash out the rest.
 */
export function countBreaks(max: number, n: number = H3_COLOURS.length): number[] {
  const nice = [1, 2, 3, 5, 10, 20, 30, 50, 100, 200, 300, 500, 1000, 2000, 5000, 10000]
  const top = Math.max(n, max)
  const out = [1]
  for (let i = 1; i < n; i++) {
    const target = Math.pow(top, i / n)
    const pick = nice.find((v) => v >= target && v > out[out.length - 1]!) ?? out[out.length - 1]! * 2
    out.push(pick)
  }
  return out
}

/** The legend of a count scale. */
export function countLegend(breaks: readonly number[], colours: readonly string[] = H3_COLOURS): LegendStop[] {
  return breaks.map((value, i) => ({ value, colour: colours[Math.min(i, colours.length - 1)]! }))
}

/** A MapLibre `step` expression colouring `property` by the breaks of a legend. */
export function stepExpression(property: string, stops: readonly LegendStop[]): ExpressionSpecification {
  const [first, ...rest] = stops
  const out: unknown[] = ['step', ['coalesce', ['to-number', ['get', property]], 0], first!.colour]
  for (const s of rest) out.push(s.value, s.colour)
  return out as ExpressionSpecification
}

/** Warning levels, most severe first, with the colours the command center uses (红/橙/黄). */
export const WARNING_LEVELS = ['red', 'orange', 'yellow'] as const
export type WarningLevel = (typeof WARNING_LEVELS)[number]
export const WARNING_COLOURS: Record<WarningLevel, string> = { red: '#d7191c', orange: '#f27a1a', yellow: '#f2c230' }

/** Hazard severities, most severe first. */
export const HAZARD_SEVERITIES = ['major', 'serious', 'general'] as const
export type HazardSeverityKey = (typeof HAZARD_SEVERITIES)[number]
export const HAZARD_COLOURS: Record<HazardSeverityKey, string> = { major: '#7a0177', serious: '#c51b8a', general: '#f768a1' }

/** Tasks: open on time, and overdue; the ring of one reported done and awaiting close-out (待验收). */
export const TASK_COLOURS = { open: '#2166ac', overdue: '#b2182b', submitted: '#1a9850' } as const

/** Incident points and clusters. */
export const INCIDENT_COLOUR = '#3f51b5'

/** The heatmap ramp from transparent to hot (density 0 → 1). */
export const HEAT_RAMP: readonly [number, string][] = [
  [0, 'rgba(33,102,172,0)'],
  [0.2, 'rgb(103,169,207)'],
  [0.4, 'rgb(209,229,240)'],
  [0.6, 'rgb(253,219,199)'],
  [0.8, 'rgb(239,138,98)'],
  [1, 'rgb(178,24,43)'],
]

/**
 * A colour with its alpha multiplied by `alpha` (a number or an expression, e.g. on feature state).
 * Layers that fade by state this way keep a constant opacity, so MapLibre draws them with the same
 * shader program as other layers whose colour comes from data: every mix of data-driven and
 * constant paint properties is a program of its own, 0.1–0.3 s to compile under software WebGL.
 * @example withAlpha('#ff0000', ['case', ['boolean', ['feature-state', 'hover'], false], 1, 0]) // red when hovered, else transparent
 */
export function withAlpha(colour: string | ExpressionSpecification, alpha: number | ExpressionSpecification): ExpressionSpecification {
  const c: ExpressionSpecification = ['var', 'c']
  return ['let', 'c', ['to-rgba', ['to-color', colour]], ['rgba', ['at', 0, c], ['at', 1, c], ['at', 2, c], ['*', ['at', 3, c], alpha]]]
}

/**
 * A constant colour (or number) read per feature: for layers drawn beside others whose value comes
 * from data. MapLibre compiles a shader program for every mix of constant and data-driven paint
 * properties (0.1–0.3 s each under software WebGL); `has` reads the feature, so the style cannot
 * fold this to a constant, and the layer shares the data-driven layers' program. Both branches are
 * the value.
 * @example perFeature('#34506e') // ['case', ['has', '_'], '#34506e', '#34506e']
 */
export function perFeature(value: string | number): ExpressionSpecification {
  return ['case', ['has', '_'], value, value]
}

/** A `match` expression on `property` from a colour table, with a fallback. */
export function matchExpression(property: string, table: Readonly<Record<string, string>>, fallback: string): ExpressionSpecification {
  const out: unknown[] = ['match', ['get', property]]
  for (const [k, v] of Object.entries(table)) out.push(k, v)
  out.push(fallback)
  return out as ExpressionSpecification
}
