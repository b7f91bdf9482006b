/**
 * Small exports as files: held whole, sent with Content-Length and kept a few minutes per caller
 * so that GDAL's `/vsicurl/` (HEAD, then byte ranges) can read them. Larger ones stream and say so.
 */
import type { Response } from 'express'
import { LRUCache } from 'lru-cache'

/**
 * Exports up to this size are held whole, sent with Content-Length and cached (bigger ones stream):
 * ~15,000 incidents as CSV, a town's quarter. Each running export holds at most this much.
 */
export const HOLD_BYTES = 4 << 20

/** How long a held export answers HEAD and Range reads of the same caller and query. */
const KEEP_MS = 10 * 60_000

export interface HeldExport {
  body: Buffer
  contentType: string
  fileName: string
  rows: number
}

const held = new LRUCache<string, HeldExport>({ maxSize: 128 << 20, sizeCalculation: (e) => Math.max(1, e.body.length), ttl: KEEP_MS })

/**
 * The cache key of one caller's export: who (with role and areas, which decide the rows) and the
 * exact query, parameters sorted.
 * @example heldKey({ id: '3', role: 'town', areaCodes: ['330109001'] }, '/api/export/incidents.csv', { b: '2', a: '1' }) // '3|town|330109001|/api/export/incidents.csv?a=1&b=2'
 */
export function heldKey(
  user: { id: string; role: string; areaCodes: readonly string[] },
  path: string,
  query: Record<string, unknown>,
): string {
  const q = new URLSearchParams(
    Object.entries(query)
      .filter((e): e is [string, string] => typeof e[1] === 'string')
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
  )
  return `${user.id}|${user.role}|${user.areaCodes.join(',')}|${path}?${q.toString()}`
}

export function getHeld(key: string): HeldExport | undefined {
  return held.get(key)
}

export function keepHeld(key: string, e: HeldExport): void {
  held.set(key, e)
}

/**
 * The one byte range a `Range` header asks for, inclusive, or null for none or one we do not
 * serve (several ranges, other units: answered whole, as HTTP allows); 'unsatisfiable' past the end.
 * @example parseRange('bytes=0-99', 1000) // { start: 0, end: 99 }
 * @example parseRange('bytes=-100', 1000) // { start: 900, end: 999 }
 * @example parseRange('bytes=2000-', 1000) // 'unsatisfiable'
 */
export function parseRange(header: string | undefined, size: number): { start: number; end: number } | 'unsatisfiable' | null {
  const m = header ? /^bytes=(\d*)-(\d*)$/.exec(header.trim()) : null
  if (!m || (m[1] === '' && m[2] === '')) return null
  if (m[1] === '') {
    const n = Number(m[2])
    if (n === 0 || size === 0) return 'unsatisfiable'
    return { start: Math.max(0, size - n), end: size - 1 }
  }
  const start = Number(m[1])
  const end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1)
  if (start >= size || end < start) return 'unsatisfiable'
  return { start, end }
}

/** Headers of a held export: its length, ranges served, and no gzip (a compressed body has no fixed byte ranges). */
export function setFileHeaders(res: Response, e: Pick<HeldExport, 'body' | 'contentType' | 'fileName'>): void {
  res.setHeader('Content-Type', e.contentType)
  res.setHeader('Content-Disposition', `attachment; filename="${e.fileName}"`)
  res.setHeader('Cache-Control', 'no-store, no-transform')
  res.setHeader('Accept-Ranges', 'bytes')
  res.setHeader('X-Export-Mode', 'file')
  res.setHeader('Content-Length', String(e.body.length))
}

/**
 * Sends a held export whole or the asked range (206), or 416 past its end.
 * @example await sendHeld(res, held, req.get('range'))
 */
export function sendHeld(res: Response, e: HeldExport, range: string | undefined): Promise<void> {
  setFileHeaders(res, e)
  const r = parseRange(range, e.body.length)
  let chunk = e.body
  if (r === 'unsatisfiable') {
    res.status(416).setHeader('Content-Range', `bytes */${e.body.length}`)
    res.setHeader('Content-Length', '0')
    chunk = Buffer.alloc(0)
  } else if (r) {
    chunk = e.body.subarray(r.start, r.end + 1)
    res.status(206).setHeader('Content-Range', `bytes ${r.start}-${r.end}/${e.body.length}`)
    res.setHeader('Content-Length', String(chunk.length))
  } else {
    res.status(200)
  }
  // Not res.end(callback): the compression middleware's end() takes its first argument as data.
  return new Promise<void>((resolve) => {
    res.once('finish', resolve)
    res.once('close', resolve)
    res.end(chunk)
  })
}
