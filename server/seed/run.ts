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
import { generateHazards } from './hazards.ts'
import { generateAddresses, generateBoundaries, generateIncidents, sampleForIncidents } from './index.ts'
import { loadAddresses, loadAreas, loadHazardsAndTasks, loadIncidents } from './load.ts'

/** How many addresses and incidents each demo size has (boundaries are the same for all). */
export const SEED_SIZES: Record<SeedSize, { addresses: number; incidents: number; hazards: number }> = {
  small: { addresses: 100_000, incidents: 50_000, hazards: 240 },
  medium: { addresses: 500_000, incidents: 250_000, hazards: 600 },
  full: { addresses: 3_480_000, incidents: 1_000_000, hazards: 1_200 },
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
    counts.incidents = await loadIncidents(db, incidents, (n) => progress.update(n))
    // Patterns for the warning models to find on the first start (./demo-patterns.ts).
    counts.incidents += await loadIncidents(db, plantWarningPatterns(sample.addresses(), { seed, end }))
    progress.stop()

    // The hazards register and rectification tasks, at addresses of the same sample.
    progress.start('hazards', 1)
    const register = generateHazards(sample.addresses(), { seed, count: sizes.hazards, end })
    const loaded = await loadHazardsAndTasks(db, register)
    counts.hazards = loaded.hazards
    counts.tasks = loaded.tasks
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
