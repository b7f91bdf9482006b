/**
 * Keeps cached tiles true to the database. Before a tile is served, if anything in this process
 * changed incidents (server/incidents/events.ts) or the last look is older than `intervalMs`, one cheap query
 * reads what changed since the previous look:
 * - app_meta 'address_base_version' (bumped by every address/area load): a new one drops the cache;
 * - tile_invalidations (migrations/010_tiles.sql, written by triggers on incidents, 017 on
 *   warnings, hazards and tasks, 041 on the full view's tables) rows of transactions that were not visible to the previous
 *   look's snapshot — exact whatever the commit order, with no id bookkeeping (pg_visible_in_snapshot).
 * Concurrent callers share one look, but a caller never relies on a look that began before it
 * asked (that look could predate a commit the caller already saw).
 */
import type { Sql } from 'postgres'

import { onIncidentsChanged } from '../incidents/events.ts'
import { shanghaiDay } from '../shared/time.ts'

/** One logged incident change (where it was or is). */
export interface PlaceChange {
  h3_r10: string | null
  lng: number | null
  lat: number | null
  town_code: string | null
  village_code: string | null
  grid_code: string | null
  microgrid_code: string | null
}

export interface FreshnessHandlers {
  /** The address/area base changed: drop everything. */
  baseChanged(): void
  /** Incidents changed at these places. */
  incidentsChanged(changes: readonly PlaceChange[]): Promise<void>
  /** Too many changes to place one by one (or changes may have been missed): drop every incident-dependent tile. */
  incidentsChangedEverywhere(): void
  /** Rows of these tables (warnings, hazards, tasks) changed: drop the layers that show them. */
  tablesChanged(tables: readonly string[]): void
}

/** Tables whose changes drop whole layers (migrations/017_tile_layer_sources.sql, 041_full_view_tile_sources.sql). */
export const TABLE_SOURCES: readonly string[] = [
  'warnings',
  'hazards',
  'tasks',
  'houses',
  'residents',
  'organisations',
  'self_checks',
  'patrols',
  'devices',
  'device_events',
]

/**
 * Tables whose layers show a window ending now (devices alerting in the last 24 h, patrol
 * tracks of the last 7 days): their tiles are dropped on every new hour as well as on a change.
 */
export const HOURLY_SOURCES: readonly string[] = ['patrols', 'device_events']

/** More changes than this in one look: drop incident-dependent tiles wholesale (cheaper than placing them). */
const MAX_PLACED = 2_000
/** A look older than this may have missed log rows (the trigger keeps an hour): start over. */
const STALE_MS = 30 * 60_000

export class Freshness {
  private snapshot: string | null = null
  /** The Shanghai day of the last look: overdue flags in cached tiles turn with it. */
  private day: string | null = null
  /** The hour of the last look (epoch hours): windows ending now turn with it (HOURLY_SOURCES). */
  private hour: number | null = null
  private base: string | null = null
  private lastLook = 0
  private dirty = false
  private running: Promise<void> | null = null
  private queued: Promise<void> | null = null
  private mustWait: Promise<void> | null = null
  private readonly off: () => void

  constructor(
    private readonly sql: Sql,
    private readonly handlers: FreshnessHandlers,
    private readonly intervalMs: number,
  ) {
    this.off = onIncidentsChanged(() => {
      this.dirty = true
    })
  }

  close(): void {
    this.off()
  }

  /** The base version seen by the last look (part of cache keys' meaning; null before any load). */
  get baseVersion(): string | null {
    return this.base
  }

  /**
   * Makes the cache fresh enough to serve from. Waits for a look when this process changed
   * incidents (the next tile must show it), before the first look, and after an idle spell
   * (longer than twice the interval); otherwise a due look runs in the background, so a steady
   * stream of cached tiles never waits on the database and other processes' changes show
   * within about one interval.
   */
  ensure(): Promise<void> {
    const age = Date.now() - this.lastLook
    if (this.snapshot === null || this.dirty || age > 2 * this.intervalMs) {
      const p = this.look()
      this.mustWait = p
      p.then(
        () => this.clearWait(p),
        () => this.clearWait(p),
      )
      return p
    }
    // A look that a change of ours started is still running: later requests wait for it too.
    if (this.mustWait) return this.mustWait
    if (age >= this.intervalMs && !this.running) {
      this.look().catch((err: unknown) =>
        console.error(JSON.stringify({ level: 'error', msg: 'tile cache freshness check failed', error: String(err) })),
      )
    }
    return Promise.resolve()
  }

  private clearWait(p: Promise<void>): void {
    if (this.mustWait === p) this.mustWait = null
  }

  /** Starts a look, or queues one behind the running look (which may have begun before this call). */
  private look(): Promise<void> {
    if (!this.running) {
      this.running = this.lookNow().finally(() => {
        this.running = null
      })
      return this.running
    }
    if (!this.queued) {
      this.queued = this.running.then(
        () => {
          this.queued = null
          return this.look()
        },
        () => {
          this.queued = null
          return this.look()
        },
      )
    }
    return this.queued
  }

  private async lookNow(): Promise<void> {
    this.dirty = false
    const started = Date.now()
    const prev = this.snapshot
    // One statement, one snapshot: the rows read are exactly those visible now and not before.
    const [row] = await this.sql<
      { snap: string; base: string | null; changes: PlaceChange[] | null; n: number; tables: string[] | null }[]
    >`
      SELECT pg_current_snapshot()::text AS snap,
             (SELECT value::text FROM app_meta WHERE key = 'address_base_version') AS base,
             c.changes, coalesce(c.n, 0)::int AS n,
             (SELECT array_agg(DISTINCT source) FROM tile_invalidations
              WHERE ${prev}::pg_snapshot IS NOT NULL AND source <> 'incidents'
                AND xid >= pg_snapshot_xmin(${prev}::pg_snapshot) AND NOT pg_visible_in_snapshot(xid, ${prev}::pg_snapshot)) AS tables
      FROM (SELECT json_agg(json_build_object('h3_r10', h3_r10::text, 'lng', lng, 'lat', lat, 'town_code', town_code,
                     'village_code', village_code, 'grid_code', grid_code, 'microgrid_code', microgrid_code)) AS changes,
                   count(*) AS n
            FROM (SELECT * FROM tile_invalidations
                  WHERE ${prev}::pg_snapshot IS NOT NULL AND source = 'incidents'
                    AND xid >= pg_snapshot_xmin(${prev}::pg_snapshot) AND NOT pg_visible_in_snapshot(xid, ${prev}::pg_snapshot)
                  ORDER BY id LIMIT ${MAX_PLACED + 1}) t) c`
    if (!row) return
    const stale = prev !== null && started - this.lastLook > STALE_MS
    this.snapshot = row.snap
    this.lastLook = started
    if (row.base !== this.base) {
      const first = prev === null
      this.base = row.base
      if (!first) this.handlers.baseChanged()
    }
    if (prev === null) return // nothing was cached before the first look
    if (stale || row.n > MAX_PLACED) this.handlers.incidentsChangedEverywhere()
    else if (row.changes && row.changes.length > 0) await this.handlers.incidentsChanged(row.changes)
    const day = shanghaiDay(new Date(started))
    const newDay = this.day !== null && day !== this.day
    this.day = day
    const hour = Math.floor(started / 3_600_000)
    const newHour = this.hour !== null && hour !== this.hour
    this.hour = hour
    if (stale || newDay) this.handlers.tablesChanged(TABLE_SOURCES)
    else if (row.tables && row.tables.length > 0)
      this.handlers.tablesChanged(newHour ? [...new Set([...row.tables, ...HOURLY_SOURCES])] : row.tables)
    else if (newHour) this.handlers.tablesChanged(HOURLY_SOURCES)
  }
}
