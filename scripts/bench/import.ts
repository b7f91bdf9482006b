/**
 * `npm run bench:import [-- --size full|medium|small] [--variant parts|text|both] [--reimport] [--workers N]`: times the
 * address import on native PostgreSQL.
 *
 * Writes the generated demo address base (`generateAddresses` over `generateBoundaries`, as the
 * seed makes it) to two CSVs in .tmp/bench-import/ — with the part columns and with only the
 * required columns (parts parsed from the text) — once, reusing them later. Each variant is then
 * imported into a fresh scratch database on the DATABASE_URL cluster (dropped afterwards), and
 * the bench prints lines/s, seconds, peak RSS of this process (worker threads included) and the
 * phase split. With --reimport, the parts file is imported a second time (all rows unchanged).
 */
import crypto from 'node:crypto'
import { once } from 'node:events'
import fs from 'node:fs'
import path from 'node:path'
import { parseArgs } from 'node:util'

import postgres from 'postgres'
import { z } from 'zod'

import { addressCsvHeader, addressCsvLine } from '../../server/addresses/export.ts'
import { importAddresses, type ImportSummary } from '../../server/addresses/import.ts'
import { SeedSizeSchema } from '../../server/config.ts'
import { openDatabase } from '../../server/db/index.ts'
import { terminalProgress } from '../../server/ops/progress.ts'
import { generateAddresses, generateBoundaries } from '../../server/seed/index.ts'
import { loadAreas } from '../../server/seed/load.ts'
import { DEFAULT_SEED, SEED_SIZES } from '../../server/seed/run.ts'
import type { AreaRow } from '../../server/seed/types.ts'
import { ROOT_DIR } from '../../server/web/static.ts'

const { values } = parseArgs({
  options: { size: { type: 'string' }, variant: { type: 'string' }, reimport: { type: 'boolean' }, workers: { type: 'string' } },
  strict: true,
})
const size = SeedSizeSchema.parse(values.size ?? 'full')
const variants = z.enum(['parts', 'text', 'both']).parse(values.variant ?? 'both')
const workers = values.workers === undefined ? undefined : Number(values.workers)
const url = process.env.DATABASE_URL
if (!url) {
  console.error('bench:import needs DATABASE_URL (a native PostGIS cluster, e.g. from npm run db:local)')
  process.exit(2)
}

const count = SEED_SIZES[size].addresses
const dir = path.join(ROOT_DIR, '.tmp', 'bench-import')
const files = { parts: path.join(dir, `addresses-${size}-parts.csv`), text: path.join(dir, `addresses-${size}-text.csv`) }
const mb = (bytes: number) => `${Math.round(bytes / 1e6)} MB`

/** Writes both CSV variants in one pass over the generator (unless both exist). */
async function writeCsvs(areas: readonly AreaRow[]): Promise<void> {
  if (fs.existsSync(files.parts) && fs.existsSync(files.text)) return
  fs.mkdirSync(dir, { recursive: true })
  const t = performance.now()
  console.log(`writing ${count.toLocaleString('en-US')} generated addresses to ${path.relative(ROOT_DIR, dir)}/ (once)…`)
  const tmp = { parts: `${files.parts}.part`, text: `${files.text}.part` }
  const out = { parts: fs.createWriteStream(tmp.parts), text: fs.createWriteStream(tmp.text) }
  const write = async (stream: fs.WriteStream, text: string) => {
    if (!stream.write(text)) await once(stream, 'drain')
  }
  // Lines are batched into ~1 MB strings: a write per line would be slow.
  let parts = addressCsvHeader()
  let text = addressCsvHeader({ parts: false })
  for (const a of generateAddresses(areas, { seed: DEFAULT_SEED, count })) {
    parts += addressCsvLine(a)
    text += addressCsvLine(a, { parts: false })
    if (parts.length > 1 << 20) {
      await write(out.parts, parts)
      await write(out.text, text)
      parts = ''
      text = ''
    }
  }
  await write(out.parts, parts)
  await write(out.text, text)
  for (const s of [out.parts, out.text]) {
    s.end()
    await once(s, 'finish')
  }
  fs.renameSync(tmp.parts, files.parts)
  fs.renameSync(tmp.text, files.text)
  console.log(
    `  done in ${((performance.now() - t) / 1000).toFixed(0)} s: ${mb(fs.statSync(files.parts).size)} + ${mb(fs.statSync(files.text).size)}`,
  )
}

/** A fresh database on the cluster with migrations and the demo boundaries; dropped by `drop`. */
async function scratchDb(areas: readonly AreaRow[]) {
  const base = new URL(url!)
  const name = `onemap_bench_import_${crypto.randomUUID().replace(/-/g, '').slice(0, 8)}`
  const admin = postgres(base.toString(), { max: 1, onnotice: () => {} })
  await admin`CREATE DATABASE ${admin(name)}`
  const dbUrl = new URL(base)
  dbUrl.pathname = `/${name}`
  const db = await openDatabase({ databaseUrl: dbUrl.toString(), dataDir: dir })
  await loadAreas(db.sql, areas)
  return {
    db,
    async drop() {
      await db.close().catch(() => undefined)
      await admin`DROP DATABASE IF EXISTS ${admin(name)} WITH (FORCE)`
      await admin.end()
    },
  }
}

/** Runs an import while sampling this process's RSS. */
async function timed(
  run: () => Promise<ImportSummary>,
): Promise<{ summary: ImportSummary; peakRss: number; peakHeap: number; baseRss: number }> {
  const baseRss = process.memoryUsage().rss
  let peakRss = baseRss
  let peakHeap = process.memoryUsage().heapUsed
  const timer = setInterval(() => {
    const m = process.memoryUsage()
    peakRss = Math.max(peakRss, m.rss)
    peakHeap = Math.max(peakHeap, m.heapUsed)
  }, 100)
  try {
    return { summary: await run(), peakRss, peakHeap, baseRss }
  } finally {
    clearInterval(timer)
  }
}

function report(label: string, file: string, r: Awaited<ReturnType<typeof timed>>): void {
  const s = r.summary
  const p = s.phases
  console.log(`\n${label}: ${path.relative(ROOT_DIR, file)} (${mb(fs.statSync(file).size)})`)
  console.log(
    `  ${s.seconds.toFixed(1)} s, ${s.rowsPerSecond.toLocaleString('en-US')} lines/s, peak RSS ${mb(r.peakRss)} (${mb(r.baseRss)} before; heap of the importing thread ${mb(r.peakHeap)}), ${s.mode}, ${s.workers} worker threads`,
  )
  console.log(
    `  read ${s.read}, inserted ${s.inserted}, updated ${s.updated}, unchanged ${s.unchanged}, rejected ${s.rejected}, parts from text ${s.fromText}`,
  )
  console.log(
    `  wall: ingest (read → COPY done) ${p.ingest} s, merge ${p.merge} s, index build + ANALYZE ${p.indexes} s, dictionary refresh ${p.refresh} s`,
  )
  console.log(
    `  per-line CPU (summed over threads): CSV parse ${p.parse} s, validate ${p.validate} s, place (CRS, locate, text parse, H3) ${p.place} s, encode ${p.encode} s`,
  )
  console.log(`  importing thread: reading ${p.read} s, waiting for COPY ${p.copy} s`)
}

const started = performance.now()
const areas = generateBoundaries(DEFAULT_SEED)
await writeCsvs(areas)
for (const variant of variants === 'both' ? (['parts', 'text'] as const) : [variants]) {
  const scratch = await scratchDb(areas)
  try {
    const file = files[variant]
    const r = await timed(() =>
      importAddresses(scratch.db, file, {
        progress: terminalProgress(),
        reportPath: `${file}.rejects.csv`,
        ...(workers !== undefined ? { workers } : {}),
      }),
    )
    report(variant === 'parts' ? 'with part columns' : 'required columns only (parts parsed from the text)', file, r)
    if (variant === 'parts' && values.reimport) {
      const again = await timed(() =>
        importAddresses(scratch.db, file, {
          progress: terminalProgress(),
          reportPath: `${file}.rejects.csv`,
          ...(workers !== undefined ? { workers } : {}),
        }),
      )
      report('re-import of the same file (upsert, all unchanged)', file, again)
    }
  } finally {
    await scratch.drop()
  }
}
console.log(`\nbench done in ${((performance.now() - started) / 1000).toFixed(0)} s`)
