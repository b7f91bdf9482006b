/**
 * Hand-computed fixtures for the indicator, ranking and report tests (not used by the server):
 * three towns kept (T1, T2, T3, populations 20,000 / 10,000 / 40,000), village V1 of T1 (5,000),
 * and incidents, tasks and warnings at fixed instants around October 2026. The expected numbers
 * are worked out in the test files next to them.
 */
import type { Db } from '../db/index.ts'
import { h3Cells } from '../geo/h3.ts'

export interface Fixture {
  T1: string
  T2: string
  T3: string
  V1: string
  /** Task ids by key. */
  tasks: Record<string, number>
}

/** Shanghai wall time → instant. */
const at = (s: string) => new Date(`${s}+08:00`)

/**
 * Loads the fixture into a database seeded with boundaries only (other towns are deleted).
 * @example const fx = await loadFixture(db)
 */
export async function loadFixture(db: Db, opts: { hostileNames?: boolean } = {}): Promise<Fixture> {
  const sql = db.sql
  const towns = await sql<{ code: string }[]>`SELECT code FROM admin_areas WHERE level = 'town' ORDER BY code LIMIT 3`
  const [T1, T2, T3] = towns.map((t) => t.code) as [string, string, string]
  await sql`DELETE FROM admin_areas WHERE level = 'town' AND code <> ALL(${[T1, T2, T3]}::text[])`
  await sql`UPDATE admin_areas SET population = CASE code WHEN ${T1} THEN 20000 WHEN ${T2} THEN 10000 ELSE 40000 END WHERE level = 'town'`
  const [v] = await sql<
    { code: string }[]
  >`SELECT code FROM admin_areas WHERE parent_code = ${T1} AND level = 'village' ORDER BY code LIMIT 1`
  const V1 = v!.code
  await sql`UPDATE admin_areas SET population = 5000 WHERE code = ${V1}`
  if (opts.hostileNames) await sql`UPDATE admin_areas SET name = ${'城<script>alert(1)</script>"&镇'} WHERE code = ${T1}`

  const [lp] = await sql<
    { lng: number; lat: number }[]
  >`SELECT ST_X(label_point) AS lng, ST_Y(label_point) AS lat FROM admin_areas WHERE code = ${T1}`
  const cell = h3Cells(lp!.lng, lp!.lat)

  // key, Shanghai time, item, town, village
  const incidents: [string, string, string, string, string | null][] = [
    ['o1', '2026-10-01T00:30:00', '0101', T1, V1], // 30 Sep in UTC: October in Shanghai
    ['o2', '2026-10-05T10:00:00', '0101', T1, V1],
    ['o3', '2026-10-06T10:00:00', '0202', T1, null],
    ['o4', '2026-10-07T10:00:00', '0301', T1, V1],
    ['o5', '2026-10-08T10:00:00', '0302', T1, null], // a fire alarm, not a fire
    ['o6', '2026-10-31T23:59:00', '0501', T1, null],
    ['o7', '2026-11-01T00:00:00', '0101', T1, null], // November
    ['o8', '2026-10-02T10:00:00', '0202', T2, null],
    ['o9', '2026-10-03T10:00:00', '0202', T2, null],
    ['o10', '2026-10-04T10:00:00', '0303', T2, null],
    ...[1, 2, 3, 4].map((i): [string, string, string, string, string | null] => [`o3${i}`, `2026-10-1${i}T10:00:00`, '0101', T3, null]),
    // September 2026
    ...[1, 2, 3, 4].map((i): [string, string, string, string, string | null] => [`s1${i}`, `2026-09-1${i}T10:00:00`, '0101', T1, null]),
    ...[1, 2, 3].map((i): [string, string, string, string, string | null] => [`s2${i}`, `2026-09-1${i}T10:00:00`, '0202', T2, null]),
    ...[1, 2].map((i): [string, string, string, string, string | null] => [`s3${i}`, `2026-09-1${i}T10:00:00`, '0101', T3, null]),
    // A year earlier
    ...[1, 2, 3].map((i): [string, string, string, string, string | null] => [`y1${i}`, `2025-10-1${i}T10:00:00`, '0101', T1, null]),
    ...[1, 2, 3, 4, 5, 6, 7, 8].map((i): [string, string, string, string, string | null] => [
      `y3${i}`,
      `2025-10-1${i}T10:00:00`,
      '0101',
      T3,
      null,
    ]),
    ...[1, 2].map((i): [string, string, string, string, string | null] => [`z1${i}`, `2025-09-1${i}T10:00:00`, '0101', T1, null]),
  ]
  const rows = incidents.map(([key, time, category_code, town_code, village_code]) => ({
    incident_id: `fx-${key}`,
    reported_at: at(time),
    category_code,
    town_code,
    village_code,
    // T1's October incidents share one H3 cell: one hot spot on its map.
    h3_r8: town_code === T1 && time.startsWith('2026-10') ? cell.r8 : null,
  }))
  await sql`INSERT INTO incidents ${sql(rows, 'incident_id', 'reported_at', 'category_code', 'town_code', 'village_code', 'h3_r8')}`

  // Tasks: key, town, village, due, closed (Shanghai) or null, title
  const taskRows: [string, string, string | null, string, string | null, string][] = [
    ['k1', T1, V1, '2026-10-10', '2026-10-09T10:00:00', '清理楼道堆物'],
    ['k2', T1, null, '2026-10-15', '2026-10-20T10:00:00', '消防通道整改'],
    ['k3', T1, null, '2026-10-20', null, opts.hostileNames ? '"><img src=x onerror=alert(1)>整改' : '电动车充电整治'],
    ['k4', T1, null, '2026-10-31', '2026-11-02T10:00:00', '瓶装燃气检查'],
    ['k5', T1, null, '2026-11-05', null, '出租房排查'],
    ['k6', T2, null, '2026-10-05', '2026-10-05T23:00:00', '道路隐患整改'],
    ['k7', T2, null, '2026-10-31', '2026-10-31T23:30:00', '工地安全检查'],
  ]
  const tasks: Record<string, number> = {}
  for (const [key, town, village, due, closed, title] of taskRows) {
    const area = village ?? town
    const [row] = await sql<{ id: string }[]>`
      INSERT INTO tasks (ref, title, source, area_code, area_level, town_code, village_code, assignee_team, due_date, status, geom, located_by,
                         created_by, created_at, updated_at, closed_at)
      SELECT ${`fx-${key}`}, ${title}, 'manual', ${area}, ${village ? 'village' : 'town'}, ${town}, ${village}, '平安办', ${due}::date,
             ${closed ? 'closed' : 'in_progress'}, label_point, 'area', 'test', ${at('2026-09-25T09:00:00')}, ${at('2026-09-25T09:00:00')},
             ${closed ? at(closed) : null}
      FROM admin_areas WHERE code = ${area}
      RETURNING id::text`
    tasks[key] = Number(row!.id)
  }

  await sql`INSERT INTO models (id, kind, version, definition, updated_by) VALUES ('fx-model', 'surge', 1, ${sql.json({ name: { zh: '测试模型', en: 'Test' } })}, 'test')`
  const [run] = await sql<{ id: string }[]>`
    INSERT INTO model_runs (model_id, model_version, definition, trigger, status, as_of, requested_by)
    VALUES ('fx-model', 1, '{}'::jsonb, 'manual', 'done', ${at('2026-09-20T00:00:00')}, 'test') RETURNING id::text`
  // key, town, village, level, created, status, closed, first answer (transition) or null, point or cell polygon
  const warnings: [string, string, string | null, string, string, string, string | null, string | null, 'point' | 'cell'][] = [
    ['w1', T1, V1, 'red', '2026-10-03T08:00:00', 'acknowledged', null, '2026-10-03T14:00:00', 'point'],
    ['w2', T1, null, 'orange', '2026-10-10T00:00:00', 'expired', '2026-10-13T00:00:00', null, 'cell'],
    ['w3', T1, null, 'yellow', '2026-10-30T00:00:00', 'new', null, null, 'point'],
    ['w4', T1, null, 'yellow', '2026-09-20T00:00:00', 'resolved', '2026-09-25T00:00:00', '2026-09-25T00:00:00', 'point'],
    ['w5', T1, null, 'red', '2026-09-28T00:00:00', 'acknowledged', null, '2026-09-28T02:00:00', 'point'],
    ['w6', T1, null, 'red', '2026-11-05T00:00:00', 'new', null, null, 'point'],
    ['w7', T2, null, 'red', '2026-10-12T00:00:00', 'acknowledged', null, '2026-10-12T01:00:00', 'point'],
  ]
  for (const [key, town, village, level, created, status, closed, answered, shape] of warnings) {
    const geom = shape === 'cell' ? sql`ST_Buffer(label_point::geography, 300)::geometry` : sql`label_point`
    const [w] = await sql<{ id: string }[]>`
      INSERT INTO warnings (model_id, model_version, subject, level, status, title, explanation, geom, town_code, village_code,
                            first_run_id, last_run_id, first_triggered_at, last_triggered_at, created_at, updated_at, closed_at)
      SELECT 'fx-model', 1, ${`fx:${key}`}, ${level}, ${status}, ${`预警 ${key}`}, '测试', ${geom}, ${town}, ${village},
             ${run!.id}::bigint, ${run!.id}::bigint, ${at(created)}, ${at(created)}, ${at(created)}, ${at(created)}, ${closed ? at(closed) : null}
      FROM admin_areas WHERE code = ${town}
      RETURNING id::text`
    await sql`INSERT INTO warning_events (warning_id, at, actor, action, from_status, to_status) VALUES (${w!.id}::bigint, ${at(created)}, 'system', 'raised', NULL, 'new')`
    if (answered) {
      await sql`INSERT INTO warning_events (warning_id, at, actor, action, from_status, to_status) VALUES (${w!.id}::bigint, ${at(answered)}, 'duty', 'transition', 'new', ${status === 'resolved' ? 'resolved' : 'acknowledged'})`
    }
    if (status === 'expired') {
      await sql`INSERT INTO warning_events (warning_id, at, actor, action, from_status, to_status) VALUES (${w!.id}::bigint, ${at(closed!)}, 'system', 'expired', 'new', 'expired')`
    }
  }
  return { T1, T2, T3, V1, tasks }
}
