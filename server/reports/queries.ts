/**
 * The town health report's reads: geometry, warnings and tasks of a town as of a month's window,
 * incident hot cells and the 12-month trend from the rollups.
 */
import type { Geometry, MultiPolygon, Polygon } from 'geojson'
import { cellToBoundary, cellToLatLng } from 'h3-js'

import type { Tx } from '../db/index.ts'
import { bigintToH3 } from '../geo/h3.ts'
import type { IndicatorWindow } from '../indicators/month.ts'
import { NotFound } from '../shared/errors.ts'
import { polygonContains } from '../shared/point-in-polygon.ts'
import { dayStart, type Period, shanghaiDay } from '../shared/time.ts'
import { TASK_STATUS_NAMES, type TaskStatus } from '../tasks/schema.ts'
import type { MapArea, MapCell, MapWarning } from './svg-map.ts'

export interface TownArea extends MapArea {
  population: number | null
  districtName: string | null
}

/**
 * A town with its geometry; 404 when the code is not a town.
 * @example (await townArea(tx, '330109001')).name // '城厢街道'
 */
export async function townArea(sql: Tx, code: string): Promise<TownArea> {
  const [row] = await sql<
    { code: string; name: string; level: string; population: number | null; geom: string; label: string; district: string | null }[]
  >`
    SELECT a.code, a.name, a.level, a.population, ST_AsGeoJSON(a.geom, 6) AS geom, ST_AsGeoJSON(a.label_point, 6) AS label,
           coalesce((SELECT name FROM district_profile), (SELECT name FROM admin_areas WHERE code = a.parent_code)) AS district
    FROM admin_areas a WHERE a.code = ${code}`
  if (!row || row.level !== 'town') throw new NotFound(row ? `${code} is a ${row.level}, not a town` : `no town with code ${code}`)
  const label = JSON.parse(row.label) as { coordinates: [number, number] }
  return {
    code: row.code,
    name: row.name,
    population: row.population,
    districtName: row.district,
    geometry: JSON.parse(row.geom) as Geometry,
    label: label.coordinates,
  }
}

/**
 * All towns, by code (the CLI renders each).
 * @example (await allTowns(tx)).length // 27
 */
export async function allTowns(sql: Tx): Promise<{ code: string; name: string }[]> {
  return sql<{ code: string; name: string }[]>`SELECT code, name FROM admin_areas WHERE level = 'town' ORDER BY code`
}

/**
 * The villages of a town with their geometry and label points.
 * @example (await townVillages(tx, '330109001'))[0].name
 */
export async function townVillages(sql: Tx, town: string): Promise<MapArea[]> {
  const rows = await sql<{ code: string; name: string; geom: string; label: string }[]>`
    SELECT code, name, ST_AsGeoJSON(geom, 6) AS geom, ST_AsGeoJSON(label_point, 6) AS label
    FROM admin_areas WHERE parent_code = ${town} AND level = 'village' ORDER BY code`
  return rows.map((r) => ({
    code: r.code,
    name: r.name,
    geometry: JSON.parse(r.geom) as Geometry,
    label: (JSON.parse(r.label) as { coordinates: [number, number] }).coordinates,
  }))
}

export interface ReportWarning extends MapWarning {
  status: string
  modelName: string
  createdAt: string
  villageName: string | null
}

/**
 * Warnings in the town that were open at some time in the window: raised before its as-of
 * instant and not closed before it began.
 * @example (await townWarnings(tx, '330109001', window)).length
 */
export async function townWarnings(sql: Tx, town: string, w: IndicatorWindow): Promise<ReportWarning[]> {
  const rows = await sql<
    {
      id: string
      level: MapWarning['level']
      status: string
      title: string
      model: string | null
      created_at: Date
      geom: string
      village: string | null
    }[]
  >`
    SELECT w.id::text, w.level, w.status, w.title, m.definition->'name'->>'zh' AS model, w.created_at, ST_AsGeoJSON(w.geom, 6) AS geom,
           (SELECT name FROM admin_areas WHERE code = w.village_code) AS village
    FROM warnings w LEFT JOIN models m ON m.id = w.model_id
    WHERE w.town_code = ${town} AND w.created_at < ${w.asOf}
      AND (w.closed_at IS NULL OR w.closed_at >= ${dayStart(w.period.from)})
    ORDER BY CASE w.level WHEN 'red' THEN 0 WHEN 'orange' THEN 1 ELSE 2 END, w.created_at DESC, w.id`
  return rows.map((r) => ({
    id: Number(r.id),
    level: r.level,
    status: r.status,
    title: r.title,
    modelName: r.model ?? '',
    createdAt: r.created_at.toISOString(),
    villageName: r.village,
    geometry: JSON.parse(r.geom) as Geometry,
  }))
}

export interface ReportTask {
  id: number
  title: string
  areaName: string
  team: string
  dueDate: string
  status: TaskStatus
  statusName: string
  overdue: boolean
  daysOverdue: number
  lng: number
  lat: number
}

/**
 * The town's tasks open at the as-of instant (created before it, not closed by then), overdue
 * ones (due date over by then) first, then by due date. `status` is the task's status now.
 * @example (await townOpenTasks(tx, '330109001', asOf)).filter((t) => t.overdue).length
 */
export async function townOpenTasks(sql: Tx, town: string, asOf: Date): Promise<ReportTask[]> {
  const day = shanghaiDay(asOf)
  const rows = await sql<
    { id: string; title: string; area: string; team: string; due: string; status: TaskStatus; days: number; lng: number; lat: number }[]
  >`
    SELECT t.id::text, t.title, a.name AS area, t.assignee_team AS team, t.due_date::text AS due, t.status,
           greatest(0, ${day}::date - t.due_date)::int AS days, ST_X(t.geom) AS lng, ST_Y(t.geom) AS lat
    FROM tasks t JOIN admin_areas a ON a.code = t.area_code
    WHERE t.town_code = ${town} AND t.created_at < ${asOf} AND (t.closed_at IS NULL OR t.closed_at >= ${asOf})
    ORDER BY (t.due_date < ${day}::date) DESC, t.due_date, t.id`
  return rows.map((r) => ({
    id: Number(r.id),
    title: r.title,
    areaName: r.area,
    team: r.team,
    dueDate: r.due,
    status: r.status,
    statusName: TASK_STATUS_NAMES[r.status],
    overdue: r.days > 0,
    daysOverdue: r.days,
    lng: r.lng,
    lat: r.lat,
  }))
}

/**
 * Incident counts per H3 resolution-8 cell (~0.7 km²) over the period, for the cells whose centre
 * lies in the town, from the H3 rollup (the rollup has no area codes, hence the test in JS).
 * @example (await townHotCells(tx, town.geometry, period))[0] // { n: 14, geometry: { type: 'Polygon', … } }
 */
export async function townHotCells(sql: Tx, town: Geometry, p: Period): Promise<MapCell[]> {
  const rows = await sql<{ cell: string; n: number }[]>`
    SELECT cell::text, sum(n)::int AS n FROM incident_h3_daily
    WHERE res = 8::smallint AND day >= ${p.from}::date AND day < ${p.to}::date
    GROUP BY cell HAVING sum(n) > 0`
  const inTown = polygonContains(town as Polygon | MultiPolygon)
  const out: MapCell[] = []
  for (const r of rows) {
    const h = bigintToH3(r.cell)
    const [lat, lng] = cellToLatLng(h)
    if (!inTown(lng, lat)) continue
    out.push({ n: r.n, geometry: { type: 'Polygon', coordinates: [cellToBoundary(h, true)] } })
  }
  return out.sort((a, b) => b.n - a.n)
}

/**
 * Incidents per month and level-1 category for an area over [from, to) (months as YYYY-MM).
 * @example (await monthlyByCategory(tx, '330109001', period)).get('2026-10')?.get('01') // 42
 */
export async function monthlyByCategory(sql: Tx, area: string, p: Period): Promise<Map<string, Map<string, number>>> {
  const rows = await sql<{ month: string; category: string; n: number }[]>`
    SELECT to_char(d.day, 'YYYY-MM') AS month, c.parent_code AS category, sum(d.n)::int AS n
    FROM incident_area_daily d JOIN incident_categories c ON c.code = d.category_code
    WHERE d.area_code = ${area} AND d.day >= ${p.from}::date AND d.day < ${p.to}::date
    GROUP BY 1, 2`
  const out = new Map<string, Map<string, number>>()
  for (const r of rows) {
    const m = out.get(r.month) ?? new Map<string, number>()
    m.set(r.category, r.n)
    out.set(r.month, m)
  }
  return out
}

/** One model's warnings open in a town at an instant. */
export interface ModelOpenWarnings {
  modelId: string
  modelName: string
  counts: { red: number; orange: number; yellow: number }
  /** The open warnings, most severe and newest first (at most `limit`). */
  warnings: { id: number; level: MapWarning['level']; title: string; villageName: string | null; createdAt: string }[]
}

/**
 * Every model's warnings open in the town at the as-of instant (raised before it, not closed by
 * then), by model: the model ids come from the warnings themselves, so models added later (the
 * full information view's group rental, registration gap, patrol gap…) appear without a list here.
 * @example (await townOpenWarningsByModel(tx, '330109001', asOf))[0] // { modelId: 'registration-gap', counts: { red: 1, … }, … }
 */
export async function townOpenWarningsByModel(sql: Tx, town: string, asOf: Date, limit = 10): Promise<ModelOpenWarnings[]> {
  const rows = await sql<
    {
      id: string
      model_id: string
      model: string | null
      level: MapWarning['level']
      title: string
      village: string | null
      created_at: Date
    }[]
  >`
    SELECT w.id::text, w.model_id, m.definition->'name'->>'zh' AS model, w.level, w.title,
           (SELECT name FROM admin_areas WHERE code = w.village_code) AS village, w.created_at
    FROM warnings w LEFT JOIN models m ON m.id = w.model_id
    WHERE w.town_code = ${town} AND w.created_at < ${asOf} AND (w.closed_at IS NULL OR w.closed_at >= ${asOf})
    ORDER BY w.model_id, CASE w.level WHEN 'red' THEN 0 WHEN 'orange' THEN 1 ELSE 2 END, w.created_at DESC, w.id`
  const out = new Map<string, ModelOpenWarnings>()
  for (const r of rows) {
    const m = out.get(r.model_id) ?? {
      modelId: r.model_id,
      modelName: r.model ?? r.model_id,
      counts: { red: 0, orange: 0, yellow: 0 },
      warnings: [],
    }
    m.counts[r.level] += 1
    if (m.warnings.length < limit) {
      m.warnings.push({ id: Number(r.id), level: r.level, title: r.title, villageName: r.village, createdAt: r.created_at.toISOString() })
    }
    out.set(r.model_id, m)
  }
  const total = (m: ModelOpenWarnings) => m.counts.red * 1e6 + m.counts.orange * 1e3 + m.counts.yellow
  return [...out.values()].sort((a, b) => total(b) - total(a) || a.modelId.localeCompare(b.modelId))
}
