/**
 * `npm run import -- boundaries FILE --level L [flags]`: one level of a district's own areas
 * (server/boundaries/import.ts). Prints what was loaded, repaired, rejected and removed, and
 * where the full report is.
 */
import { parseArgs } from 'node:util'

import { type BoundaryImportSummary, importBoundaries } from '../boundaries/import.ts'
import { type BoundaryFinding, BoundaryImportOptionsSchema } from '../boundaries/schema.ts'
import { loadConfig } from '../config.ts'
import { terminalProgress } from '../ops/progress.ts'
import { log } from './boot.ts'
import { filesToUpload, runOrHandOff } from './handoff.ts'

export const BOUNDARIES_USAGE = [
  'usage: npm run import -- boundaries FILE --level district|town|village|grid|microgrid',
  '         [--code-field F] [--name-field F] [--parent-field F] [--population-field F] [--type-field F]',
  '         [--crs wgs84|cgcs2000|gcj02|bd09] [--encoding E] [--layer NAME] [--tolerance M2] [--report FILE]',
  '  FILE   GeoJSON (.geojson/.json), a Shapefile (.shp with its .dbf/.shx/.prj/.cpg, or all of them in a .zip),',
  '         or a GeoPackage (.gpkg). Fields are found by their usual names (XZQDM/XZQMC, CJDM/CJMC, WGBM/WGMC/SSCJ,',
  "         代码/名称…) unless named. Without a parent field, an area's parent is the area of the level above",
  "         that holds its point on surface, and its code must start with that parent's code.",
  '  --crs        what the coordinates really are (overrides the .prj: e.g. a "WGS84" layer holding GCJ-02)',
  '  --tolerance  gaps and overlaps smaller than this many m² are not reported (default 1000)',
  '  --report     where the findings go (default FILE.report.csv)',
].join('\n')

const n = (x: number) => x.toLocaleString('en-US')

/** The CLI flags as the options schema spells them. */
const FLAGS = {
  level: 'level',
  'code-field': 'codeField',
  'name-field': 'nameField',
  'parent-field': 'parentField',
  'population-field': 'populationField',
  'type-field': 'typeField',
  crs: 'crs',
  encoding: 'encoding',
  layer: 'layer',
  tolerance: 'toleranceM2',
  report: 'report',
  source: 'source',
} as const

/**
 * Parses the flags into the import's options, or returns the problem in one sentence.
 * @example parseBoundaryArgs(['towns.zip', '--level', 'town']) // { file: 'towns.zip', options: { level: 'town' } }
 */
export function parseBoundaryArgs(
  args: string[],
): { file: string; options: ReturnType<typeof BoundaryImportOptionsSchema.parse> } | { problem: string } {
  let parsed: { values: Record<string, string | undefined>; positionals: string[] }
  try {
    parsed = parseArgs({
      args,
      options: Object.fromEntries(Object.keys(FLAGS).map((k) => [k, { type: 'string' as const }])),
      allowPositionals: true,
      strict: true,
    }) as typeof parsed
  } catch (err) {
    return { problem: err instanceof Error ? err.message : String(err) }
  }
  const [file, ...extra] = parsed.positionals
  if (!file) return { problem: 'give the boundary file to import' }
  if (extra.length > 0) return { problem: `unexpected arguments: ${extra.join(' ')}` }
  const raw = Object.fromEntries(Object.entries(parsed.values).map(([k, v]) => [FLAGS[k as keyof typeof FLAGS], v]))
  const options = BoundaryImportOptionsSchema.safeParse(raw)
  if (!options.success) {
    const flagOf = (key: string) => Object.entries(FLAGS).find(([, v]) => v === key)?.[0] ?? key
    return { problem: options.error.issues.map((i) => `--${flagOf(String(i.path[0]))}: ${i.message}`).join('; ') }
  }
  return { file, options: options.data }
}

/** Prints a summary of a boundary import. */
export function printBoundarySummary(s: BoundaryImportSummary, say: (line: string) => void = log): void {
  const f = s.fields
  say(
    `  read ${s.format}${s.layer ? ` layer ${s.layer}` : ''}: ${n(s.read)} features; coordinates: ${s.crsNote}${s.encoding ? `; text: ${s.encoding}` : ''}`,
  )
  say(
    `  fields: code=${f.code}, name=${f.name}, parent=${f.parent ?? '(none: by position)'}, population=${f.population ?? '-'}, type=${f.type ?? '-'}`,
  )
  say(
    `  ${s.level}: ${n(s.inserted)} new, ${n(s.updated)} changed, ${n(s.unchanged)} unchanged, ${n(s.rejected)} rejected, ${n(s.removed.length)} removed, ${n(s.repaired)} repaired`,
  )
  for (const w of s.warnings) say(`  warning: ${w}`)
  const replaced = Object.entries(s.replaced).filter(([, v]) => v > 0)
  if (replaced.length > 0) say(`  placed again by their point: ${replaced.map(([t, v]) => `${n(v)} ${t}`).join(', ')}`)
  const byKind = new Map<string, BoundaryFinding[]>()
  for (const x of s.findings) byKind.set(x.kind, [...(byKind.get(x.kind) ?? []), x])
  for (const [kind, list] of byKind) {
    say(`  ${kind}: ${n(list.length)}`)
    for (const x of list.slice(0, 3))
      say(
        `    ${x.feature !== null ? `feature ${x.feature}` : (x.code ?? '')}${x.feature !== null && x.code ? ` (${x.code})` : ''}: ${x.detail}`,
      )
  }
  if (s.reportPath && s.findings.length > 0) say(`  all findings: ${s.reportPath}`)
  say(`  import run #${s.runId}, ${s.seconds} s`)
}

/**
 * Runs the boundary import from the command line; returns the exit code.
 * @example process.exitCode = await importBoundariesCli(['towns.zip', '--level', 'town'])
 */
export async function importBoundariesCli(args: string[]): Promise<number> {
  const parsed = parseBoundaryArgs(args)
  if ('problem' in parsed) {
    log(`import: ${parsed.problem}`)
    log(BOUNDARIES_USAGE)
    return 2
  }
  const { file, options } = parsed
  log(`importing ${options.level} boundaries from ${file}…`)
  const { report, ...jobOptions } = options
  const reportPath = report ?? `${file}.report.csv`
  const s = await runOrHandOff(
    loadConfig(),
    'boundaries',
    filesToUpload(file),
    jobOptions,
    () => reportPath,
    (db) => importBoundaries(db, file, { ...jobOptions, progress: terminalProgress(), reportPath }),
  )
  printBoundarySummary(s)
  return 0
}
