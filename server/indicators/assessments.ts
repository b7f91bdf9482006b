/**
 * Entered 双十条 assessments (table indicator_assessments): every entry is kept with who made it
 * and when; the latest entry for an indicator, area and month is its value, the earlier ones its
 * history. Run in the caller's scope: row-level security keeps a town officer to their town and
 * its villages, for reading and for entering alike.
 */
import type { Tx } from '../db/index.ts'
import { Forbidden, invalidField, NotFound } from '../shared/errors.ts'
import { DOUBLE_TEN_SPECS, maxValue } from './double-ten.ts'
import { currentMonth, type Month } from './month.ts'
import type { Assessment, AssessmentCreate, AssessmentEntry, EnteredId } from './schema.ts'

interface Row {
  id: string
  indicator_id: EnteredId
  area_code: string
  area_name: string | null
  month: string
  value: number
  comment: string | null
  entered_by: string
  entered_at: Date
}

/**
 * Rows (newest first within each indicator, area and month) grouped into assessments: the first
 * entry is the value, the rest its history.
 * @example groupEntries(rows)[0].history.length // 1
 */
export function groupEntries(rows: readonly Row[]): Assessment[] {
  const out: Assessment[] = []
  const byKey = new Map<string, Assessment>()
  for (const r of rows) {
    const entry: AssessmentEntry = {
      id: Number(r.id),
      value: r.value,
      comment: r.comment,
      enteredBy: r.entered_by,
      enteredAt: r.entered_at.toISOString(),
    }
    const key = `${r.indicator_id}|${r.area_code}|${r.month}`
    const seen = byKey.get(key)
    if (seen) {
      seen.history.push(entry)
      continue
    }
    const a: Assessment = {
      ...entry,
      indicator: r.indicator_id,
      area: r.area_code,
      areaName: r.area_name ?? r.area_code,
      month: r.month,
      history: [],
    }
    byKey.set(key, a)
    out.push(a)
  }
  return out
}

/**
 * An area and its level, when it exists and lies in the caller's scope (their areas and those
 * below); else the 404 of an area that does not exist (nothing said of other towns).
 * @example await areaInScope(tx, '330109001001', true) // { code: '330109001001', level: 'village' }
 */
export async function areaInScope(sql: Tx, code: string, scoped: boolean): Promise<{ code: string; level: string }> {
  const [area] = await sql<{ code: string; level: string; inside: boolean }[]>`
    SELECT code, level, (SELECT app_scope_all()) OR code = ANY(app_scope_subtree()) AS inside FROM admin_areas WHERE code = ${code}`
  if (!area || !area.inside) throw new NotFound(`no area with code ${code}${scoped ? ' among your areas' : ''}`)
  return area
}

/**
 * The assessments of a month in the caller's scope, optionally of one indicator and of an area
 * and the areas within it.
 * @example (await listAssessments(tx, { month: '2026-10', area: '330109001' }))[0] // { indicator: 'village_rules_score', value: 85, history: [...] }
 */
export async function listAssessments(sql: Tx, q: { month: Month; area?: string; indicator?: EnteredId }): Promise<Assessment[]> {
  const rows = await sql<Row[]>`
    WITH RECURSIVE within(code) AS (
      SELECT ${q.area ?? null}::text WHERE ${q.area ?? null}::text IS NOT NULL
      UNION
      SELECT a.code FROM admin_areas a JOIN within w ON a.parent_code = w.code)
    SELECT s.id::text, s.indicator_id, s.area_code, a.name AS area_name, to_char(s.month, 'YYYY-MM') AS month, s.value, s.comment,
           s.entered_by, s.entered_at
    FROM indicator_assessments s LEFT JOIN admin_areas a ON a.code = s.area_code
    WHERE s.month = ${`${q.month}-01`}::date
      AND (${q.indicator ?? null}::text IS NULL OR s.indicator_id = ${q.indicator ?? null})
      AND (${q.area ?? null}::text IS NULL OR s.area_code IN (SELECT code FROM within))
    ORDER BY s.area_code, s.indicator_id, s.entered_at DESC, s.id DESC`
  return groupEntries(rows)
}

/**
 * Enters an assessment, after the checks an officer can act on: the area is a town or village in
 * the caller's scope (404 otherwise, as for one that does not exist), a result indicator is the
 * district departments' to enter (403 for a town's own staff), the month has begun, and a share
 * or score is at most 100. Returns the assessment with its history.
 * @example await enterAssessment(tx, { indicator: 'village_rules_score', area: '330109001001', month: '2026-10', value: 85, comment: null }, 'town-officer', false, now)
 */
export async function enterAssessment(sql: Tx, input: AssessmentCreate, actor: string, scoped: boolean, now: Date): Promise<Assessment> {
  const area = await areaInScope(sql, input.area, scoped)
  if (area.level !== 'town' && area.level !== 'village') {
    throw invalidField('body.area', `${input.area} is a ${area.level}: the 双十条 are assessed per town or village`)
  }
  const spec = DOUBLE_TEN_SPECS.find((s) => s.id === input.indicator)!
  if (spec.kind === 'result' && scoped) {
    throw new Forbidden(`${input.indicator} (${spec.nameZh}) is a result indicator, assessed by the district's departments`)
  }
  const current = currentMonth(now)
  if (input.month > current) throw invalidField('body.month', `${input.month} has not begun (the current month is ${current})`)
  const max = maxValue(spec.unit)
  if (max !== null && input.value > max) throw invalidField('body.value', `at most ${max} (${spec.unit})`)
  // Row-level security checks the area again (its policy's USING is the insert's check).
  await sql`
    INSERT INTO indicator_assessments (indicator_id, area_code, month, value, comment, entered_by, entered_at)
    VALUES (${input.indicator}, ${input.area}, ${`${input.month}-01`}::date, ${input.value}, ${input.comment}, ${actor}, ${now})`
  const [saved] = await listAssessments(sql, { month: input.month, area: input.area, indicator: input.indicator }).then((xs) =>
    xs.filter((x) => x.area === input.area),
  )
  return saved!
}
