/**
 * The boundary import (`npm run import -- boundaries FILE --level L`): one level of a district's
 * own areas from GeoJSON, a Shapefile (zipped or plain) or a GeoPackage (./read).
 *
 * 1. Read and check each feature: a polygon, a code unique in the file and not used by another
 *    level, a name. Coordinates go to WGS84 (`--crs gcj02` overrides a wrong declaration).
 * 2. In PostGIS: invalid polygons are repaired with ST_MakeValid (and reported); each area finds
 *    its parent, by the parent field or as the area of the level above holding its point on
 *    surface (ambiguous and orphan areas reported; without a field a code must nest under its
 *    parent's). Gaps and overlaps larger than the tolerance are reported with area and place.
 * 3. The level is replaced in one transaction: kept codes are updated (the old shape goes to
 *    admin_area_history), new ones inserted, the children of vanished codes re-parented by
 *    position, and records that named a vanished code (addresses, incidents, hazards, tasks,
 *    warnings) are placed again by their point. The address base version goes up, so tile
 *    caches, area locators and the geocoder's dictionary follow in every server.
 * Nothing is written when the file cannot be imported at all; rejected features are reported by
 * number and the rest loads.
 */
import fs from 'node:fs'

import { stringify } from 'csv-stringify/sync'
import type { Geometry } from 'geojson'
import type { TransactionSql } from 'postgres'

import { addressBaseChanged } from '../addresses/base.ts'
import type { Db } from '../db/index.ts'
import { ImportInputError } from '../imports/csv.ts'
import { beatImportRun, finishImportRun, type ImportCounts, importTarget, startImportRun, ZERO_COUNTS } from '../imports/runs.ts'
import { startHeartbeat } from '../ops/heartbeat.ts'
import { type PhaseProgress, silentProgress } from '../ops/progress.ts'
import { detectFields, type FieldMap, missingFields } from './fields.ts'
import { boxOf, isAreal, toWgs84Polygon } from './geometry.ts'
import { BoundaryReadError, type BoundarySource, readBoundaryFile } from './read/index.ts'
import {
  type AreaLevel,
  type BoundaryCrs,
  type BoundaryFileOptions,
  type BoundaryFinding,
  childLevel,
  DEFAULT_TOLERANCE_M2,
  parentLevel,
} from './schema.ts'

export interface BoundaryImportInput extends BoundaryFileOptions {
  level: AreaLevel
  /** Where the findings go (CSV); default `<FILE>.report.csv`; null: nowhere. */
  reportPath?: string | null
  source?: string
  progress?: PhaseProgress
}

export interface BoundaryImportSummary extends ImportCounts {
  runId: number
  level: AreaLevel
  file: string
  format: BoundarySource['format']
  layer: string | null
  fields: FieldMap
  /** The coordinates as read, and how they were taken. */
  crs: BoundaryCrs
  crsNote: string
  encoding: string | null
  repaired: number
  removed: string[]
  reparented: number
  /** Records placed again by their point, per table. */
  replaced: Record<string, number>
  findings: BoundaryFinding[]
  warnings: string[]
  reportPath: string | null
  seconds: number
}

/** One feature that passed the first checks. */
interface Candidate {
  feature: number
  code: string
  name: string
  parentCode: string | null
  population: number | null
  type: string | null
  attributes: Record<string, unknown>
  geojson: string
  /** Its box lies within longitude/latitude of China (else the file is likely projected without a .prj). */
  inChina: boolean
}

const LEVEL_ZH: Record<AreaLevel, string> = { district: '区县', town: '乡镇街道', village: '村社区', grid: '网格', microgrid: '微网格' }
/** Tables whose rows carry area codes and a point, placed again when their area vanishes. */
const PLACED_TABLES = ['addresses', 'incidents', 'hazards', 'tasks', 'warnings'] as const
/** An area straddling two parents with at least this share in the second is reported as ambiguous. */
const AMBIGUOUS_SHARE = 0.2
/** Without its point on surface in any parent, an area belongs to the one holding most of it, if at least this much. */
const MAJORITY_SHARE = 0.5

/**
 * A field value as text: numbers without a trailing `.0`, blanks as null.
 * @example textOf(330521001) // '330521001'
 */
export function textOf(v: unknown): string | null {
  if (v === null || v === undefined) return null
  const s = typeof v === 'number' ? (Number.isInteger(v) ? v.toFixed(0) : String(v)) : String(v)
  // eslint-disable-next-line no-control-regex -- NULs padding DBF fields are dropped on purpose
  const t = s.replace(/\u0000/g, '').trim()
  return t === '' ? null : t
}

/**
 * A population field as a non-negative integer, or null (blank or not a number).
 * @example populationOf('12,345') // 12345
 */
export function populationOf(v: unknown): number | null {
  const t = textOf(v)
  if (t === null) return null
  const n = Number(t.replace(/[,，\s]/g, ''))
  return Number.isFinite(n) && n >= 0 ? Math.round(n) : null
}

/**
 * How to take a file's coordinates: an explicit `--crs` wins; a .prj or srs saying CGCS2000 or
 * WGS84 is used as such; without one, WGS84 is assumed and said.
 * @example crsOf({ kind: 'unknown', text: null }, undefined) // { crs: 'wgs84', note: 'no .prj or srs: taken as WGS84 (use --crs if not)' }
 */
export function crsOf(
  declared: BoundarySource['crs'],
  override: BoundaryCrs | undefined,
): { crs: BoundaryCrs; note: string; warning: string | null } {
  const said = declared.kind === 'geographic' ? declared.name : 'unknown'
  if (override) {
    const note = `--crs ${override}${said !== 'unknown' ? ` (the file says ${said})` : ''}`
    return { crs: override, note, warning: null }
  }
  if (declared.kind === 'geographic' && declared.name === 'cgcs2000')
    return { crs: 'cgcs2000', note: 'CGCS2000 (taken as WGS84: they differ by centimetres)', warning: null }
  if (declared.kind === 'geographic' && declared.name === 'wgs84') return { crs: 'wgs84', note: 'WGS84', warning: null }
  if (declared.kind === 'geographic') {
    return {
      crs: 'wgs84',
      note: 'an unnamed geographic CRS, taken as WGS84',
      warning: `the file's coordinate system is not WGS84 or CGCS2000 (${(declared.text ?? '').slice(0, 80)}): taken as WGS84; use --crs if not`,
    }
  }
  return { crs: 'wgs84', note: 'no .prj or srs: taken as WGS84 (use --crs if not)', warning: null }
}

/**
 * Imports one level of boundaries from a file. Throws ImportInputError (nothing written) when
 * the file cannot be imported at all.
 * @example const s = await importBoundaries(db, 'towns.zip', { level: 'town' }); s.inserted
 */
export async function importBoundaries(db: Db, file: string, input: BoundaryImportInput): Promise<BoundaryImportSummary> {
  const started = Date.now()
  const progress = input.progress ?? silentProgress
  const level = input.level
  const tolerance = input.toleranceM2 ?? DEFAULT_TOLERANCE_M2
  const target = importTarget(file, {
    reportPath: input.reportPath === undefined ? `${file}.report.csv` : input.reportPath,
    source: input.source,
  })
  const warnings: string[] = []
  const findings: BoundaryFinding[] = []

  let src: BoundarySource
  try {
    src = await readBoundaryFile(file, {
      ...(input.encoding ? { encoding: input.encoding } : {}),
      ...(input.layer ? { layer: input.layer } : {}),
    })
  } catch (err) {
    if (err instanceof BoundaryReadError) throw new ImportInputError(err.message)
    throw err
  }
  warnings.push(...src.warnings)
  const fields = detectFields(level, src.fields, {
    ...(input.codeField ? { code: input.codeField } : {}),
    ...(input.nameField ? { name: input.nameField } : {}),
    ...(input.parentField ? { parent: input.parentField } : {}),
    ...(input.populationField ? { population: input.populationField } : {}),
    ...(input.typeField ? { type: input.typeField } : {}),
  })
  const missing = missingFields(fields, src.fields)
  if (missing) throw new ImportInputError(`${target.source}: ${missing}`)
  if (!fields.code)
    throw new ImportInputError(
      `${target.source}: no ${LEVEL_ZH[level]} code field found among ${src.fields.join(', ') || '(no fields)'}: name it with --code-field`,
    )
  if (!fields.name)
    throw new ImportInputError(
      `${target.source}: no ${LEVEL_ZH[level]} name field found among ${src.fields.join(', ')}: name it with --name-field`,
    )
  const crs = crsOf(src.crs, input.crs)
  if (crs.warning) warnings.push(crs.warning)
  if (src.reprojectedFrom) warnings.push(`reprojected from ${src.reprojectedFrom} to longitude/latitude`)

  const up = parentLevel(level)
  const { candidates, rejects } = checkFeatures(src, fields, crs.crs)
  findings.push(...rejects)
  if (candidates.length === 0) {
    throw new ImportInputError(
      `${target.source}: none of its ${src.features.length} features can be imported (${rejects[0]?.detail ?? 'no features'}); the ${level} level is left as it was`,
    )
  }
  const outside = candidates.filter((c) => !c.inChina)
  if (outside.length === candidates.length) {
    throw new ImportInputError(
      `${target.source}: its coordinates are not longitude/latitude in China (first: feature ${outside[0]!.feature}); is it projected without a .prj? Give the .prj or convert it to WGS84`,
    )
  }
  if (up) {
    const [row] = await db.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM admin_areas WHERE level = ${up}`
    if (!row || row.n === 0) throw new ImportInputError(`no ${up} boundaries yet: import the ${up}s before the ${level}s`)
  }

  const runId = await startImportRun(db.sql, {
    kind: 'boundaries',
    file: target.file,
    source: target.source,
    reportPath: target.reportPath,
  })
  const counts: ImportCounts = { ...ZERO_COUNTS, read: src.features.length, rejected: rejects.length }
  const stopBeat = startHeartbeat(() => beatImportRun(db.sql, runId, counts))
  try {
    progress.start(`${level}s`, candidates.length)
    const result = await db.sql.begin((tx) =>
      replaceLevel(tx, { level, up, candidates, tolerance, hasParentField: fields.parent !== null, runId, progress, counts, findings }),
    )
    progress.stop()
    counts.inserted = result.inserted
    counts.updated = result.updated
    counts.unchanged = result.unchanged
    // Rejected: every feature not loaded (rejected outright, or an orphan).
    counts.rejected = counts.read - result.inserted - result.updated - result.unchanged
    const summary: BoundaryImportSummary = {
      ...counts,
      runId,
      level,
      file: target.file,
      format: src.format,
      layer: src.layer,
      fields,
      crs: crs.crs,
      crsNote: crs.note,
      encoding: src.encoding,
      repaired: findings.filter((f) => f.kind === 'repaired').length,
      removed: result.removed,
      reparented: result.reparented,
      replaced: result.replaced,
      findings,
      warnings,
      reportPath: target.reportPath,
      seconds: Math.round((Date.now() - started) / 100) / 10,
    }
    if (target.reportPath) writeReport(target.reportPath, findings)
    const message = `${level}: ${counts.inserted} new, ${counts.updated} changed, ${counts.unchanged} unchanged, ${counts.rejected} rejected, ${result.removed.length} removed`
    await finishImportRun(db.sql, runId, { status: 'done', counts, message })
    return summary
  } catch (err) {
    progress.stop()
    await finishImportRun(db.sql, runId, { status: 'failed', counts, message: err instanceof Error ? err.message : String(err) }).catch(
      () => {},
    )
    if (target.reportPath && findings.length > 0) writeReport(target.reportPath, findings)
    throw err
  } finally {
    stopBeat()
  }
}

const finding = (f: Partial<BoundaryFinding> & Pick<BoundaryFinding, 'kind' | 'detail'>): BoundaryFinding => ({
  feature: null,
  code: null,
  name: null,
  areaM2: null,
  lng: null,
  lat: null,
  ...f,
})

/**
 * The first, database-free checks of each feature: polygon, code, name, duplicates.
 * @example checkFeatures(src, fields, 'wgs84').candidates.length
 */
export function checkFeatures(
  src: BoundarySource,
  fields: FieldMap,
  crs: BoundaryCrs,
): { candidates: Candidate[]; rejects: BoundaryFinding[] } {
  const candidates: Candidate[] = []
  const rejects: BoundaryFinding[] = []
  const firstOf = new Map<string, number>()
  for (const f of src.features) {
    const code = textOf(f.properties[fields.code!])
    const name = textOf(f.properties[fields.name!])
    const reject = (detail: string) => rejects.push(finding({ kind: 'rejected', feature: f.index, code, name, detail }))
    if (!isAreal(f.geometry as Geometry | null)) {
      reject(f.geometry ? `a ${f.geometry.type}, not a polygon` : 'no geometry')
      continue
    }
    if (!code) {
      reject(`no code (field ${fields.code})`)
      continue
    }
    if (!name) {
      reject(`no name (field ${fields.name})`)
      continue
    }
    if (code.length > 64) {
      reject(`code "${code.slice(0, 20)}…" is longer than 64 characters`)
      continue
    }
    const first = firstOf.get(code)
    if (first !== undefined) {
      reject(`duplicate code ${code}: feature ${first} has it too (only the first is kept)`)
      continue
    }
    firstOf.set(code, f.index)
    const geometry = toWgs84Polygon(f.geometry as Extract<Geometry, { type: 'Polygon' | 'MultiPolygon' }>, crs)
    const box = boxOf([geometry])
    candidates.push({
      feature: f.index,
      code,
      name,
      parentCode: fields.parent ? textOf(f.properties[fields.parent]) : null,
      population: fields.population ? populationOf(f.properties[fields.population]) : null,
      type: fields.type ? textOf(f.properties[fields.type]) : null,
      attributes: f.properties,
      geojson: JSON.stringify(geometry),
      inChina: box !== null && box[0] >= 73 && box[2] <= 136 && box[1] >= 3 && box[3] <= 54,
    })
  }
  return { candidates, rejects }
}

interface ReplaceInput {
  level: AreaLevel
  up: AreaLevel | null
  candidates: Candidate[]
  tolerance: number
  hasParentField: boolean
  runId: number
  progress: PhaseProgress
  counts: ImportCounts
  findings: BoundaryFinding[]
}

interface ReplaceResult {
  inserted: number
  updated: number
  unchanged: number
  removed: string[]
  reparented: number
  replaced: Record<string, number>
}

const STAGE_BATCH = 500
// Overlays (intersection, union, difference) below run on a 1e-9° (~0.1 mm) grid, written as a
// literal: GEOS's fixed-precision overlay never fails on the near-coincident edges that real
// neighbouring polygons have, where the floating one can raise a TopologyException (PGlite's
// GEOS did, on a real file, and PGlite then garbles the error on the wire).

/** Steps 2 and 3 of the module note, in one transaction. */
async function replaceLevel(tx: TransactionSql, r: ReplaceInput): Promise<ReplaceResult> {
  const { level, up, findings } = r
  await tx`
    CREATE TEMP TABLE boundary_stage (
      feature int PRIMARY KEY, code text NOT NULL, name text NOT NULL, parent_code text, population int, area_type text,
      attributes jsonb, raw geometry, geom geometry(MultiPolygon, 4326), pos geometry(Point, 4326), rejected text
    ) ON COMMIT DROP`
  for (let i = 0; i < r.candidates.length; i += STAGE_BATCH) {
    const b = r.candidates.slice(i, i + STAGE_BATCH)
    await tx`
      INSERT INTO boundary_stage (feature, code, name, parent_code, population, area_type, attributes, raw)
      SELECT t.feature, t.code, t.name, t.parent_code, t.population, t.area_type, t.attributes::jsonb,
             ST_SetSRID(ST_GeomFromGeoJSON(t.geojson), 4326)
      FROM unnest(${b.map((c) => c.feature)}::int[], ${b.map((c) => c.code)}::text[], ${b.map((c) => c.name)}::text[],
                  ${b.map((c) => c.parentCode)}::text[], ${b.map((c) => c.population)}::int[], ${b.map((c) => c.type)}::text[],
                  ${b.map((c) => JSON.stringify(c.attributes))}::text[], ${b.map((c) => c.geojson)}::text[])
           AS t(feature, code, name, parent_code, population, area_type, attributes, geojson)`
    r.progress.update(Math.min(r.candidates.length, i + STAGE_BATCH))
  }
  const rejectStage = async (feature: number, reason: string) => {
    await tx`UPDATE boundary_stage SET rejected = ${reason} WHERE feature = ${feature}`
  }

  // Repair: ST_MakeValid keeps every part of a bow-tie or a self-touching ring; only the areal parts are kept.
  const invalid = await tx<{ feature: number; code: string; name: string; reason: string }[]>`
    SELECT feature, code, name, ST_IsValidReason(raw) AS reason FROM boundary_stage WHERE NOT ST_IsValid(raw) ORDER BY feature`
  await tx`
    UPDATE boundary_stage SET geom = ST_Multi(ST_CollectionExtract(CASE WHEN ST_IsValid(raw) THEN raw ELSE ST_MakeValid(raw) END, 3))`
  await tx`UPDATE boundary_stage SET rejected = 'an empty polygon (no area after repair)' WHERE ST_IsEmpty(geom) OR ST_Area(geom) = 0`
  await tx`UPDATE boundary_stage SET pos = ST_PointOnSurface(geom) WHERE rejected IS NULL`
  if (invalid.length > 0) {
    const fixed = await tx<{ feature: number; area: number; lng: number; lat: number; parts: number }[]>`
      SELECT feature, ST_Area(geom::geography) AS area, ST_X(pos) AS lng, ST_Y(pos) AS lat, ST_NumGeometries(geom) AS parts
      FROM boundary_stage WHERE feature = ANY(${invalid.map((v) => v.feature)}::int[]) AND rejected IS NULL`
    const byFeature = new Map(fixed.map((f) => [f.feature, f]))
    for (const v of invalid) {
      const f = byFeature.get(v.feature)
      findings.push(
        finding({
          kind: 'repaired',
          feature: v.feature,
          code: v.code,
          name: v.name,
          detail: `invalid polygon (${v.reason}) repaired with ST_MakeValid${f ? ` into ${f.parts} part${f.parts === 1 ? '' : 's'}` : ', nothing areal left: rejected'}`,
          areaM2: f ? Math.round(f.area) : null,
          lng: f?.lng ?? null,
          lat: f?.lat ?? null,
        }),
      )
    }
  }

  // A code may name one area only, whatever its level (admin_areas.code is the key).
  const clashes = await tx<{ feature: number; code: string; name: string; other: string }[]>`
    SELECT s.feature, s.code, s.name, a.level AS other FROM boundary_stage s JOIN admin_areas a ON a.code = s.code AND a.level <> ${level}`
  for (const c of clashes) await rejectStage(c.feature, `code ${c.code} is already a ${c.other}`)

  if (up) await resolveParents(tx, r, rejectStage)

  for (const s of await tx<{ feature: number; code: string; name: string; rejected: string }[]>`
    SELECT feature, code, name, rejected FROM boundary_stage WHERE rejected IS NOT NULL ORDER BY feature`) {
    if (!findings.some((f) => f.feature === s.feature && (f.kind === 'rejected' || f.kind === 'orphan'))) {
      findings.push(finding({ kind: 'rejected', feature: s.feature, code: s.code, name: s.name, detail: s.rejected }))
    }
  }
  const [keptRow] = await tx<{ kept: number }[]>`SELECT count(*)::int AS kept FROM boundary_stage WHERE rejected IS NULL`
  if (!keptRow || keptRow.kept === 0)
    throw new ImportInputError(
      `every feature was rejected (first: ${findings.find((f) => f.kind === 'rejected' || f.kind === 'orphan')?.detail}); the ${level} level is left as it was`,
    )
  await tx`CREATE INDEX ON boundary_stage USING gist (geom)`
  await tx`ANALYZE boundary_stage`

  await reportGapsAndOverlaps(tx, r)
  return writeLevel(tx, r)
}

/** Finds each staged area's parent (step 2), rejecting orphans and codes that do not nest. */
async function resolveParents(
  tx: TransactionSql,
  r: ReplaceInput,
  rejectStage: (feature: number, reason: string) => Promise<void>,
): Promise<void> {
  const { up, findings } = r
  const upLevel = up!
  const cands = await tx<
    {
      feature: number
      code: string
      name: string
      declared: string | null
      parent: string
      holds: boolean
      share: number
      lng: number
      lat: number
    }[]
  >`
    SELECT s.feature, s.code, s.name, s.parent_code AS declared, p.code AS parent, ST_Covers(p.geom, s.pos) AS holds,
           -- Most areas lie wholly in one parent: the overlay only for those that do not.
           CASE WHEN ST_Covers(p.geom, s.geom) THEN 1.0
                ELSE ST_Area(ST_Intersection(p.geom, s.geom, 1e-9)::geography) / greatest(ST_Area(s.geom::geography), 1e-9) END AS share,
           ST_X(s.pos) AS lng, ST_Y(s.pos) AS lat
    FROM boundary_stage s JOIN admin_areas p ON p.level = ${upLevel} AND p.geom && s.geom AND ST_Intersects(p.geom, s.geom)
    WHERE s.rejected IS NULL
    ORDER BY s.feature, holds DESC, share DESC`
  type Cand = (typeof cands)[number]
  const byFeature = new Map<number, Cand[]>()
  for (const c of cands) {
    const list = byFeature.get(c.feature) ?? []
    list.push(c)
    byFeature.set(c.feature, list)
  }
  const staged = await tx<{ feature: number; code: string; name: string; declared: string | null; lng: number; lat: number }[]>`
    SELECT feature, code, name, parent_code AS declared, ST_X(pos) AS lng, ST_Y(pos) AS lat FROM boundary_stage WHERE rejected IS NULL ORDER BY feature`
  const parentCodes = new Set((await tx<{ code: string }[]>`SELECT code FROM admin_areas WHERE level = ${upLevel}`).map((p) => p.code))
  const assigned: { feature: number; parent: string }[] = []
  const pct = (x: number) => `${Math.round(x * 100)}%`
  for (const s of staged) {
    const list = byFeature.get(s.feature) ?? []
    const at = { feature: s.feature, code: s.code, name: s.name, lng: s.lng, lat: s.lat }
    if (r.hasParentField) {
      if (s.declared === null) {
        findings.push(finding({ kind: 'orphan', ...at, detail: `no parent code in the parent field: rejected` }))
        await rejectStage(s.feature, 'no parent code')
        continue
      }
      if (!parentCodes.has(s.declared)) {
        findings.push(finding({ kind: 'orphan', ...at, detail: `its parent ${s.declared} is not a ${upLevel}: rejected` }))
        await rejectStage(s.feature, `parent ${s.declared} is not a ${upLevel}`)
        continue
      }
      const holder = list.find((c) => c.holds)
      if (!holder || holder.parent !== s.declared) {
        const inDeclared = list.find((c) => c.parent === s.declared)?.share ?? 0
        findings.push(
          finding({
            kind: 'outside_parent',
            ...at,
            detail: `declared in ${upLevel} ${s.declared}, but ${holder ? `its point on surface lies in ${holder.parent}` : `it lies in no ${upLevel}`} (${pct(inDeclared)} inside ${s.declared}); kept under ${s.declared}`,
          }),
        )
      }
      assigned.push({ feature: s.feature, parent: s.declared })
      continue
    }
    // Straddling two parents, the one its code nests under wins (the code is the officer's word);
    // else the one holding its point on surface; else one holding most of it.
    const byCode = list.find((c) => c.share >= AMBIGUOUS_SHARE && s.code.startsWith(c.parent))
    const best = byCode ?? list.find((c) => c.holds) ?? (list[0] && list[0].share >= MAJORITY_SHARE ? list[0] : undefined)
    if (!best) {
      const detail =
        list.length === 0
          ? `lies in no ${upLevel}: rejected`
          : `its point on surface lies in no ${upLevel}, and at most ${pct(list[0]!.share)} of it in ${list[0]!.parent}: rejected`
      findings.push(finding({ kind: 'orphan', ...at, detail }))
      await rejectStage(s.feature, detail)
      continue
    }
    const second = list.find((c) => c.parent !== best.parent && c.share >= AMBIGUOUS_SHARE)
    if (!s.code.startsWith(best.parent)) {
      const detail = `code ${s.code} does not start with the code of its ${upLevel} ${best.parent} (found by position); give the parent with --parent-field or fix the code: rejected`
      findings.push(finding({ kind: 'rejected', ...at, detail }))
      await rejectStage(s.feature, detail)
      continue
    }
    if (second) {
      findings.push(
        finding({
          kind: 'ambiguous',
          ...at,
          detail: `straddles ${upLevel}s ${best.parent} (${pct(best.share)}) and ${second.parent} (${pct(second.share)}); placed in ${best.parent}, ${byCode ? 'whose code it starts with' : 'which holds its point on surface'}`,
        }),
      )
    }
    assigned.push({ feature: s.feature, parent: best.parent })
  }
  await tx`
    UPDATE boundary_stage s SET parent_code = a.parent
    FROM unnest(${assigned.map((a) => a.feature)}::int[], ${assigned.map((a) => a.parent)}::text[]) AS a(feature, parent)
    WHERE s.feature = a.feature`
}

/** Overlaps inside the level, gaps inside each parent, and parts outside the parent (step 2). */
async function reportGapsAndOverlaps(tx: TransactionSql, r: ReplaceInput): Promise<void> {
  const { level, up, tolerance, findings } = r
  const overlaps = await tx<{ a: string; b: string; fa: number; area: number; lng: number; lat: number }[]>`
    SELECT a.code AS a, b.code AS b, a.feature AS fa, ST_Area(x.i::geography) AS area, ST_X(ST_PointOnSurface(x.i)) AS lng, ST_Y(ST_PointOnSurface(x.i)) AS lat
    -- Neighbours touch along their edges; only interiors that meet ('2' in the DE-9IM) can overlap.
    FROM boundary_stage a JOIN boundary_stage b ON a.code < b.code AND a.geom && b.geom AND ST_Relate(a.geom, b.geom, '2********')
    CROSS JOIN LATERAL (SELECT ST_CollectionExtract(ST_Intersection(a.geom, b.geom, 1e-9), 3) AS i) x
    WHERE a.rejected IS NULL AND b.rejected IS NULL AND NOT ST_IsEmpty(x.i) AND ST_Area(x.i::geography) > ${tolerance}
    ORDER BY area DESC`
  for (const o of overlaps) {
    findings.push(
      finding({
        kind: 'overlap',
        feature: o.fa,
        code: o.a,
        detail: `${level}s ${o.a} and ${o.b} overlap by ${Math.round(o.area)} m²`,
        areaM2: Math.round(o.area),
        lng: o.lng,
        lat: o.lat,
      }),
    )
  }
  if (!up) return
  const gaps = await tx<{ parent: string; name: string; area: number; lng: number; lat: number; covered: boolean }[]>`
    WITH kids AS (
      SELECT parent_code, ST_Union(geom, 1e-9) AS geom FROM boundary_stage WHERE rejected IS NULL GROUP BY parent_code
    ), holes AS (
      SELECT p.code, p.name, k.geom IS NOT NULL AS covered,
             (ST_Dump(CASE WHEN k.geom IS NULL THEN p.geom ELSE ST_CollectionExtract(ST_Difference(p.geom, k.geom, 1e-9), 3) END)).geom AS g
      FROM admin_areas p LEFT JOIN kids k ON k.parent_code = p.code
      WHERE p.level = ${up}
    )
    SELECT code AS parent, name, covered, ST_Area(g::geography) AS area, ST_X(ST_PointOnSurface(g)) AS lng, ST_Y(ST_PointOnSurface(g)) AS lat
    FROM holes WHERE NOT ST_IsEmpty(g) AND ST_Area(g::geography) > ${tolerance}
    ORDER BY area DESC`
  for (const g of gaps) {
    findings.push(
      finding({
        kind: 'gap',
        code: g.parent,
        name: g.name,
        areaM2: Math.round(g.area),
        lng: g.lng,
        lat: g.lat,
        detail: g.covered
          ? `a gap of ${Math.round(g.area)} m² inside ${up} ${g.parent} ${g.name} that no ${level} covers`
          : `${up} ${g.parent} ${g.name} has no ${level} at all`,
      }),
    )
  }
  const beyond = await tx<{ feature: number; code: string; name: string; parent: string; area: number; lng: number; lat: number }[]>`
    SELECT s.feature, s.code, s.name, s.parent_code AS parent, ST_Area(x.d::geography) AS area, ST_X(ST_PointOnSurface(x.d)) AS lng, ST_Y(ST_PointOnSurface(x.d)) AS lat
    FROM boundary_stage s JOIN admin_areas p ON p.code = s.parent_code AND NOT ST_Covers(p.geom, s.geom)
    CROSS JOIN LATERAL (SELECT ST_CollectionExtract(ST_Difference(s.geom, p.geom, 1e-9), 3) AS d) x
    WHERE s.rejected IS NULL AND NOT ST_IsEmpty(x.d) AND ST_Area(x.d::geography) > ${tolerance}
    ORDER BY s.feature`
  for (const b of beyond) {
    if (findings.some((f) => f.kind === 'outside_parent' && f.feature === b.feature)) continue
    findings.push(
      finding({
        kind: 'outside_parent',
        feature: b.feature,
        code: b.code,
        name: b.name,
        areaM2: Math.round(b.area),
        lng: b.lng,
        lat: b.lat,
        detail: `${Math.round(b.area)} m² of it lies outside its ${up} ${b.parent}`,
      }),
    )
  }
}

/** Step 3: history, upsert, re-parenting, re-placing, removal, and the version bump. */
async function writeLevel(tx: TransactionSql, r: ReplaceInput): Promise<ReplaceResult> {
  const { level, findings } = r
  const profile = await tx<{ types: string[] }[]>`SELECT statistics_only_types AS types FROM district_profile`
  const statsTypes = profile[0]?.types ?? []

  await tx`
    INSERT INTO admin_area_history (code, name, level, parent_code, geom, population, properties, change, import_run_id)
    SELECT a.code, a.name, a.level, a.parent_code, a.geom, a.population, a.properties,
           CASE WHEN s.code IS NULL THEN 'removed' ELSE 'replaced' END, ${r.runId}
    FROM admin_areas a LEFT JOIN boundary_stage s ON s.code = a.code AND s.rejected IS NULL
    WHERE a.level = ${level}
      AND (s.code IS NULL OR NOT ST_Equals(a.geom, s.geom) OR a.name <> s.name OR a.parent_code IS DISTINCT FROM s.parent_code)`

  const written = await tx<{ inserted: boolean }[]>`
    INSERT INTO admin_areas AS a (code, name, level, parent_code, geom, label_point, population, properties)
    SELECT s.code, s.name, ${level}, s.parent_code, s.geom, s.pos, s.population,
           jsonb_build_object('type', s.area_type, 'statistics_only', coalesce(s.area_type = ANY(${statsTypes}::text[]), false),
                              'attributes', s.attributes, 'import_run', ${r.runId}::bigint)
    FROM boundary_stage s WHERE s.rejected IS NULL
    ON CONFLICT (code) DO UPDATE SET
      name = EXCLUDED.name, parent_code = EXCLUDED.parent_code, geom = EXCLUDED.geom, label_point = EXCLUDED.label_point,
      population = coalesce(EXCLUDED.population, a.population),
      -- Properties set by hand (short_name, seat…) stay; the file's own attributes are replaced.
      properties = a.properties || EXCLUDED.properties, updated_at = now()
    WHERE NOT ST_Equals(a.geom, EXCLUDED.geom) OR a.name <> EXCLUDED.name OR a.parent_code IS DISTINCT FROM EXCLUDED.parent_code
       OR (EXCLUDED.population IS NOT NULL AND a.population IS DISTINCT FROM EXCLUDED.population)
       OR a.properties->'attributes' IS DISTINCT FROM EXCLUDED.properties->'attributes'
       OR a.properties->'type' IS DISTINCT FROM EXCLUDED.properties->'type'
    RETURNING (xmax = 0) AS inserted`
  const inserted = written.filter((w) => w.inserted).length
  const updated = written.length - inserted
  const [stagedRow] = await tx<{ staged: number }[]>`SELECT count(*)::int AS staged FROM boundary_stage WHERE rejected IS NULL`
  const staged = stagedRow?.staged ?? 0

  const gone = await tx<{ code: string; name: string; lng: number; lat: number }[]>`
    SELECT a.code, a.name, ST_X(a.label_point) AS lng, ST_Y(a.label_point) AS lat FROM admin_areas a
    WHERE a.level = ${level} AND NOT EXISTS (SELECT 1 FROM boundary_stage s WHERE s.code = a.code AND s.rejected IS NULL)
    ORDER BY a.code`
  const goneCodes = gone.map((g) => g.code)

  // Children of vanished areas move to the new area holding their point on surface.
  let reparented = 0
  const below = childLevel(level)
  if (below && goneCodes.length > 0) {
    const moved = await tx<{ code: string; parent: string | null }[]>`
      UPDATE admin_areas c SET parent_code = n.code, updated_at = now()
      FROM admin_areas c0 LEFT JOIN LATERAL (
        SELECT s.code FROM boundary_stage s WHERE s.rejected IS NULL AND ST_Covers(s.geom, ST_PointOnSurface(c0.geom)) ORDER BY s.code LIMIT 1
      ) n ON true
      WHERE c.code = c0.code AND c0.parent_code = ANY(${goneCodes}::text[]) AND n.code IS NOT NULL
      RETURNING c.code, n.code AS parent`
    reparented = moved.length
    for (const m of moved)
      findings.push(
        finding({ kind: 'reparented', code: m.code, detail: `${below} ${m.code} moved under ${level} ${m.parent} (its parent vanished)` }),
      )
    const stranded = await tx<{ code: string; name: string }[]>`
      SELECT code, name FROM admin_areas WHERE parent_code = ANY(${goneCodes}::text[]) ORDER BY code`
    if (stranded.length > 0) {
      throw new ImportInputError(
        `${stranded.length} ${below}${stranded.length === 1 ? '' : 's'} (${stranded
          .slice(0, 5)
          .map((s) => `${s.code} ${s.name}`)
          .join(', ')}${stranded.length > 5 ? ', …' : ''}) ` +
          `would lose their ${level}: they lie in none of the file's ${level}s. Nothing was changed; import matching ${below}s afterwards or fix the file`,
      )
    }
  }

  const replaced: Record<string, number> = {}
  if (goneCodes.length > 0 && level !== 'district') {
    for (const t of PLACED_TABLES) replaced[t] = await replaceRecords(tx, t, level, goneCodes)
  }
  // Reports that were outside every area before (no codes, a point) may lie in the new ones.
  replaced['incidents (unplaced)'] = await placeUnplaced(tx, 'incidents')
  replaced['hazards (unplaced)'] = await placeUnplaced(tx, 'hazards')

  const users = await tx<{ username: string; codes: string[] }[]>`
    SELECT username, array(SELECT unnest(area_codes) INTERSECT SELECT unnest(${goneCodes}::text[])) AS codes
    FROM users WHERE area_codes && ${goneCodes}::text[] ORDER BY username`
  for (const u of users) {
    findings.push(
      finding({
        kind: 'scope',
        detail: `user ${u.username}'s scope names vanished ${level}${u.codes.length === 1 ? '' : 's'} ${u.codes.join(', ')}: give them their new area`,
      }),
    )
  }
  for (const g of gone)
    findings.push(
      finding({
        kind: 'removed',
        code: g.code,
        name: g.name,
        lng: g.lng,
        lat: g.lat,
        detail: `${level} ${g.code} ${g.name} is not in the file: removed (kept in admin_area_history)`,
      }),
    )
  if (goneCodes.length > 0) await tx`DELETE FROM admin_areas WHERE code = ANY(${goneCodes}::text[])`
  if (level === 'district' && goneCodes.length > 0) {
    // District rollups are keyed by the district's code (migration 006).
    await tx`UPDATE incident_rollups SET area_code = (SELECT code FROM admin_areas WHERE level = 'district' ORDER BY code LIMIT 1) WHERE area_code = ANY(${goneCodes}::text[])`
  }
  await addressBaseChanged(tx)
  return { inserted, updated, unchanged: staged - written.length, removed: goneCodes, reparented, replaced }
}

const CODE_COLUMN: Record<Exclude<AreaLevel, 'district'>, string> = {
  town: 'town_code',
  village: 'village_code',
  grid: 'grid_code',
  microgrid: 'microgrid_code',
}

/**
 * Places again, by their point, the rows of `table` that named a vanished area of `level`: the
 * deepest area now holding the point gives all their codes (none: unplaced). Reports placed
 * only to a town or village (approximate) keep that depth. Tasks also take a new area_code.
 */
async function replaceRecords(
  tx: TransactionSql,
  table: (typeof PLACED_TABLES)[number],
  level: Exclude<AreaLevel, 'district'>,
  gone: string[],
): Promise<number> {
  const col = tx(CODE_COLUMN[level])
  const t = tx(table)
  const hasMicro = table !== 'tasks' && table !== 'warnings'
  const approximate = table === 'incidents' || table === 'hazards'
  const rows = await tx<{ n: number }[]>`
    WITH hit AS (
      SELECT r.ctid AS rid, c.town_code, c.village_code, c.grid_code, c.microgrid_code, leaf.code AS leaf, leaf.level AS leaf_level
      FROM ${t} r
      LEFT JOIN LATERAL (
        SELECT a.code, a.level FROM admin_areas a
        WHERE a.level <> 'district' AND ST_Covers(a.geom, ST_PointOnSurface(r.geom))
          AND NOT a.code = ANY(${gone}::text[])
        ORDER BY array_position(ARRAY['microgrid', 'grid', 'village', 'town'], a.level) LIMIT 1
      ) leaf ON true
      LEFT JOIN LATERAL admin_area_codes(leaf.code) c ON true
      WHERE r.${col} = ANY(${gone}::text[]) AND r.geom IS NOT NULL
    )
    UPDATE ${t} r SET
      town_code = h.town_code,
      village_code = ${approximate ? tx`CASE WHEN r.approximate AND r.village_code IS NULL THEN NULL ELSE h.village_code END` : tx`h.village_code`},
      grid_code = ${approximate ? tx`CASE WHEN r.approximate THEN NULL ELSE h.grid_code END` : tx`h.grid_code`}
      ${hasMicro ? tx`, microgrid_code = ${approximate ? tx`CASE WHEN r.approximate THEN NULL ELSE h.microgrid_code END` : tx`h.microgrid_code`}` : tx``}
      ${table === 'addresses' ? tx`, written_town_code = CASE WHEN r.written_town_code = ANY(${gone}::text[]) THEN h.town_code ELSE r.written_town_code END` : tx``}
      ${table === 'tasks' ? tx`, area_code = coalesce(CASE r.area_code WHEN r.town_code THEN h.town_code WHEN r.village_code THEN h.village_code WHEN r.grid_code THEN h.grid_code END, h.leaf, r.area_code)` : tx``}
    FROM hit h WHERE r.ctid = h.rid
    RETURNING 1 AS n`
  return rows.length
}

/** Places rows of `table` that have a point but no area codes (reported before the boundaries covered them). */
async function placeUnplaced(tx: TransactionSql, table: 'incidents' | 'hazards'): Promise<number> {
  const t = tx(table)
  const rows = await tx<{ n: number }[]>`
    WITH hit AS (
      SELECT r.ctid AS rid, c.*
      FROM ${t} r
      JOIN LATERAL (
        SELECT a.code FROM admin_areas a
        WHERE a.level <> 'district' AND ST_Covers(a.geom, r.geom)
        ORDER BY array_position(ARRAY['microgrid', 'grid', 'village', 'town'], a.level) LIMIT 1
      ) leaf ON true
      CROSS JOIN LATERAL admin_area_codes(leaf.code) c
      WHERE r.geom IS NOT NULL AND r.town_code IS NULL AND r.village_code IS NULL AND r.grid_code IS NULL AND NOT r.approximate
    )
    UPDATE ${t} r SET town_code = h.town_code, village_code = h.village_code, grid_code = h.grid_code, microgrid_code = h.microgrid_code
    FROM hit h WHERE r.ctid = h.rid
    RETURNING 1 AS n`
  return rows.length
}

/**
 * Writes the findings as CSV (UTF-8 with a BOM, so Excel opens the Chinese right); lng/lat
 * columns let QGIS draw them as points.
 * @example writeReport('towns.zip.report.csv', summary.findings)
 */
export function writeReport(file: string, findings: readonly BoundaryFinding[]): void {
  const rows = findings.map((f) => [
    f.kind,
    f.feature,
    f.code,
    f.name,
    f.detail,
    f.areaM2,
    f.lng === null ? null : f.lng.toFixed(6),
    f.lat === null ? null : f.lat.toFixed(6),
  ])
  fs.writeFileSync(
    file,
    '\uFEFF' + stringify(rows, { header: true, columns: ['kind', 'feature', 'code', 'name', 'detail', 'area_m2', 'lng', 'lat'] }),
  )
}
