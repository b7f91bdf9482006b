/**
 * Seeds the demo data set: reference divisions and synthetic boundaries, an address base and
 * two years of incidents, all deterministic from a seed string (and the end date).
 */
import path from 'node:path'

import { z } from 'zod'

import { addressBaseChanged } from '../addresses/base.ts'
import type { SeedSize } from '../config.ts'
import type { Db } from '../db/index.ts'
import { importGazetteer } from '../gazetteer/import-csv.ts'
import { type PhaseProgress, silentProgress } from '../ops/progress.ts'
import { ROOT_DIR } from '../web/static.ts'
import { plantWarningPatterns } from './demo-patterns.ts'
import { type FullViewPatterns, generateFullView, tapRecentIncidents } from './full-view.ts'
import { generateHazards } from './hazards.ts'
import { generateAddresses, generateBoundaries, generateIncidents, sampleForIncidents, TOTAL_POPULATION } from './index.ts'
import { loadAddresses, loadAreas, loadHazardsAndTasks, loadIncidents } from './load.ts'
import { loadFullView } from './load-full-view.ts'

/**
 * How many addresses and incidents each demo size has (boundaries are the same for all), and the
 * full view's houses, organisations and disputes (residents follow the houses, ~2.6 a house).
 * The full view is a sample even at `full`: the district's ~2.7 M people would not fit the
 * embedded database, so houses are drawn from the incident sample's addresses (fullViewNote).
 */
export const SEED_SIZES: Record<
  SeedSize,
  { addresses: number; incidents: number; hazards: number; houses: number; organisations: number; disputes: number }
> = {
  small: { addresses: 100_000, incidents: 50_000, hazards: 240, houses: 8_000, organisations: 1_200, disputes: 900 },
  medium: { addresses: 500_000, incidents: 250_000, hazards: 600, houses: 25_000, organisations: 3_000, disputes: 2_500 },
  full: { addresses: 3_480_000, incidents: 1_000_000, hazards: 1_200, houses: 80_000, organisations: 8_000, disputes: 8_000 },
}

/**
 * What the full view's people are a sample of, in words (printed by `npm run seed`; docs/operations.md).
 * @example fullViewNote({ houses: 8_000, residents: 21_974 }) // 'full view: 21974 residents in 8000 houses, a sample (1 in 123) of …'
 */
export function fullViewNote(counts: Record<string, number>): string | null {
  const residents = counts.residents
  if (!residents) return null
  return (
    `full view: ${residents} residents in ${counts.houses} houses, a sample (1 in ${Math.round(TOTAL_POPULATION / residents)}) ` +
    `of the district's ${(TOTAL_POPULATION / 1e6).toFixed(1)} M people at addresses of the incident sample; ` +
    'organisations, disputes, patrols and devices at demo scale'
  )
}

export const DEFAULT_SEED = 'xiaoshan'

/** The demo gazetteer the seed loads (data/README.md says what is in it). */
export const DEMO_GAZETTEER = path.join(ROOT_DIR, 'data', 'gazetteer.csv')

export const SeedMetaSchema = z.object({
  size: z.enum(['small', 'medium', 'full']),
  only: z.enum(['boundaries']).nullable(),
  seed: z.string(),
  end: z.string(),
  counts: z.record(z.string(), z.number()),
  seededAt: z.string(),
  seconds: z.number(),
})
export type SeedMeta = z.infer<typeof SeedMetaSchema>

export interface SeedOptions {
  size: SeedSize
  /** 'boundaries': reference divisions and boundaries only, for users who load their own data. */
  only?: 'boundaries' | null
  seed?: string
  /** Incidents cover the two years before this instant (default: now, to the minute). */
  end?: Date
  progress?: PhaseProgress
}

/** What was seeded into this database, or null if nothing was. */
export async function seedStatus(db: Db): Promise<SeedMeta | null> {
  const [row] = await db.sql<{ value: unknown }[]>`SELECT value FROM app_meta WHERE key = 'seed'`
  if (!row) return null
  const parsed = SeedMetaSchema.safeParse(row.value)
  return parsed.success ? parsed.data : null
}

/** The full view's patterns planted by the last seed (./full-view.ts FullViewPatterns), or null. */
export async function seedPatterns(db: Db): Promise<FullViewPatterns | null> {
  const [row] = await db.sql<{ value: FullViewPatterns }[]>`SELECT value FROM app_meta WHERE key = 'seed_patterns'`
  return row?.value ?? null
}

/** Seeds the demo data. Re-running with the same options changes nothing (every load upserts). */
export async function seedDemo(db: Db, opts: SeedOptions): Promise<SeedMeta> {
  const started = Date.now()
  const seed = opts.seed ?? DEFAULT_SEED
  const end = opts.end ?? new Date(Math.floor(Date.now() / 60_000) * 60_000)
  const progress = opts.progress ?? silentProgress
  const sizes = SEED_SIZES[opts.size]
  const counts: Record<string, number> = {}

  const areas = generateBoundaries(seed)
  progress.start('boundaries', areas.length)
  counts.areas = await loadAreas(db.sql, areas, (n) => progress.update(n))
  progress.stop()
  // The demo gazetteer: old town names and well-known places (data/gazetteer.csv).
  counts.gazetteer = (await importGazetteer(db, DEMO_GAZETTEER, { reportPath: null, source: 'demo' })).read

  if (opts.only !== 'boundaries') {
    progress.start('addresses', sizes.addresses)
    const sample = sampleForIncidents({ seed, count: sizes.addresses })
    const addresses = generateAddresses(areas, { seed, count: sizes.addresses })
    counts.addresses = await loadAddresses(db, sample.observe(addresses), (n) => progress.update(n))
    progress.stop()
    // The geocoder's dictionary (address_places) and the base version follow every load.
    progress.start('dictionary', 1)
    await addressBaseChanged(db.sql)
    progress.update(1)
    progress.stop()

    progress.start('incidents', sizes.incidents)
    const incidents = generateIncidents(sample.addresses(), { seed, count: sizes.incidents, end })
    // The full view's patterns are planted against the incidents of the last weeks: watch them go by.
    const tap = tapRecentIncidents(end)
    counts.incidents = await loadIncidents(db, tap.observe(incidents), (n) => progress.update(n))
    // Patterns for the warning models to find on the first start (./demo-patterns.ts).
    counts.incidents += await loadIncidents(db, tap.observe(plantWarningPatterns(sample.addresses(), { seed, end })))
    progress.stop()

    // The hazards register and rectification tasks, at addresses of the same sample.
    progress.start('hazards', 1)
    const register = generateHazards(sample.addresses(), { seed, count: sizes.hazards, end })
    const loaded = await loadHazardsAndTasks(db, register)
    counts.hazards = loaded.hazards
    counts.tasks = loaded.tasks
    progress.update(1)
    progress.stop()

    // The full information view (./full-view.ts), with the patterns of its warning models.
    progress.start('full view', 1)
    const fullView = generateFullView(sample.addresses(), areas, tap.recent, {
      seed,
      end,
      houses: sizes.houses,
      organisations: sizes.organisations,
      disputes: sizes.disputes,
    })
    counts.incidents += await loadIncidents(db, fullView.incidents)
    Object.assign(counts, await loadFullView(db, fullView))
    // What was planted where, for tests and the docs to name (seedPatterns).
    await db.sql`
      INSERT INTO app_meta (key, value) VALUES ('seed_patterns', ${db.sql.json(JSON.parse(JSON.stringify(fullView.patterns)))})
      ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = now()`
    progress.update(1)
    progress.stop()
  }

  const meta: SeedMeta = {
    size: opts.size,
    only: opts.only ?? null,
    seed,
    end: end.toISOString(),
    counts,
    seededAt: new Date().toISOString(),
    seconds: Math.round((Date.now() - started) / 100) / 10,
  }
  await db.sql`
    INSERT INTO app_meta (key, value) VALUES ('seed', ${db.sql.json(meta)})
    ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = now()`
  return meta
}
