/**
 * Start-up warm-up: renders the tiles a first page asks for (page-sources.ts) over the district
 * at the zooms a district view opens at, and asks once for the H3 counts the map starts with, so
 * that the first map or wall screen after a restart is not waiting on cold tiles (and, on the
 * embedded database, on pages it has not read yet). One tile at a time, yielding between tiles:
 * a request that arrives meanwhile waits for one tile at most.
 */
import { z } from 'zod'

import { type Box, type TileId, tileRange } from './tile-math.ts'

/** Zooms a district view opens at: z9 on a laptop, z10 on a 1080p wall, z11 on 4K; z8 when small. */
export const WARMUP_ZOOMS: readonly number[] = [9, 10, 8, 11]

/**
 * The tiles covering a box at each zoom, zoom by zoom in the order given.
 * @example warmupTiles([120.1, 29.9, 120.7, 30.4], [9]) // [{ z: 9, x: 426, y: 210 }, …] (4 tiles)
 */
export function warmupTiles(box: Box, zooms: readonly number[]): TileId[] {
  const out: TileId[] = []
  for (const z of zooms) {
    const r = tileRange(z, box)
    for (let y = r.y0; y <= r.y1; y++) for (let x = r.x0; x <= r.x1; x++) out.push({ z, x, y })
  }
  return out
}

export const WarmupStatusSchema = z.object({
  state: z.enum(['off', 'running', 'done', 'stopped', 'failed']),
  /** Tiles rendered so far, and in all. */
  tiles: z.number().int(),
  total: z.number().int(),
  startedAt: z.string().nullable(),
  /** How long it took (when done or failed). */
  ms: z.number().nullable(),
  error: z.string().nullable(),
})
/** `GET /api/tiles/warmup`: how far the start-up warm-up is. */
export type WarmupStatus = z.infer<typeof WarmupStatusSchema>

export interface WarmupSteps {
  /** The district's box (null: no areas loaded, nothing to warm). */
  extent(): Promise<Box | null>
  /** Renders one tile of a layer set into the cache. */
  tile(layers: string, tile: TileId): Promise<void>
  /** Warms the H3 counts of a resolution (the deck.gl layers' first request). */
  cells(res: 7 | 8): Promise<void>
}

/**
 * Runs the warm-up; `status()` reports progress; `stop()` ends it after the tile in hand.
 * @example const w = startWarmup(steps, ['towns']); await w.done; w.status().state // 'done'
 */
export function startWarmup(
  steps: WarmupSteps,
  sets: readonly string[],
  zooms: readonly number[] = WARMUP_ZOOMS,
): { done: Promise<void>; status(): WarmupStatus; stop(): void } {
  const status: WarmupStatus = { state: 'running', tiles: 0, total: 0, startedAt: new Date().toISOString(), ms: null, error: null }
  const started = performance.now()
  let stopped = false
  const yieldToRequests = () => new Promise<void>((resolve) => setImmediate(resolve))
  const done = (async () => {
    try {
      const box = await steps.extent()
      if (!box) {
        status.state = 'done'
        return
      }
      // The first zoom's tiles, then the map's first H3 request, then the rest.
      const [first, ...rest] = zooms
      const plan = (zs: readonly number[]) => warmupTiles(box, zs).flatMap((t) => sets.map((layers) => ({ layers, t })))
      const head = first === undefined ? [] : plan([first])
      const tail = plan(rest)
      status.total = head.length + tail.length
      for (const { layers, t } of head) {
        if (stopped) return
        await steps.tile(layers, t)
        status.tiles++
        await yieldToRequests()
      }
      if (!stopped) await steps.cells(7)
      for (const { layers, t } of tail) {
        if (stopped) return
        await steps.tile(layers, t)
        status.tiles++
        await yieldToRequests()
      }
      status.state = 'done'
    } catch (err) {
      status.state = 'failed'
      status.error = err instanceof Error ? err.message : String(err)
    } finally {
      if (stopped && status.state === 'running') status.state = 'stopped'
      status.ms = Math.round(performance.now() - started)
    }
  })()
  return { done, status: () => ({ ...status }), stop: () => (stopped = true) }
}
