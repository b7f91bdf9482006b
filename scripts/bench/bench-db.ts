/**
 * The geocoding benchmark's database, which the other benchmarks reuse: native
 * `onemap_bench_<size>` on the DATABASE_URL cluster, else the embedded `.tmp/bench-geocode-<size>`
 * (run `npm run bench:geocode -- --size <size>` first). Migrated on open, so a database made by
 * an older checkout gains the newer tables.
 */
import fs from 'node:fs'
import path from 'node:path'

import { type Db, openDatabase } from '../../server/db/index.ts'
import { ROOT_DIR } from '../../server/web/static.ts'

/** @example const db = await openBenchDb('full') */
export async function openBenchDb(size: string): Promise<Db> {
  if (process.env.DATABASE_URL) {
    const url = new URL(process.env.DATABASE_URL)
    url.pathname = `/onemap_bench_${size}`
    return openDatabase({ databaseUrl: url.toString(), dataDir: path.join(ROOT_DIR, '.tmp'), migrate: true })
  }
  const dir = path.join(ROOT_DIR, '.tmp', `bench-geocode-${size}`)
  if (!fs.existsSync(dir)) throw new Error(`no ${dir}: run npm run bench:geocode -- --size ${size} first`)
  return openDatabase({ dataDir: dir, migrate: true })
}
