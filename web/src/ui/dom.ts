/** Small DOM helpers for the panels. */
import { shanghaiMinute } from '../../../server/shared/time.ts'

/** Creates an element with a class and optional text. */
export function el<K extends keyof HTMLElementTagNameMap>(tag: K, className = '', text?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag)
  if (className) node.className = className
  if (text !== undefined) node.textContent = text
  return node
}

/** The element with this id; a missing one is a page bug, named. */
export function byId<T extends HTMLElement>(id: string): T {
  const node = document.getElementById(id)
  if (!node) throw new Error(`#${id} is missing from the page`)
  return node as T
}

/** A definition list of label → value rows (values already formatted). */
export function facts(rows: readonly (readonly [string, string | Node])[]): HTMLDListElement {
  const dl = el('dl', 'facts')
  for (const [k, v] of rows) {
    const dd = el('dd')
    dd.append(v)
    dl.append(el('dt', '', k), dd)
  }
  return dl
}

/** A colour swatch for legends. */
export function swatch(colour: string, shape: 'box' | 'dot' | 'line' | 'ring' | 'count' = 'box'): HTMLSpanElement {
  const s = el('span', `swatch swatch--${shape}`)
  s.style.setProperty('--c', colour)
  return s
}

/** Formats an ISO instant as a Shanghai date and time (`2026-10-31 14:05`). */
export function formatTime(iso: string): string {
  const d = new Date(iso)
  if (Number.isNaN(d.getTime())) return iso
  return shanghaiMinute(d)
}

/** A small inline SVG sparkline of a series (one value per day). */
export function sparkline(values: readonly number[], width = 220, height = 36): SVGSVGElement {
  const ns = 'http://www.w3.org/2000/svg'
  const svg = document.createElementNS(ns, 'svg')
  svg.setAttribute('width', String(width))
  svg.setAttribute('height', String(height))
  svg.setAttribute('class', 'sparkline')
  const max = Math.max(1, ...values)
  const bw = width / Math.max(1, values.length)
  values.forEach((v, i) => {
    const h = (v / max) * (height - 2)
    const r = document.createElementNS(ns, 'rect')
    r.setAttribute('x', (i * bw).toFixed(1))
    r.setAttribute('y', (height - h).toFixed(1))
    r.setAttribute('width', Math.max(1, bw - 1).toFixed(1))
    r.setAttribute('height', h.toFixed(1))
    svg.append(r)
  })
  return svg
}
