import { describe, expect, it } from 'vitest'

import { escapeHtml, fmt, html, signed } from './html.ts'
import { niceMax, trendChartSvg } from './svg-chart.ts'
import { bboxOf, fitProjection, polygonPath, townMapSvg } from './svg-map.ts'
import { checkWellFormed } from './xml-check.ts'

describe('report markup', () => {
  it('escapes interpolated text but not markup it built', () => {
    expect(escapeHtml(`<b title="x">&'</b>`)).toBe('&lt;b title=&quot;x&quot;&gt;&amp;&#39;&lt;/b&gt;')
    expect(html`<p>${'<script>'}</p>`.value).toBe('<p>&lt;script&gt;</p>')
    expect(html`<ul>${['a<', html`<li>b</li>`]}</ul>`.value).toBe('<ul>a&lt;<li>b</li></ul>')
    expect(html`<td data-x="${'" onmouseover="x'}">${null}${undefined}${false}${0}</td>`.value).toBe(
      '<td data-x="&quot; onmouseover=&quot;x">0</td>',
    )
    expect(escapeHtml('a\u0000b\u0007c\nd')).toBe('abc\nd')
  })
  it('formats numbers and changes', () => {
    expect(fmt(2.5, 2)).toBe('2.50')
    expect(fmt(null)).toBe('—')
    expect(signed(1.5, 1)).toBe('+1.5')
    expect(signed(-2)).toBe('−2')
    expect(signed(0)).toBe('0')
  })
  it('checks well-formedness', () => {
    checkWellFormed('<svg a="1"><g><title>x &amp; y</title></g><rect/></svg>')
    expect(() => checkWellFormed('<svg><g></svg>')).toThrow(/closes/)
    expect(() => checkWellFormed('<svg>a & b</svg>')).toThrow(/bare &/)
    expect(() => checkWellFormed('<svg a=1></svg>')).toThrow(/malformed/)
    expect(() => checkWellFormed('<svg>')).toThrow(/unclosed/)
  })
})

describe('SVG map and chart', () => {
  const square = {
    type: 'Polygon' as const,
    coordinates: [
      [
        [120, 30],
        [120.1, 30],
        [120.1, 30.1],
        [120, 30.1],
        [120, 30],
      ],
    ],
  }
  it('projects with the latitude scale and fits the box', () => {
    const p = fitProjection(bboxOf([square]), 800, 600, 10)
    expect(p.height).toBe(600)
    expect(p.width).toBe(Math.round(580 * Math.cos((30.05 * Math.PI) / 180) + 20))
    expect(p.project([120, 30.1])).toEqual([10, 10])
    expect(p.project([120, 30])).toEqual([10, 590])
    expect(polygonPath(square, p).startsWith('M10 590L')).toBe(true)
    expect(polygonPath({ type: 'Point', coordinates: [120, 30] }, p)).toBe('')
  })
  it('draws one mark per warning and task, escaped and well-formed', () => {
    const svg = townMapSvg({
      town: { code: '1', name: '<镇>', geometry: square, label: [120.05, 30.05] },
      villages: [{ code: '2', name: '村&"', geometry: square, label: [120.05, 30.05] }],
      cells: [{ n: 3, geometry: square }],
      warnings: [
        { id: 1, level: 'red', title: '<b>', geometry: { type: 'Point', coordinates: [120.05, 30.05] } },
        { id: 2, level: 'yellow', title: 'y', geometry: square },
      ],
      tasks: [{ id: 9, title: 't', overdue: true, lng: 120.02, lat: 30.02 }],
    }).value
    checkWellFormed(svg)
    expect(svg.match(/<g class="warning /g)).toHaveLength(2)
    expect(svg).toContain('<circle')
    expect(svg).toContain('class="task overdue"')
    expect(svg).toContain('&lt;b&gt;')
  })
  it('stacks the monthly trend with a nice axis', () => {
    expect(niceMax(137)).toBe(200)
    expect(niceMax(0)).toBe(1)
    expect(niceMax(5)).toBe(5)
    const svg = trendChartSvg(
      ['2026-09', '2026-10'],
      [
        { code: '01', name: '治安', values: [3, 0] },
        { code: '02', name: '交通', values: [1, 2] },
      ],
    ).value
    checkWellFormed(svg)
    expect(svg).toContain('data-month="2026-09" data-total="4"')
    expect(svg.match(/<rect/g)).toHaveLength(3)
  })
})
