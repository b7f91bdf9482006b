/**
 * The in-memory tile cache: an LRU bounded by bytes, plus an index from tile (z/x/y) to the
 * cached responses of that tile, so a change at a place drops exactly the tiles covering it.
 */
import crypto from 'node:crypto'

import { LRUCache } from 'lru-cache'

import { type Box, MAX_ZOOM, type TileId, tileRange } from './tile-math.ts'

export interface CachedTile {
  tile: TileId
  /** Registry layer names in this response. */
  layers: readonly string[]
  bytes: Uint8Array
  /** gzip of bytes when worth it (tiles compress 2–4×; compression() skips our content type). */
  gzip: Uint8Array | null
  etag: string
  truncated: readonly string[]
}

/**
 * A strong ETag of tile bytes (SHA-1, base64url, quoted). Equal bytes give equal tags, so a
 * tile re-rendered after an unrelated change still answers 304.
 * @example etagOf(new Uint8Array()) // '"2jmj7l5rSw0yVb_vlWAYkK_YBwk"'
 */
export function etagOf(bytes: Uint8Array): string {
  return `"${crypto.createHash('sha1').update(bytes).digest('base64url')}"`
}

/**
 * The z/x/y part of a key.
 * @example tileKey({ z: 3, x: 6, y: 3 }) // '3/6/3'
 */
export function tileKey(t: TileId): string {
  return `${t.z}/${t.x}/${t.y}`
}

export class TileCache {
  private readonly lru: LRUCache<string, CachedTile>
  private readonly byTile = new Map<string, Set<string>>()
  /** Bumped by every eviction: a render that started before one must not store (it may be stale). */
  epoch = 0

  constructor(maxBytes: number) {
    this.lru = new LRUCache<string, CachedTile>({
      maxSize: maxBytes,
      sizeCalculation: (v) => v.bytes.length + (v.gzip?.length ?? 0) + 256,
      dispose: (v, key, reason) => {
        // Overwriting a key keeps its tile (attachGzip): the index entry stays.
        if (reason === 'set') return
        const k = tileKey(v.tile)
        const set = this.byTile.get(k)
        set?.delete(key)
        if (set && set.size === 0) this.byTile.delete(k)
      },
    })
  }

  get size(): number {
    return this.lru.size
  }

  get(key: string): CachedTile | undefined {
    return this.lru.get(key)
  }

  /** Stores unless an eviction happened since `epoch` was read (the render may have missed a change). */
  set(key: string, value: CachedTile, epochAtStart: number): boolean {
    if (epochAtStart !== this.epoch) return false
    this.lru.set(key, value)
    if (!this.lru.has(key)) return false // larger than the whole cache
    const k = tileKey(value.tile)
    let set = this.byTile.get(k)
    if (!set) this.byTile.set(k, (set = new Set()))
    set.add(key)
    return true
  }

  /** Adds the gzip of an entry still cached (not one evicted or replaced meanwhile). */
  attachGzip(key: string, entry: CachedTile, gzip: Uint8Array): void {
    if (this.lru.peek(key) !== entry) return
    // Re-set to account for the new size; the index already holds the key.
    this.lru.set(key, { ...entry, gzip })
  }

  /** Drops everything (e.g. the address/area base changed). */
  clear(): void {
    this.epoch++
    this.lru.clear()
  }

  /** Drops the responses containing any of `layers`. */
  dropLayers(layers: ReadonlySet<string>): number {
    this.epoch++
    let n = 0
    for (const [key, v] of this.lru.entries()) {
      if (v.layers.some((l) => layers.has(l))) {
        this.lru.delete(key)
        n++
      }
    }
    return n
  }

  /**
   * Drops the cached responses containing `layer` whose tile at `z` touches `box` (WGS84).
   * @example cache.dropArea('incidents', 14, [120.26, 30.16, 120.27, 30.17])
   */
  dropArea(layer: string, z: number, box: Box): number {
    this.epoch++
    const r = tileRange(z, box)
    let n = 0
    // Tiles are only looked up, never enumerated: a box spanning many tiles at high zoom still
    // costs one probe per tile, so skip the walk when the range dwarfs what is cached.
    if ((r.x1 - r.x0 + 1) * (r.y1 - r.y0 + 1) > this.byTile.size * 4) {
      for (const [key, v] of this.lru.entries()) {
        if (v.tile.z === z && v.layers.includes(layer) && v.tile.x >= r.x0 && v.tile.x <= r.x1 && v.tile.y >= r.y0 && v.tile.y <= r.y1) {
          this.lru.delete(key)
          n++
        }
      }
      return n
    }
    for (let x = r.x0; x <= r.x1; x++) {
      for (let y = r.y0; y <= r.y1; y++) {
        const keys = this.byTile.get(`${z}/${x}/${y}`)
        if (!keys) continue
        for (const key of [...keys]) {
          if (this.lru.peek(key)?.layers.includes(layer)) {
            this.lru.delete(key)
            n++
          }
        }
      }
    }
    return n
  }

  /** Zooms that have cached tiles now (eviction walks only these). */
  zooms(): number[] {
    const seen = new Set<number>()
    for (const k of this.byTile.keys()) seen.add(Number(k.slice(0, k.indexOf('/'))))
    return [...seen].filter((z) => z <= MAX_ZOOM).sort((a, b) => a - b)
  }
}
