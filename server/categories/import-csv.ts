/**
 * The catalogue import (`npm run import -- categories FILE.csv [--replace]`): a district's own
 * two-level category catalogue from CSV (`code,name,parent_code[,name_en]`; a level-1 category
 * has an empty parent_code, an item names a level-1 parent of the file or of the catalogue).
 *
 * A catalogue is small (tens to hundreds of lines), and whether an item's parent exists depends
 * on the whole file, so the file is read whole (the shared chunked reader, server/imports/csv.ts),
 * checked line by line and then across lines, and written in one transaction: bad lines are
 * rejected into the report by line and reason while the rest loads; codes are upserted, so a
 * re-run changes nothing. Recorded in import_runs (kind 'categories').
 *
 * Codes of the catalogue that the file leaves out stay as they are, unless `--replace`: then
 * those nothing uses are removed (their role bindings go with them and are reported as unbound),
 * and those still used are kept and reported — an item incidents carry, a code a model
 * definition names, and a level-1 category with kept items. (Hazards have their own fixed
 * categories and never name catalogue codes.)
 */
import path from 'node:path'
import type { Readable } from 'node:stream'

import type { Sql } from 'postgres'

import type { Db } from '../db/index.ts'
import type { BatchedImportSummary, ImportReject } from '../imports/batched.ts'
import { ImportInputError, openImportFile, openRejectReport, parseCsvChunk, type RejectReport } from '../imports/csv.ts'
import { finishDoneRun, finishImportRun, type ImportCounts, importTarget, startImportRun, ZERO_COUNTS } from '../imports/runs.ts'
import { type PhaseProgress, silentProgress } from '../ops/progress.ts'
import { CATEGORY_OPTIONAL_COLUMNS, CATEGORY_REQUIRED_COLUMNS, type CategoryCsvRow, CategoryCsvRowSchema } from './schema.ts'

export interface CategoryImportOptions {
  /** Rejects report (default `<FILE>.rejects.csv` for a path; none for a stream). null: no report. */
  reportPath?: string | null
  /** import_runs.source (default: the file name). */
  source?: string
  fileName?: string
  /** Told of the lines checked and written (a catalogue is small: one step). */
  progress?: PhaseProgress
  /** Remove the catalogue's codes the file leaves out, where nothing uses them. */
  replace?: boolean
}

/** A code the file leaves out that stays, and why. */
export interface KeptCode {
  code: string
  reason: string
}

export interface CategoryImportSummary extends BatchedImportSummary {
  /** Codes the file leaves out that stay (all of them without --replace). */
  kept: KeptCode[]
  /** Codes removed (--replace only). */
  removed: string[]
  /** Role bindings removed with their codes. */
  unbound: { role: string; code: string }[]
}

/** One line as read: its row, or why it cannot be one. */
export interface CategoryLine {
  line: number
  /** The code as written (for the report). */
  id: string
  row: CategoryCsvRow | null
  reason: string | null
}

/** A catalogue code as it is now, with what uses it. */
export interface CurrentCode {
  level: 1 | 2
  parentCode: string | null
  /** Incidents carrying it. */
  incidents: number
  /** Models whose current definition names it. */
  models: string[]
}

/** A row to upsert. */
export interface CatalogueRow {
  code: string
  parentCode: string | null
  level: 1 | 2
  nameZh: string
  nameEn: string
  sortOrder: number
}

/** What the import will do. */
export interface CataloguePlan {
  /** Level-1 rows first, then items, each in file order. */
  rows: CatalogueRow[]
  rejects: ImportReject[]
  remove: string[]
  kept: KeptCode[]
}

/**
 * Plans the import from every line and the catalogue as it is (pure): which lines load, which
 * are rejected and why, what is removed and what is kept.
 * @example planCatalogue([{ line: 2, id: 'ZA', row: { code: 'ZA', nameZh: '治安', nameEn: '治安', parentCode: null }, reason: null }], new Map(), { replace: false }).rows[0] // { code: 'ZA', level: 1, sortOrder: 1, … }
 */
export function planCatalogue(
  lines: readonly CategoryLine[],
  current: ReadonlyMap<string, CurrentCode>,
  opts: { replace: boolean },
): CataloguePlan {
  const rejects: ImportReject[] = []
  const reject = (l: CategoryLine, reason: string) => rejects.push({ line: l.line, id: l.id, reason })
  const inFile = new Set(lines.map((l) => l.row?.code ?? l.id).filter((c) => c !== ''))
  // 1. Lines that are rows at all, first of each code.
  const first = new Map<string, CategoryLine>()
  const candidates: (CategoryLine & { row: CategoryCsvRow })[] = []
  for (const l of lines) {
    if (!l.row) {
      reject(l, l.reason ?? 'unreadable line')
      continue
    }
    const seen = first.get(l.row.code)
    if (seen) {
      reject(l, `duplicate code (first on line ${seen.line})`)
      continue
    }
    first.set(l.row.code, l)
    candidates.push(l as CategoryLine & { row: CategoryCsvRow })
  }
  // 2. Level-1 categories: an item incidents carry cannot become one (incidents carry items).
  const top = new Map<string, CategoryLine & { row: CategoryCsvRow }>()
  for (const l of candidates.filter((c) => c.row.parentCode === null)) {
    const cur = current.get(l.row.code)
    if (cur?.level === 2 && cur.incidents > 0) {
      reject(l, `${l.row.code} is an item that ${cur.incidents} incidents carry; it cannot become a level-1 category`)
    } else top.set(l.row.code, l)
  }
  // 3. Items: their parent must be a level-1 category of the file, or (without --replace) of the catalogue.
  const items: (CategoryLine & { row: CategoryCsvRow })[] = []
  for (const l of candidates.filter((c) => c.row.parentCode !== null)) {
    const p = l.row.parentCode!
    const parentLine = first.get(p) ?? lines.find((x) => x.id === p)
    if (top.has(p)) items.push(l)
    else if (parentLine?.row && parentLine.row.parentCode !== null)
      reject(l, `parent_code ${p} is an item (line ${parentLine.line}), not a level-1 category`)
    else if (parentLine) reject(l, `parent_code ${p} was rejected (line ${parentLine.line})`)
    else if (!opts.replace && current.get(p)?.level === 1) items.push(l)
    else
      reject(
        l,
        `unknown parent_code ${p}: not a level-1 category of the file${opts.replace ? ' (with --replace every parent must be in the file)' : ' or the catalogue'}`,
      )
  }
  // 4. What stays and what goes among the codes the file leaves out.
  const accepted = new Set([...top.keys(), ...items.map((l) => l.row.code)])
  const missing = [...current.keys()].filter((c) => !inFile.has(c)).sort()
  const kept: KeptCode[] = []
  const remove: string[] = []
  const keptCodes = new Set<string>()
  const uses = (c: CurrentCode) =>
    [c.incidents > 0 ? `carried by ${c.incidents} incidents` : '', c.models.length > 0 ? `named by model ${c.models.join(', ')}` : '']
      .filter(Boolean)
      .join('; ')
  for (const code of missing.filter((c) => current.get(c)!.level === 2)) {
    const why = opts.replace ? uses(current.get(code)!) : 'not in the file (left as it is without --replace)'
    if (why) {
      kept.push({ code, reason: why })
      keptCodes.add(code)
    } else remove.push(code)
  }
  // Items that stay under a level-1 category the file leaves out: kept ones, and rejected lines (left as they are).
  const staysUnder = (parent: string) =>
    [...current.entries()]
      .filter(([c, v]) => v.parentCode === parent && !accepted.has(c) && (keptCodes.has(c) || inFile.has(c)))
      .map(([c]) => c)
  for (const code of missing.filter((c) => current.get(c)!.level === 1)) {
    const children = staysUnder(code)
    const why = opts.replace
      ? [uses(current.get(code)!), children.length > 0 ? `has kept items ${children.join(', ')}` : ''].filter(Boolean).join('; ')
      : 'not in the file (left as it is without --replace)'
    if (why) kept.push({ code, reason: why })
    else remove.push(code)
  }
  // 5. An item of the file that is a level-1 category now must not leave items behind under it.
  const finalItems = items.filter((l) => {
    if (current.get(l.row.code)?.level !== 1) return true
    const left = [...current.entries()]
      .filter(([c, v]) => v.parentCode === l.row.code && !accepted.has(c) && !remove.includes(c))
      .map(([c]) => c)
    if (left.length === 0) return true
    reject(l, `${l.row.code} is a level-1 category with items the file does not move (${left.join(', ')}); it cannot become an item`)
    return false
  })
  // Sort orders: position among siblings in the file.
  const order = new Map<string, number>()
  const next = (parent: string) => {
    const n = (order.get(parent) ?? 0) + 1
    order.set(parent, n)
    return n
  }
  const rows: CatalogueRow[] = [
    ...[...top.values()].map((l) => ({
      code: l.row.code,
      parentCode: null,
      level: 1 as const,
      nameZh: l.row.nameZh,
      nameEn: l.row.nameEn,
      sortOrder: next(''),
    })),
    ...finalItems.map((l) => ({
      code: l.row.code,
      parentCode: l.row.parentCode,
      level: 2 as const,
      nameZh: l.row.nameZh,
      nameEn: l.row.nameEn,
      sortOrder: next(l.row.parentCode!),
    })),
  ]
  rejects.sort((a, b) => a.line - b.line)
  return { rows, rejects, remove, kept: kept.sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0)) }
}

/**
 * The catalogue as it is, with the incidents carrying each code and the models naming it.
 * @example (await currentCatalogue(db.sql)).get('0101') // { level: 2, parentCode: '01', incidents: 412, models: [] }
 */
export async function currentCatalogue(sql: Sql): Promise<Map<string, CurrentCode>> {
  const rows = await sql<{ code: string; level: number; parent_code: string | null; incidents: number }[]>`
    SELECT c.code, c.level, c.parent_code, coalesce(n.n, 0)::int AS incidents
    FROM incident_categories c
    LEFT JOIN (SELECT category_code, count(*) AS n FROM incidents GROUP BY category_code) n ON n.category_code = c.code`
  const models = await sql<{ id: string; codes: string[] }[]>`
    SELECT id, ARRAY(
      SELECT jsonb_array_elements_text(coalesce(definition->'categories', '[]'::jsonb) || coalesce(definition->'params'->'escalateCategories', '[]'::jsonb))
    ) AS codes
    FROM models ORDER BY id`
  const out = new Map<string, CurrentCode>()
  for (const r of rows) out.set(r.code, { level: r.level === 1 ? 1 : 2, parentCode: r.parent_code, incidents: r.incidents, models: [] })
  for (const m of models) for (const c of new Set(m.codes)) out.get(c)?.models.push(m.id)
  return out
}

/**
 * Reads every line of the file: a row, or the reason it is none.
 * @example const { lines } = await readCategoryLines('catalogue.csv')
 */
async function readCategoryLines(input: Readable | string): Promise<{ lines: CategoryLine[]; warning: string | null; stream: Readable }> {
  const opened = await openImportFile(input, CATEGORY_REQUIRED_COLUMNS, CATEGORY_OPTIONAL_COLUMNS)
  const { csv, header } = opened
  const lines: CategoryLine[] = []
  const codeIndex = header.index.code
  for await (const chunk of csv.chunks) {
    const { records, problems } = parseCsvChunk(chunk)
    for (const p of problems) lines.push({ line: p.line, id: '', row: null, reason: p.reason })
    for (const rec of records) {
      const id = rec.fields[codeIndex]?.trim() ?? ''
      if (rec.fields.length !== csv.header.length) {
        lines.push({ line: rec.line, id, row: null, reason: `expected ${csv.header.length} fields, found ${rec.fields.length}` })
        continue
      }
      const raw: Record<string, string | undefined> = {}
      for (const [c, i] of Object.entries(header.index)) if (i >= 0) raw[c] = rec.fields[i]
      const parsed = CategoryCsvRowSchema.safeParse(raw)
      lines.push(
        parsed.success
          ? { line: rec.line, id, row: parsed.data, reason: null }
          : {
              line: rec.line,
              id,
              row: null,
              reason: parsed.error.issues.map((i) => `${i.path.join('.') || 'line'}: ${i.message}`).join('; '),
            },
      )
    }
  }
  return { lines: lines.sort((a, b) => a.line - b.line), warning: opened.warning, stream: opened.stream }
}

/**
 * Writes a plan in one transaction: bindings of removed codes, level-1 rows, items, removals.
 * Properties of existing rows are left as they are.
 */
async function writePlan(
  db: Db,
  plan: CataloguePlan,
): Promise<{ inserted: number; updated: number; unbound: { role: string; code: string }[] }> {
  return db.sql.begin(async (tx) => {
    const unbound =
      plan.remove.length === 0
        ? []
        : await tx<{ role: string; code: string }[]>`
      DELETE FROM category_roles WHERE code = ANY(${plan.remove}::text[]) RETURNING role, code`
    let inserted = 0
    let updated = 0
    for (const level of [1, 2] as const) {
      const rows = plan.rows.filter((r) => r.level === level)
      if (rows.length === 0) continue
      const written = await tx<{ inserted: boolean }[]>`
        INSERT INTO incident_categories AS c (code, parent_code, level, name_zh, name_en, sort_order)
        SELECT r.code, r.parent_code, ${level}::smallint, r.name_zh, r.name_en, r.sort_order
        FROM unnest(${rows.map((r) => r.code)}::text[], ${rows.map((r) => r.parentCode)}::text[], ${rows.map((r) => r.nameZh)}::text[],
                    ${rows.map((r) => r.nameEn)}::text[], ${rows.map((r) => r.sortOrder)}::int[])
             AS r(code, parent_code, name_zh, name_en, sort_order)
        ON CONFLICT (code) DO UPDATE SET
          parent_code = EXCLUDED.parent_code, level = EXCLUDED.level, name_zh = EXCLUDED.name_zh,
          name_en = EXCLUDED.name_en, sort_order = EXCLUDED.sort_order
        WHERE (c.parent_code, c.level, c.name_zh, c.name_en, c.sort_order)
          IS DISTINCT FROM (EXCLUDED.parent_code, EXCLUDED.level, EXCLUDED.name_zh, EXCLUDED.name_en, EXCLUDED.sort_order)
        RETURNING (xmax = 0) AS inserted`
      inserted += written.filter((w) => w.inserted).length
      updated += written.filter((w) => !w.inserted).length
    }
    if (plan.remove.length > 0) {
      // Items first: a level-1 category is referenced by its items.
      await tx`DELETE FROM incident_categories WHERE code = ANY(${plan.remove}::text[]) AND level = 2`
      await tx`DELETE FROM incident_categories WHERE code = ANY(${plan.remove}::text[]) AND level = 1`
    }
    return { inserted, updated, unbound: [...unbound].sort((a, b) => (a.role + a.code < b.role + b.code ? -1 : 1)) }
  })
}

const REJECT_SAMPLE = 100

/**
 * Imports a catalogue CSV (a path or a stream). Throws ImportInputError before changing anything
 * for a file that cannot be imported (missing columns; --replace without one valid line).
 * @example const s = await importCategories(db, 'catalogue.csv', { replace: true }); s.removed
 */
export async function importCategories(db: Db, input: Readable | string, opts: CategoryImportOptions = {}): Promise<CategoryImportSummary> {
  const t0 = performance.now()
  const { file, reportPath, source } = importTarget(input, opts)
  const counts: ImportCounts = { ...ZERO_COUNTS }
  const runId = await startImportRun(db.sql, { kind: 'categories', file, source, reportPath: reportPath && path.resolve(reportPath) })
  let report: RejectReport | null = null
  let stream: Readable | null = null
  try {
    const read = await readCategoryLines(input)
    stream = read.stream
    const warnings = read.warning ? [read.warning] : []
    const progress = opts.progress ?? silentProgress
    progress.start('categories', read.lines.length)
    const plan = planCatalogue(read.lines, await currentCatalogue(db.sql), { replace: opts.replace ?? false })
    counts.read = read.lines.length
    counts.rejected = plan.rejects.length
    if (reportPath) {
      report = openRejectReport(reportPath, 'code')
      for (const r of plan.rejects) await report.add(r.line, r.id, r.reason)
      await report.close()
      report = null
    }
    if (opts.replace && plan.rows.length === 0)
      throw new ImportInputError('--replace with no valid line would empty the catalogue: nothing was changed')
    const w = await writePlan(db, plan)
    counts.inserted = w.inserted
    counts.updated = w.updated
    counts.unchanged = plan.rows.length - w.inserted - w.updated
    progress.update(read.lines.length)
    progress.stop()
    const list = (xs: readonly string[]) => (xs.length > 10 ? `${xs.slice(0, 10).join(', ')} …` : xs.join(', '))
    if (plan.remove.length > 0) warnings.push(`removed ${plan.remove.length} codes the file leaves out: ${list(plan.remove)}`)
    if (plan.kept.length > 0) {
      warnings.push(
        opts.replace
          ? `kept ${plan.kept.length} codes the file leaves out because they are in use: ${list(plan.kept.map((k) => `${k.code} (${k.reason})`))}`
          : `${plan.kept.length} codes of the catalogue are not in the file and were left as they are (--replace removes those nothing uses)`,
      )
    }
    if (w.unbound.length > 0)
      warnings.push(
        `unbound with their codes: ${list(w.unbound.map((u) => `${u.role} → ${u.code}`))} (bind the roles again: npm run import -- roles FILE.json)`,
      )
    const timing = await finishDoneRun(db.sql, runId, counts, warnings, t0)
    return {
      runId,
      ...counts,
      ...timing,
      reportPath,
      unplaced: 0,
      warnings,
      rejects: plan.rejects.slice(0, REJECT_SAMPLE),
      kept: plan.kept,
      removed: plan.remove,
      unbound: w.unbound,
    }
  } catch (err) {
    await report?.close().catch(() => undefined)
    const message = err instanceof Error ? err.message : String(err)
    await finishImportRun(db.sql, runId, { status: 'failed', counts, message }).catch(() => undefined)
    throw err
  } finally {
    if (stream && !stream.destroyed) stream.destroy()
  }
}
