import { type Color, createExpression, createPropertyExpression, type StylePropertySpecification } from '@maplibre/maplibre-gl-style-spec'
import { describe, expect, it } from 'vitest'

import { countBreaks, countLegend, H3_COLOURS, matchExpression, perFeature, stepExpression, withAlpha } from './legend.ts'

/** A data-driven colour paint property, as the style spec declares line-color and fill-color. */
const COLOUR_SPEC = {
  type: 'color',
  'property-type': 'data-driven',
  expression: { interpolated: true, parameters: ['zoom', 'feature', 'feature-state'] },
} as unknown as StylePropertySpecification

/** Evaluates a colour expression as MapLibre does, for a feature with these properties and state. */
function evalColour(expr: unknown, properties: Record<string, unknown> = {}, state: Record<string, unknown> = {}): number[] {
  const parsed = createExpression(expr, 'colour', COLOUR_SPEC)
  if (parsed.result !== 'success') throw new Error(parsed.value.map((e) => e.message).join('; '))
  // MapLibre's colours are premultiplied by alpha, 0–1: back to 0–255 channels and an alpha.
  const { r, g, b, a } = parsed.value.evaluate(
    { zoom: 10 },
    { type: 'Polygon', properties, geometry: [] } as never,
    state,
  ) as unknown as Color
  return [...[r, g, b].map((v) => Math.round(a ? (v / a) * 255 : 0)), Math.round(a * 100) / 100]
}

describe('legend scales', () => {
  it('makes increasing nice breaks from 1 up to the maximum', () => {
    expect(countBreaks(100)).toEqual([1, 3, 10, 20, 50])
    expect(countBreaks(1000)).toEqual([1, 5, 20, 100, 300])
    const small = countBreaks(0)
    expect(small[0]).toBe(1)
    for (let i = 1; i < small.length; i++) expect(small[i]).toBeGreaterThan(small[i - 1]!)
  })
  it('pairs breaks with colours and turns them into a step expression', () => {
    const legend = countLegend([1, 5, 20])
    expect(legend).toEqual([
      { value: 1, colour: H3_COLOURS[0] },
      { value: 5, colour: H3_COLOURS[1] },
      { value: 20, colour: H3_COLOURS[2] },
    ])
    expect(stepExpression('count', legend)).toEqual([
      'step',
      ['coalesce', ['to-number', ['get', 'count']], 0],
      H3_COLOURS[0],
      5,
      H3_COLOURS[1],
      20,
      H3_COLOURS[2],
    ])
  })
  it('builds a match expression with a fallback', () => {
    expect(matchExpression('level', { red: '#f00' }, '#999')).toEqual(['match', ['get', 'level'], 'red', '#f00', '#999'])
  })
  it("scales a colour's alpha, by a number or by feature state (withAlpha)", () => {
    expect(evalColour(withAlpha('#ff0000', 0.5))).toEqual([255, 0, 0, 0.5])
    expect(evalColour(withAlpha('rgba(0,0,255,0.5)', 0.5))).toEqual([0, 0, 255, 0.25])
    const byHover = withAlpha(['coalesce', ['get', 'fill'], '#00ff00'], ['case', ['boolean', ['feature-state', 'hover'], false], 1, 0.2])
    expect(evalColour(byHover, { fill: '#0000ff' }, { hover: true })).toEqual([0, 0, 255, 1])
    expect(evalColour(byHover, {}, {})).toEqual([0, 255, 0, 0.2])
  })
  it('reads a constant colour per feature (perFeature): the colour for any feature, never folded to a constant', () => {
    expect(evalColour(perFeature('#34506e'))).toEqual([52, 80, 110, 1])
    expect(evalColour(perFeature('#34506e'), { _: 1, code: 'x' })).toEqual([52, 80, 110, 1])
    // The kind MapLibre picks a shader variant by: 'source' is an attribute, 'constant' a uniform.
    const kind = (expr: unknown) => {
      const parsed = createPropertyExpression(expr, 'colour', COLOUR_SPEC)
      if (parsed.result !== 'success') throw new Error('invalid expression')
      return parsed.value.kind
    }
    expect(kind(perFeature('#34506e'))).toBe('source')
    expect(kind('#34506e')).toBe('constant')
  })
})
