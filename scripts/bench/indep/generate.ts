/**
 * The independent evaluation set: CLI and function API.
 *
 *   tsx scripts/bench/indep/generate.ts --areas areas.geojson --count N --seed S --out DIR
 *       [--parts-rate R] [--per-kind K] [--border-rate B] [--dup-names 0|1]
 *
 * writes DIR/base.csv (address base for the importer), DIR/gazetteer.csv, DIR/queries.jsonl and
 * DIR/summary.json. Progress goes to stderr.
 */
import fs from 'node:fs'
import path from 'node:path'
import readline from 'node:readline'
import { pathToFileURL } from 'node:url'

import type { Feature, FeatureCollection, Geometry, MultiPolygon } from 'geojson'

import { type BaseStats, csvField, writeBaseCsv } from './base.ts'
import { planWorld, type World } from './plan.ts'
import { buildQueries, RowSampler } from './queries.ts'
import type { IndepArea, IndepQuery, QueryKind } from './types.ts'
import { ALL_KINDS } from './types.ts'

/** Options of generateIndependentSet. */
export interface GenerateOptions {
  areas: readonly IndepArea[]
  count: number
  seed: string
  outDir: string
  /** Share of base rows with parsed part columns (default 0.7). */
  partsRate?: number
  /** Queries per kind (default 300). */
  perKind?: number
  /** Target share of border compound rows (default 0.02; border street doors add about 1 %). */
  borderRate?: number
  /** Give a few roads and compounds a name another town also uses (default true; see plan.ts). */
  dupNames?: boolean
  /** Progress lines (default: none). */
  log?: (line: string) => void
}

/** What generateIndependentSet wrote. */
export interface GenerateResult {
  baseCsv: string
  gazetteerCsv: string
  queriesPath: string
  summaryPath: string
  /** Queries by kind. */
  counts: Record<QueryKind, number>
  summary: Summary
}

/** The content of summary.json. */
export interface Summary {
  seed: string
  count: number
  partsRate: number
  perKind: number
  base: BaseStats
  world: Record<string, number>
  queries: Record<QueryKind, number>
  /** Kinds with fewer queries than perKind (no material in these areas). */
  shortKinds: QueryKind[]
  elapsedMs: { plan: number; base: number; queries: number }
}

/**
 * Generates the whole set into outDir.
 * @example await generateIndependentSet({ areas, count: 100000, seed: 'a', outDir: '/tmp/indep' })
 */
export async function generateIndependentSet(opts: GenerateOptions): Promise<GenerateResult> {
  const log = opts.log ?? (() => {})
  const perKind = opts.perKind ?? 300
  fs.mkdirSync(opts.outDir, { recursive: true })
  let t0 = Date.now()
  const world = planWorld(opts.areas, {
    count: opts.count,
    seed: opts.seed,
    partsRate: opts.partsRate,
    borderRate: opts.borderRate,
    dupNames: opts.dupNames,
  })
  const planMs = Date.now() - t0
  log(
    `plan: ${world.towns.length} towns, ${world.roads.length} roads, ${world.compounds.length} compounds, ${world.junctions.length} junctions (${planMs} ms)`,
  )
  t0 = Date.now()
  const sampler = new RowSampler(world, Math.max(100, perKind * 3), opts.seed)
  const baseCsv = path.join(opts.outDir, 'base.csv')
  const base = await writeBaseCsv(
    world,
    baseCsv,
    (row) => sampler.offer(row),
    (n) => log(`base: ${n.toLocaleString('en')} / ${opts.count.toLocaleString('en')} rows (${((Date.now() - t0) / 1000).toFixed(1)} s)`),
  )
  const baseMs = Date.now() - t0
  log(`base: ${base.rows} rows written (${baseMs} ms)`)
  t0 = Date.now()
  const queries = buildQueries(world, sampler, { perKind, seed: opts.seed })
  const queriesPath = path.join(opts.outDir, 'queries.jsonl')
  fs.writeFileSync(queriesPath, queries.map((q) => JSON.stringify(q)).join('\n') + '\n')
  const gazetteerCsv = path.join(opts.outDir, 'gazetteer.csv')
  fs.writeFileSync(gazetteerCsv, gazetteerText(world))
  const queriesMs = Date.now() - t0
  const counts = countKinds(queries)
  const summary: Summary = {
    seed: opts.seed,
    count: opts.count,
    partsRate: world.partsRate,
    perKind,
    base,
    world: worldCounts(world),
    queries: counts,
    shortKinds: (Object.keys(counts) as QueryKind[]).filter((k) => counts[k] < perKind),
    elapsedMs: { plan: planMs, base: baseMs, queries: queriesMs },
  }
  const summaryPath = path.join(opts.outDir, 'summary.json')
  fs.writeFileSync(summaryPath, JSON.stringify(summary, null, 2) + '\n')
  log(`queries: ${queries.length} (${queriesMs} ms)${summary.shortKinds.length ? `; short kinds: ${summary.shortKinds.join(', ')}` : ''}`)
  return { baseCsv, gazetteerCsv, queriesPath, summaryPath, counts, summary }
}

/**
 * Queries per kind, every kind listed (0 when absent).
 * @example countKinds([]).garbage // 0
 */
function countKinds(queries: readonly IndepQuery[]): Record<QueryKind, number> {
  const out = Object.fromEntries(ALL_KINDS.map((k) => [k, 0])) as Record<QueryKind, number>
  for (const q of queries) out[q.kind]++
  return out
}

/**
 * Sizes of the planned world, for summary.json.
 * @example worldCounts(world).junctions
 */
function worldCounts(world: World): Record<string, number> {
  return {
    towns: world.towns.length,
    townsWithRows: world.towns.filter((t) => t.budget > 0).length,
    roads: world.roads.length,
    roadsRunningIntoNeighbour: world.roads.filter((r) => r.exts.length > 0).length,
    compounds: world.compounds.length,
    borderCompounds: world.compounds.filter((c) => c.border).length,
    compoundsWithSibling: world.compounds.filter((c) => c.siblings.length > 0).length,
    compoundsWithAlias: world.compounds.filter((c) => c.aliases.length > 0).length,
    villages: world.villages.length,
    villagesWithHouses: world.villages.filter((v) => v.rows > 0).length,
    villagesWithInventedName: world.villages.filter((v) => v.own && v.rows > 0).length,
    junctions: world.junctions.length,
    landmarks: world.landmarks.length,
    oldNames: world.oldNames.length,
    sameNameRoadPairs: world.dupRoads.length,
    sameNameCompoundPairs: world.dupCompounds.length,
  }
}

/**
 * The gazetteer CSV: old town names as aliases of today's towns, landmarks as compound-level points.
 * @example gazetteerText(world).split('\n')[0] // 'name,alias_of,lng,lat,level,town_code'
 */
export function gazetteerText(world: World): string {
  const lines = ['name,alias_of,lng,lat,level,town_code']
  for (const o of world.oldNames) lines.push(`${csvField(o.old)},${csvField(world.towns[o.townIdx]!.name)},,,town,`)
  for (const l of world.landmarks) {
    lines.push(`${csvField(l.name)},,${l.lng},${l.lat},compound,${csvField(world.towns[l.townIdx]!.code)}`)
  }
  return lines.join('\n') + '\n'
}

/**
 * Reads queries.jsonl.
 * @example (await readQueries('/tmp/indep/queries.jsonl')).length
 */
export async function readQueries(file: string): Promise<IndepQuery[]> {
  const out: IndepQuery[] = []
  const lines = readline.createInterface({ input: fs.createReadStream(file, { encoding: 'utf8' }), crlfDelay: Infinity })
  for await (const line of lines) if (line.trim()) out.push(JSON.parse(line) as IndepQuery)
  return out
}

/**
 * Areas from a GeoJSON FeatureCollection (properties code, name, level, parent_code); only town and
 * village features are kept, Polygons are read as one-part MultiPolygons.
 * @example parseAreas(JSON.parse(fs.readFileSync('areas.geojson', 'utf8')))
 */
export function parseAreas(fc: FeatureCollection): IndepArea[] {
  const out: IndepArea[] = []
  for (const f of fc.features as Feature<Geometry | null, Record<string, unknown> | null>[]) {
    const p = f.properties ?? {}
    const level = p.level
    if ((level !== 'town' && level !== 'village') || !f.geometry) continue
    const geometry = asMultiPolygon(f.geometry)
    if (!geometry) continue
    out.push({
      code: String(p.code),
      name: String(p.name),
      level,
      parentCode: p.parent_code === null || p.parent_code === undefined ? null : String(p.parent_code),
      geometry,
    })
  }
  return out
}

/**
 * A Polygon or MultiPolygon as a MultiPolygon; null for other geometry types.
 * @example asMultiPolygon({ type: 'Polygon', coordinates: [ring] }).type // 'MultiPolygon'
 */
function asMultiPolygon(g: Geometry): MultiPolygon | null {
  if (g.type === 'MultiPolygon') return g
  if (g.type === 'Polygon') return { type: 'MultiPolygon', coordinates: [g.coordinates] }
  return null
}

/**
 * Reads an areas GeoJSON file.
 * @example readAreasGeoJson('areas.geojson').length
 */
export function readAreasGeoJson(file: string): IndepArea[] {
  return parseAreas(JSON.parse(fs.readFileSync(file, 'utf8')) as FeatureCollection)
}

/** Parsed command-line options. */
interface CliArgs {
  areas: string
  count: number
  seed: string
  out: string
  partsRate: number
  perKind: number
  borderRate: number
  dupNames: boolean
}

/**
 * Parses `--name value` arguments.
 * @example parseArgs(['--areas', 'a.geojson', '--out', 'x']).count // 100000
 */
export function parseArgs(argv: readonly string[]): CliArgs {
  const get = (name: string): string | undefined => {
    const i = argv.indexOf(`--${name}`)
    return i >= 0 ? argv[i + 1] : undefined
  }
  const num = (name: string, dflt: number): number => {
    const v = get(name)
    if (v === undefined) return dflt
    const n = Number(v)
    if (!Number.isFinite(n)) throw new Error(`--${name} needs a number, got ${v}`)
    return n
  }
  const areas = get('areas')
  const out = get('out')
  if (!areas || !out)
    throw new Error(
      'usage: generate.ts --areas areas.geojson --out DIR [--count N] [--seed S] [--parts-rate R] [--per-kind K] [--border-rate B] [--dup-names 0|1]',
    )
  return {
    areas,
    out,
    count: Math.round(num('count', 100_000)),
    seed: get('seed') ?? 'indep',
    partsRate: num('parts-rate', 0.7),
    perKind: Math.round(num('per-kind', 300)),
    borderRate: num('border-rate', 0.02),
    dupNames: num('dup-names', 1) !== 0,
  }
}

/**
 * The CLI entry.
 * @example await main(['--areas', 'a.geojson', '--out', '/tmp/x'])
 */
async function main(argv: readonly string[]): Promise<void> {
  const args = parseArgs(argv)
  const areas = readAreasGeoJson(args.areas)
  const log = (line: string) => process.stderr.write(`[indep] ${line}\n`)
  log(
    `${areas.filter((a) => a.level === 'town').length} towns, ${areas.filter((a) => a.level === 'village').length} villages from ${args.areas}`,
  )
  const t0 = Date.now()
  const r = await generateIndependentSet({ ...args, areas, outDir: args.out, log })
  log(`done in ${((Date.now() - t0) / 1000).toFixed(1)} s: ${r.baseCsv}, ${r.gazetteerCsv}, ${r.queriesPath}, ${r.summaryPath}`)
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  main(process.argv.slice(2)).catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`)
    process.exit(1)
  })
}
