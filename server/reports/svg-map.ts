/**
 * The report's map as inline SVG, drawn from our own geometry (no tiles, no external resource):
 * town and village boundaries, incident hot cells, warnings coloured by level, open tasks.
 * Longitude is scaled by cos(latitude) so shapes keep their proportions at Xiaoshan's 30°N.
 */
import type { Geometry, Position } from 'geojson'

import { html, type SafeHtml } from './html.ts'

export type BBox = [number, number, number, number]

/** Lng/lat to SVG pixels for one map. */
export interface Projection {
  width: number
  height: number
  project(p: Position): [number, number]
}

/**
 * Every position of a geometry (any type).
 * @example positions({ type: 'Point', coordinates: [120, 30] }) // [[120, 30]]
 */
export function positions(g: Geometry): Position[] {
  switch (g.type) {
    case 'Point':
      return [g.coordinates]
    case 'MultiPoint':
    case 'LineString':
      return g.coordinates
    case 'MultiLineString':
    case 'Polygon':
      return g.coordinates.flat()
    case 'MultiPolygon':
      return g.coordinates.flat(2)
    case 'GeometryCollection':
      return g.geometries.flatMap(positions)
  }
}

/**
 * The bounding box of some geometries.
 * @example bboxOf([{ type: 'Point', coordinates: [120, 30] }]) // [120, 30, 120, 30]
 */
export function bboxOf(geoms: readonly Geometry[]): BBox {
  const b: BBox = [Infinity, Infinity, -Infinity, -Infinity]
  for (const g of geoms) {
    for (const [x, y] of positions(g)) {
      b[0] = Math.min(b[0], x!)
      b[1] = Math.min(b[1], y!)
      b[2] = Math.max(b[2], x!)
      b[3] = Math.max(b[3], y!)
    }
  }
  return b
}

/**
 * A projection fitting `bbox` into at most `maxWidth` × `maxHeight` pixels with a margin.
 * @example fitProjection([120, 30, 120.1, 30.1], 800, 600, 10).project([120, 30.1]) // [10, 10]
 */
export function fitProjection(bbox: BBox, maxWidth: number, maxHeight: number, pad: number): Projection {
  const k = Math.cos((((bbox[1] + bbox[3]) / 2) * Math.PI) / 180)
  const w = Math.max((bbox[2] - bbox[0]) * k, 1e-9)
  const h = Math.max(bbox[3] - bbox[1], 1e-9)
  const s = Math.min((maxWidth - 2 * pad) / w, (maxHeight - 2 * pad) / h)
  return {
    width: Math.round(w * s + 2 * pad),
    height: Math.round(h * s + 2 * pad),
    project: ([x, y]) => [round1(pad + (x! - bbox[0]) * k * s), round1(pad + (bbox[3] - y!) * s)],
  }
}

/**
 * One decimal: sub-pixel precision is plenty for print and keeps the page small.
 * @example round1(3.14159) // 3.1
 */
function round1(x: number): number {
  return Math.round(x * 10) / 10
}

/**
 * SVG path data for the polygons of a geometry (points and lines give '').
 * @example polygonPath({ type: 'Polygon', coordinates: [[[0, 0], [1, 0], [0, 1], [0, 0]]] }, proj) // 'M10 20L30 20L10 0Z'
 */
export function polygonPath(g: Geometry, proj: Projection): string {
  if (g.type === 'GeometryCollection') return g.geometries.map((x) => polygonPath(x, proj)).join('')
  const rings = g.type === 'Polygon' ? g.coordinates : g.type === 'MultiPolygon' ? g.coordinates.flat() : []
  return rings.map((ring) => ring.map((p, i) => `${i === 0 ? 'M' : 'L'}${proj.project(p).join(' ')}`).join('') + 'Z').join('')
}

/**
 * A point somewhere on a geometry to put a marker on (its first position for non-points).
 * @example anchor({ type: 'Point', coordinates: [120, 30] }) // [120, 30]
 */
function anchor(g: Geometry): Position {
  return positions(g)[0] ?? [0, 0]
}

export interface MapArea {
  code: string
  name: string
  geometry: Geometry
  label: Position
}

export interface MapWarning {
  id: number
  level: 'red' | 'orange' | 'yellow'
  title: string
  geometry: Geometry
}

export interface MapTask {
  id: number
  title: string
  overdue: boolean
  lng: number
  lat: number
}

export interface MapCell {
  n: number
  geometry: Geometry
}

export const WARNING_COLOURS: Readonly<Record<MapWarning['level'], string>> = { red: '#d7191c', orange: '#f28e2b', yellow: '#e6c229' }
const WARNING_NAMES: Readonly<Record<MapWarning['level'], string>> = { red: '红色预警', orange: '橙色预警', yellow: '黄色预警' }

/**
 * The town map. One `<g class="warning …">` per warning, one `<g class="task …">` per task.
 * @example townMapSvg({ town, villages, cells: [], warnings: [], tasks: [] }).value.startsWith('<svg') // true
 */
export function townMapSvg(d: {
  town: MapArea
  villages: readonly MapArea[]
  cells: readonly MapCell[]
  warnings: readonly MapWarning[]
  tasks: readonly MapTask[]
}): SafeHtml {
  const proj = fitProjection(bboxOf([d.town.geometry]), 760, 560, 12)
  const max = Math.max(1, ...d.cells.map((c) => c.n))
  const cells = d.cells.map((c) => {
    // Square root: a cell with a quarter of the top count still shows clearly.
    const a = (0.12 + 0.68 * Math.sqrt(c.n / max)).toFixed(2)
    return html`<path class="cell" d="${polygonPath(c.geometry, proj)}" fill="#b2182b" fill-opacity="${a}"><title>${c.n} 起</title></path>`
  })
  const villages = d.villages.map((v) => html`<path class="village" d="${polygonPath(v.geometry, proj)}"><title>${v.name}</title></path>`)
  const labels = d.villages.map((v) => {
    const [x, y] = proj.project(v.label)
    return html`<text class="label" x="${x}" y="${y}">${v.name}</text>`
  })
  const warnings = d.warnings.map((w) => {
    const colour = WARNING_COLOURS[w.level]
    const path = polygonPath(w.geometry, proj)
    const [x, y] = proj.project(anchor(w.geometry))
    const shape = path
      ? html`<path d="${path}" fill="${colour}" fill-opacity="0.35" stroke="${colour}" stroke-width="2"/>`
      : html`<circle cx="${x}" cy="${y}" r="7" fill="${colour}" stroke="#fff" stroke-width="1.5"/>`
    return html`<g class="warning warning-${w.level}" data-warning-id="${w.id}"><title>${WARNING_NAMES[w.level]}：${w.title}</title>${shape}</g>`
  })
  const tasks = d.tasks.map((t) => {
    const [x, y] = proj.project([t.lng, t.lat])
    return html`<g class="task${t.overdue ? ' overdue' : ''}" data-task-id="${t.id}"><title>${t.overdue ? '逾期' : '在办'}任务：${t.title}</title><rect x="${x - 4}" y="${y - 4}" width="8" height="8"/></g>`
  })
  return html`<svg xmlns="http://www.w3.org/2000/svg" class="map" viewBox="0 0 ${proj.width} ${proj.height}" width="${proj.width}" height="${proj.height}" role="img" aria-label="${d.town.name}地图">
<path class="town" d="${polygonPath(d.town.geometry, proj)}"/>
<g class="cells">${cells}</g>
<g class="villages">${villages}</g>
<g class="warnings">${warnings}</g>
<g class="tasks">${tasks}</g>
<g class="labels">${labels}</g>
</svg>`
}
