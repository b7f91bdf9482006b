/**
 * Rectification tasks in the database: create (by hand, from a hazard, from a warning),
 * transition, edit, read, and the overdue query for the warning models. Every write adds a
 * task_events row in the same transaction.
 *
 * Tasks and hazards, the closed loop (the choice made here):
 * - creating a task from a `confirmed` hazard moves the hazard to `rectifying` (recorded on the
 *   hazard, same actor, comment "task #N issued"); a `reported` hazard stays as it is (the task
 *   may be to verify it); a `closed` hazard takes no new task (409);
 * - closing a task out (submitted → closed) closes its hazard out too when the hazard is
 *   `rectifying` and none of its other tasks is still open; otherwise the hazard is left for a
 *   person to close.
 */
import type { ISql, PendingQuery, Row } from 'postgres'

import { can, type Role, RoleSchema, SCOPED_ROLES } from '../auth/schema.ts'
import type { Queryable, Scope, Tx } from '../db/index.ts'
import { h3Cells } from '../geo/h3.ts'
import type { HistoryEvent } from '../hazards/schema.ts'
import { type FieldChanges, transitionHazard } from '../hazards/store.ts'
import { Conflict, invalidField, NotFound } from '../shared/errors.ts'
import { shanghaiDay } from '../shared/time.ts'
import { historyEvent, type HistoryEventRow } from '../shared/workflow.ts'
import type { AreaRef } from '../stats/schema.ts'
import { daysOverdue } from './overdue.ts'
import {
  type OverdueTask,
  type StepPosition,
  type Task,
  TASK_STATUS_NAMES,
  type TaskAssigned,
  type TaskAssignee,
  type TaskCounts,
  type TaskCreate,
  type TaskFromWarning,
  type TaskPage,
  type TaskPatch,
  type TaskSource,
  type TaskStatus,
} from './schema.ts'
import { assertTaskComment, assertTaskMove } from './states.ts'

type AreaLevel = 'town' | 'village' | 'grid'

/** An assignable area with its ancestors and label point. */
interface AssignedArea {
  code: string
  level: AreaLevel
  townCode: string | null
  villageCode: string | null
  gridCode: string | null
  point: [number, number]
}

/**
 * Looks up a town, village or grid (400 naming `where`, by default `body.area_code`, for anything else).
 * @example await assignedArea(tx, '330109001') // { level: 'town', townCode: '330109001', … }
 */
async function assignedArea(tx: Tx, code: string, where = 'body.area_code'): Promise<AssignedArea> {
  const [row] = await tx<{ level: string; town: string | null; village: string | null; grid: string | null; lng: number; lat: number }[]>`
    WITH RECURSIVE up AS (
      SELECT code, level, parent_code, 0 AS depth FROM admin_areas WHERE code = ${code}
      UNION ALL
      SELECT p.code, p.level, p.parent_code, up.depth + 1 FROM admin_areas p JOIN up ON p.code = up.parent_code
    )
    SELECT (SELECT level FROM up WHERE depth = 0) AS level,
           (SELECT code FROM up WHERE level = 'town') AS town,
           (SELECT code FROM up WHERE level = 'village') AS village,
           (SELECT code FROM up WHERE level = 'grid') AS grid,
           ST_X(a.label_point) AS lng, ST_Y(a.label_point) AS lat
    FROM admin_areas a WHERE a.code = ${code}`
  if (!row) throw invalidField(where, `no area ${code}`)
  if (row.level !== 'town' && row.level !== 'village' && row.level !== 'grid') {
    throw invalidField(where, `tasks are assigned to a town, village or grid; ${code} is a ${row.level}`)
  }
  return { code, level: row.level, townCode: row.town, villageCode: row.village, gridCode: row.grid, point: [row.lng, row.lat] }
}

/** The roles that act on tasks (the `write` permission): only they can be given one. */
const ASSIGNABLE_ROLES: readonly Role[] = RoleSchema.options.filter((r) => can(r, 'write'))

/** A person a task is assigned to. */
interface Assignee {
  id: string
  name: string
}

/** An account as a possible assignee (migrations/032 app_user_card). */
interface AssigneeCard {
  id: string
  name: string
  role: Role
  areaCodes: string[]
  disabled: boolean
}

/**
 * Why `user` cannot be given a task in `area`, or null when they can: they must be active, act on
 * tasks (`write`), and, as a town officer or grid worker, work in the task's town, village or grid
 * (the rule row-level security sees tasks by, migrations/019, so the assignee can see the task).
 * @example assigneeProblem({ id: '7', name: '李强', role: 'grid', areaCodes: ['330109001001001'], disabled: false }, { code: '330109001001', townCode: '330109001', villageCode: '330109001001', gridCode: null }) // '李强 (user 7, grid) works in 330109001001001, not in the task's area 330109001001'
 */
export function assigneeProblem(
  user: AssigneeCard,
  area: Pick<AssignedArea, 'code' | 'townCode' | 'villageCode' | 'gridCode'>,
): string | null {
  const who = `${user.name} (user ${user.id}, ${user.role})`
  if (user.disabled) return `${who} is disabled`
  if (!ASSIGNABLE_ROLES.includes(user.role)) return `${who} cannot act on tasks: assign a ${ASSIGNABLE_ROLES.join(', ')} user`
  if (!SCOPED_ROLES.includes(user.role)) return null
  const codes = [area.townCode, area.villageCode, area.gridCode].filter((c) => c !== null)
  if (user.areaCodes.some((c) => codes.includes(c))) return null
  return `${who} works in ${user.areaCodes.join(', ')}, not in the task's area ${area.code}`
}

/**
 * The person `userId` if a task in `area` can be assigned to them, else 400 naming `where`.
 * @example await checkedAssignee(tx, '7', area, 'body.assignee_user') // { id: '7', name: '李强' }
 */
async function checkedAssignee(tx: Tx, userId: string, area: AssignedArea, where: string): Promise<Assignee> {
  const [row] = await tx<{ id: string; name: string; role: string; area_codes: string[]; disabled: boolean }[]>`
    SELECT id::text, name, role, area_codes, disabled FROM app_user_card(${userId}::bigint)`
  if (!row) throw invalidField(where, `no user ${userId}`)
  const card = { id: row.id, name: row.name, role: RoleSchema.parse(row.role), areaCodes: row.area_codes, disabled: row.disabled }
  const problem = assigneeProblem(card, area)
  if (problem) throw invalidField(where, problem)
  return { id: row.id, name: row.name }
}

/** Logs an assignment (a new task's, or a reassignment): the live stream sends it as `task.assigned`. */
async function logAssignment(tx: Tx, taskId: string, userId: string | null, team: string, actor: string): Promise<void> {
  await tx`
    INSERT INTO task_assignments (task_id, assignee_user_id, assignee_team, actor)
    VALUES (${taskId}::bigint, ${userId}::bigint, ${team}, ${actor})`
}

/** A task to insert, references checked by the caller. */
interface NewTask {
  source: TaskSource
  warningId: string | null
  hazardId: string | null
  title: string
  description: string | null
  ref: string | null
  area: AssignedArea
  assigneeTeam: string
  assignee: Assignee | null
  dueDate: string
  point: [number, number]
  locatedBy: 'hazard' | 'given' | 'area'
}

/** Inserts a task and its 'created' event; returns the id. A taken `ref` is HTTP 409. */
async function insertTask(tx: Tx, t: NewTask, actor: string, comment: string | null): Promise<string> {
  if (t.ref !== null) {
    const [taken] = await tx<{ id: string }[]>`SELECT id::text FROM tasks WHERE ref = ${t.ref}`
    if (taken) throw new Conflict(`task ref ${t.ref} exists already (task ${taken.id})`, { where: 'body.ref', id: Number(taken.id) })
  }
  const cells = h3Cells(t.point[0], t.point[1])
  const [row] = await tx<{ id: string }[]>`
    INSERT INTO tasks (ref, title, description, source, warning_id, hazard_id, area_code, area_level, town_code, village_code,
                       grid_code, assignee_team, assignee_user_id, due_date, geom, located_by, h3_r7, h3_r8, h3_r9, h3_r10, created_by)
    VALUES (${t.ref}, ${t.title}, ${t.description}, ${t.source}, ${t.warningId}::bigint, ${t.hazardId}::bigint, ${t.area.code},
            ${t.area.level}, ${t.area.townCode}, ${t.area.villageCode}, ${t.area.gridCode}, ${t.assigneeTeam},
            ${t.assignee?.id ?? null}::bigint, ${t.dueDate}::date,
            ST_SetSRID(ST_Point(${t.point[0]}::float8, ${t.point[1]}::float8), 4326), ${t.locatedBy},
            ${cells.r7}::bigint, ${cells.r8}::bigint, ${cells.r9}::bigint, ${cells.r10}::bigint, ${actor})
    RETURNING id::text`
  const id = row!.id
  await addTaskEvent(tx, id, { actor, action: 'created', from: null, to: 'issued', comment, changes: {} })
  await logAssignment(tx, id, t.assignee?.id ?? null, t.assigneeTeam, actor)
  return id
}

/** Appends one event to a task's history. */
async function addTaskEvent(
  tx: Tx,
  taskId: string,
  e: {
    actor: string
    action: 'created' | 'transition' | 'edited'
    from: string | null
    to: string | null
    comment: string | null
    changes: FieldChanges
  },
): Promise<void> {
  await tx`
    INSERT INTO task_events (task_id, actor, action, from_status, to_status, comment, changes)
    VALUES (${taskId}::bigint, ${e.actor}, ${e.action}, ${e.from}, ${e.to}, ${e.comment}, ${tx.json(e.changes as never)})`
}

/**
 * Creates a task by hand or from a hazard (`hazard_id`); returns its id. See the module note for
 * what it does to the hazard.
 * @example const id = await createTask(tx, { title: '清理楼道堆物', area_code: '330109001', assignee_team: '城厢街道平安办', due_date: '2026-11-15' }, 'chief')
 */
export async function createTask(tx: Tx, input: TaskCreate, actor: string): Promise<string> {
  let hazard: { id: string; status: string; lng: number | null; lat: number | null; area: string | null } | null = null
  if (input.hazard_id !== undefined) {
    const [h] = await tx<{ id: string; status: string; lng: number | null; lat: number | null; area: string | null }[]>`
      SELECT id::text, status, ST_X(geom) AS lng, ST_Y(geom) AS lat, coalesce(grid_code, village_code, town_code) AS area
      FROM hazards WHERE id = ${input.hazard_id}::bigint FOR UPDATE`
    if (!h) throw invalidField('body.hazard_id', `no hazard ${input.hazard_id}`)
    if (h.status === 'closed') throw new Conflict(`hazard ${h.id} is closed: it takes no new task`, { status: h.status })
    hazard = h
  }
  const areaCode = input.area_code ?? hazard?.area
  if (!areaCode) throw invalidField('body.area_code', `hazard ${hazard?.id} has no place: give the town, village or grid code`)
  const area = await assignedArea(tx, areaCode)
  const given = input.lng !== undefined && input.lat !== undefined ? ([input.lng, input.lat] as [number, number]) : null
  const hazardPoint = hazard && hazard.lng !== null && hazard.lat !== null ? ([hazard.lng, hazard.lat] as [number, number]) : null
  const assignee = input.assignee_user ? await checkedAssignee(tx, input.assignee_user, area, 'body.assignee_user') : null
  const id = await insertTask(
    tx,
    {
      source: hazard ? 'hazard' : 'manual',
      warningId: null,
      hazardId: hazard?.id ?? null,
      title: input.title,
      description: input.description ?? null,
      ref: input.ref ?? null,
      area,
      assigneeTeam: input.assignee_team,
      assignee,
      dueDate: input.due_date,
      point: given ?? hazardPoint ?? area.point,
      locatedBy: given ? 'given' : hazardPoint ? 'hazard' : 'area',
    },
    actor,
    input.comment || null,
  )
  if (hazard?.status === 'confirmed') await transitionHazard(tx, hazard.id, 'rectifying', actor, `task #${id} issued`)
  return id
}

/**
 * Creates a task from a warning (the one-click `POST /api/warnings/{id}/tasks`); returns its id.
 * The warning's existence is the caller's to check until migration 015 adds the foreign key.
 * @example const id = await createTaskFromWarning(tx, '42', { ...TaskFromWarningSchema.parse(req.body), actor: actorOf(req) })
 */
export async function createTaskFromWarning(
  tx: Tx,
  warningId: string | number | bigint,
  input: TaskFromWarning & { actor: string },
): Promise<string> {
  const area = await assignedArea(tx, input.area_code)
  const given = input.lng !== undefined && input.lat !== undefined ? ([input.lng, input.lat] as [number, number]) : null
  const assignee = input.assignee_user ? await checkedAssignee(tx, input.assignee_user, area, 'body.assignee_user') : null
  return insertTask(
    tx,
    {
      source: 'warning',
      warningId: String(warningId),
      hazardId: null,
      title: input.title,
      description: input.description ?? null,
      ref: input.ref ?? null,
      area,
      assigneeTeam: input.assignee_team,
      assignee,
      dueDate: input.due_date,
      point: given ?? area.point,
      locatedBy: given ? 'given' : 'area',
    },
    input.actor,
    input.comment || null,
  )
}

/** What a transition did. */
export interface TaskMove {
  from: TaskStatus
  to: TaskStatus
  /** The hazard closed out with this task, if any. */
  hazardClosed: string | null
}

/**
 * Moves a task to `to` if the workflow allows (else HTTP 409 naming both states) and records
 * who, when, from, to and the comment; closing may close its hazard (see the module note).
 * @example await transitionTask(tx, '7', 'accepted', 'team-3', '已签收')
 */
export async function transitionTask(
  tx: Tx,
  id: string,
  to: TaskStatus,
  actor: string,
  comment: string | null,
  position: StepPosition | null = null,
): Promise<TaskMove> {
  const [row] = await tx<{ status: TaskStatus; hazard_id: string | null }[]>`
    SELECT status, hazard_id::text FROM tasks WHERE id = ${id}::bigint FOR UPDATE`
  if (!row) throw new NotFound(`no task ${id}`)
  assertTaskMove(id, row.status, to)
  assertTaskComment(to, comment)
  await tx`
    UPDATE tasks SET status = ${to}, updated_at = now(), closed_at = CASE WHEN ${to}::text = 'closed' THEN now() END
    WHERE id = ${id}::bigint`
  await addTaskEvent(tx, id, {
    actor,
    action: 'transition',
    from: row.status,
    to,
    comment,
    changes: position ? { position: { from: null, to: position } } : {},
  })
  let hazardClosed: string | null = null
  if (to === 'closed' && row.hazard_id !== null) {
    const [h] = await tx<{ status: string; open: number }[]>`
      SELECT h.status, (SELECT count(*)::int FROM tasks t WHERE t.hazard_id = h.id AND t.status <> 'closed') AS open
      FROM hazards h WHERE h.id = ${row.hazard_id}::bigint FOR UPDATE`
    if (h && h.status === 'rectifying' && h.open === 0) {
      await transitionHazard(tx, row.hazard_id, 'closed', actor, `closed out with task #${id}`)
      hazardClosed = row.hazard_id
    }
  }
  return { from: row.status, to, hazardClosed }
}

/**
 * Edits a task's title, description, assignment (area, team, person) or due date, recording the
 * changed fields (old and new; a person as `assignee_user` ids and `assignee_name` names) with who
 * and the comment. A new team or person is logged for the live stream. A person assigned must be
 * able to take a task in the (new) area: 400 naming `body.assignee_user`, or `body.area_code` when
 * only the area moved away from them. Returns the changes ({} = nothing changed, no event).
 * Closed tasks are history (409).
 * @example await editTask(tx, '7', { due_date: '2026-12-01', comment: '延期' }, 'chief')
 */
export async function editTask(tx: Tx, id: string, patch: TaskPatch, actor: string): Promise<FieldChanges> {
  const [row] = await tx<
    {
      status: TaskStatus
      title: string
      description: string | null
      area_code: string
      area_level: AreaLevel
      town_code: string | null
      village_code: string | null
      grid_code: string | null
      assignee_team: string
      assignee_user_id: string | null
      assignee_name: string | null
      due_date: string
      located_by: string
      lng: number
      lat: number
    }[]
  >`
    SELECT status, title, description, area_code, area_level, town_code, village_code, grid_code, assignee_team,
           assignee_user_id::text AS assignee_user_id, app_user_name(assignee_user_id) AS assignee_name,
           due_date::text AS due_date, located_by, ST_X(geom) AS lng, ST_Y(geom) AS lat
    FROM tasks WHERE id = ${id}::bigint FOR UPDATE`
  if (!row) throw new NotFound(`no task ${id}`)
  const next = {
    title: patch.title ?? row.title,
    description: patch.description === undefined ? row.description : patch.description || null,
    area_code: patch.area_code ?? row.area_code,
    assignee_team: patch.assignee_team ?? row.assignee_team,
    due_date: patch.due_date ?? row.due_date,
  }
  const changes: FieldChanges = {}
  for (const k of Object.keys(next) as (keyof typeof next)[]) if (next[k] !== row[k]) changes[k] = { from: row[k], to: next[k] }
  const area: AssignedArea =
    'area_code' in changes
      ? await assignedArea(tx, next.area_code)
      : {
          code: row.area_code,
          level: row.area_level,
          townCode: row.town_code,
          villageCode: row.village_code,
          gridCode: row.grid_code,
          point: [row.lng, row.lat],
        }
  // The person: kept (checked again if the area moved), replaced, or taken off (null).
  const userId = patch.assignee_user === undefined ? row.assignee_user_id : patch.assignee_user
  let assignee: Assignee | null = null
  if (userId !== null && (userId !== row.assignee_user_id || 'area_code' in changes)) {
    assignee = await checkedAssignee(tx, userId, area, patch.assignee_user === undefined ? 'body.area_code' : 'body.assignee_user')
  }
  if (userId !== row.assignee_user_id) {
    changes.assignee_user = { from: row.assignee_user_id, to: userId }
    changes.assignee_name = { from: row.assignee_name, to: assignee?.name ?? null }
  }
  if (Object.keys(changes).length === 0) return changes
  if (row.status === 'closed') throw new Conflict(`task ${id} is closed: it can no longer be edited`, { status: row.status })
  await tx`
    UPDATE tasks SET title = ${next.title}, description = ${next.description}, assignee_team = ${next.assignee_team},
                     assignee_user_id = ${userId}::bigint, due_date = ${next.due_date}::date, updated_at = now()
    WHERE id = ${id}::bigint`
  if ('area_code' in changes) {
    // A task placed by its area moves with it; one at a hazard's or a given point stays there.
    const point = row.located_by === 'area' ? area.point : null
    const cells = point ? h3Cells(point[0], point[1]) : null
    await tx`
      UPDATE tasks SET area_code = ${area.code}, area_level = ${area.level}, town_code = ${area.townCode}, village_code = ${area.villageCode},
                       grid_code = ${area.gridCode}
                       ${
                         point && cells
                           ? tx`, geom = ST_SetSRID(ST_Point(${point[0]}::float8, ${point[1]}::float8), 4326),
                         h3_r7 = ${cells.r7}::bigint, h3_r8 = ${cells.r8}::bigint, h3_r9 = ${cells.r9}::bigint, h3_r10 = ${cells.r10}::bigint`
                           : tx``
                       }
      WHERE id = ${id}::bigint`
  }
  await addTaskEvent(tx, id, { actor, action: 'edited', from: null, to: null, comment: patch.comment || null, changes })
  if ('assignee_team' in changes || 'assignee_user' in changes) await logAssignment(tx, id, userId, next.assignee_team, actor)
  return changes
}

interface TaskRow {
  id: string
  ref: string | null
  title: string
  description: string | null
  source: TaskSource
  warning_id: string | null
  hazard_id: string | null
  area_code: string
  area_name: string
  area_level: 'town' | 'village' | 'grid'
  town_code: string | null
  village_code: string | null
  grid_code: string | null
  assignee_team: string
  assignee_user_id: string | null
  assignee_name: string | null
  due_date: string
  status: TaskStatus
  overdue: boolean
  lng: number
  lat: number
  created_by: string
  created_at: Date
  updated_at: Date
  closed_at: Date | null
}

/**
 * SQL for "this task (`t`) is overdue at `now`" (the rule: server/tasks/overdue.ts).
 * @example sql`SELECT count(*) FROM tasks t WHERE ${overdueTaskSql(sql, now)}`
 */
export function overdueTaskSql(sql: ISql, now: Date): PendingQuery<Row[]> {
  return sql`(t.status <> 'closed' AND t.due_date < ${shanghaiDay(now)}::date)`
}

/** The SELECT list of tasks (`t`, joined to its area `a`). */
function taskColumns(sql: Queryable, now: Date): PendingQuery<Row[]> {
  return sql`
    t.id::text AS id, t.ref, t.title, t.description, t.source, t.warning_id::text AS warning_id, t.hazard_id::text AS hazard_id,
    t.area_code, a.name AS area_name, t.area_level, t.town_code, t.village_code, t.grid_code, t.assignee_team,
    t.assignee_user_id::text AS assignee_user_id,
    CASE WHEN t.assignee_user_id IS NOT NULL THEN app_user_name(t.assignee_user_id) END AS assignee_name,
    t.due_date::text AS due_date, t.status, ${overdueTaskSql(sql, now)} AS overdue, ST_X(t.geom) AS lng, ST_Y(t.geom) AS lat,
    t.created_by, t.created_at, t.updated_at, t.closed_at`
}

/** Maps a row to the API's task. */
function toTask(r: TaskRow): Task {
  return {
    id: Number(r.id),
    ref: r.ref,
    title: r.title,
    description: r.description,
    source: r.source,
    warningId: r.warning_id === null ? null : Number(r.warning_id),
    hazardId: r.hazard_id === null ? null : Number(r.hazard_id),
    areaCode: r.area_code,
    areaName: r.area_name,
    areaLevel: r.area_level,
    townCode: r.town_code,
    villageCode: r.village_code,
    gridCode: r.grid_code,
    assigneeTeam: r.assignee_team,
    assigneeUserId: r.assignee_user_id,
    assigneeName: r.assignee_name,
    dueDate: r.due_date,
    status: r.status,
    statusName: TASK_STATUS_NAMES[r.status],
    overdue: r.overdue,
    lng: r.lng,
    lat: r.lat,
    createdBy: r.created_by,
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
    closedAt: r.closed_at?.toISOString() ?? null,
  }
}

/**
 * One task, or null.
 * @example (await getTask(tx, '7', new Date()))?.status // 'issued'
 */
export async function getTask(sql: Queryable, id: string, now: Date): Promise<Task | null> {
  const [row] = await sql<TaskRow[]>`
    SELECT ${taskColumns(sql, now)} FROM tasks t JOIN admin_areas a ON a.code = t.area_code WHERE t.id = ${id}::bigint`
  return row ? toTask(row) : null
}

/**
 * A task's history, oldest first.
 * @example (await taskHistory(tx, '7')).map((e) => e.to) // ['issued', 'accepted', …]
 */
export async function taskHistory(sql: Queryable, id: string): Promise<HistoryEvent[]> {
  const rows = await sql<HistoryEventRow<HistoryEvent['action']>[]>`
    SELECT id::text, at, actor, action, from_status AS "from", to_status AS "to", comment, changes
    FROM task_events WHERE task_id = ${id}::bigint ORDER BY at, id`
  return rows.map(historyEvent)
}

/** Filters of a task list (area looked up already; `me` and `mine` resolved to the caller's id and team). */
export interface TaskFilter {
  status?: readonly TaskStatus[] | undefined
  source?: readonly TaskSource[] | undefined
  area?: AreaRef | null | undefined
  overdue?: boolean | undefined
  team?: string | undefined
  /** Tasks assigned to this person (a user's id). */
  assigneeUserId?: string | undefined
  warningId?: string | undefined
  hazardId?: string | undefined
}

/** The WHERE conditions of a filter (tasks `t`), each starting with AND. */
function filterSql(sql: Queryable, f: TaskFilter, now: Date): PendingQuery<Row[]> {
  // An area matches the task's own area and any area the task's area lies in; the district all.
  const area = f.area && f.area.level !== 'district' ? f.area.code : null
  return sql`
      ${f.status ? sql`AND t.status = ANY(${f.status as string[]}::text[])` : sql``}
      ${f.source ? sql`AND t.source = ANY(${f.source as string[]}::text[])` : sql``}
      ${area ? sql`AND ${area} IN (t.area_code, t.town_code, t.village_code, t.grid_code)` : sql``}
      ${f.overdue === undefined ? sql`` : sql`AND ${overdueTaskSql(sql, now)} = ${f.overdue}`}
      ${f.team ? sql`AND t.assignee_team = ${f.team}` : sql``}
      ${f.assigneeUserId ? sql`AND t.assignee_user_id = ${f.assigneeUserId}::bigint` : sql``}
      ${f.warningId ? sql`AND t.warning_id = ${f.warningId}::bigint` : sql``}
      ${f.hazardId ? sql`AND t.hazard_id = ${f.hazardId}::bigint` : sql``}`
}

/** How a list is ordered: newest first (keyset on id), or overdue first and then by due date. */
export type TaskOrder = 'newest' | 'due'

/**
 * The `next` of a page sorted by due date: the last task's overdue flag, due date and id.
 * @example dueCursor({ overdue: true, due_date: '2026-10-01', id: '12' }) // '1_2026-10-01_12'
 */
export function dueCursor(r: { overdue: boolean; due_date: string; id: string }): string {
  return `${r.overdue ? 1 : 0}_${r.due_date}_${r.id}`
}

/**
 * One page of tasks, newest first (keyset on id), or with `order` 'due' overdue first, then by due
 * date and id (keyset on those three; `after` is the previous page's `next` of the same order).
 * @example await listTasks(tx, { warningId: '42' }, new Date(), 100, null) // { items, next }
 */
export async function listTasks(
  sql: Queryable,
  f: TaskFilter,
  now: Date,
  limit: number,
  after: string | null,
  order: TaskOrder = 'newest',
): Promise<TaskPage> {
  let rows: TaskRow[]
  if (order === 'due') {
    const [o, day, id] = after ? after.split('_') : []
    const overdue = sql`${overdueTaskSql(sql, now)}::int`
    rows = await sql<TaskRow[]>`
      SELECT ${taskColumns(sql, now)}
      FROM tasks t JOIN admin_areas a ON a.code = t.area_code
      WHERE true ${filterSql(sql, f, now)}
        ${after ? sql`AND (${overdue} < ${Number(o)}::int OR (${overdue} = ${Number(o)}::int AND (t.due_date, t.id) > (${day!}::date, ${id!}::bigint)))` : sql``}
      ORDER BY ${overdue} DESC, t.due_date, t.id
      LIMIT ${limit + 1}`
  } else {
    rows = await sql<TaskRow[]>`
      SELECT ${taskColumns(sql, now)}
      FROM tasks t JOIN admin_areas a ON a.code = t.area_code
      WHERE true ${filterSql(sql, f, now)}
        ${after ? sql`AND t.id < ${after}::bigint` : sql``}
      ORDER BY t.id DESC
      LIMIT ${limit + 1}`
  }
  const page = rows.slice(0, limit)
  const last = page.at(-1)
  const next = rows.length > limit && last ? (order === 'due' ? dueCursor(last) : last.id) : null
  return { items: page.map(toTask), next }
}

/**
 * The open (not closed) tasks a filter finds, the overdue ones among them and each open status:
 * the desk's badges.
 * @example await countTasks(tx, { assigneeUserId: '7' }, new Date()) // { open: 3, overdue: 1, byStatus: { issued: 2, … } }
 */
export async function countTasks(sql: Queryable, f: TaskFilter, now: Date): Promise<TaskCounts> {
  const rows = await sql<{ status: TaskStatus; n: number; overdue: number }[]>`
    SELECT t.status, count(*)::int AS n, count(*) FILTER (WHERE ${overdueTaskSql(sql, now)})::int AS overdue
    FROM tasks t
    WHERE t.status <> 'closed' ${filterSql(sql, f, now)}
    GROUP BY t.status`
  const byStatus = { issued: 0, accepted: 0, in_progress: 0, submitted: 0, returned: 0 }
  for (const r of rows) if (r.status !== 'closed') byStatus[r.status] = r.n
  return { open: rows.reduce((n, r) => n + r.n, 0), overdue: rows.reduce((n, r) => n + r.overdue, 0), byStatus }
}

/**
 * Who a task in the area `code` can be assigned to (active accounts that act on tasks and, if
 * scoped, work there), by name. The area must be one the caller sees tasks in (`scope`): another
 * town's is 404, as one that does not exist, so the answer names no other town's staff.
 * @example await assignableUsers(tx, scopeOf(req), '330109001') // [{ id: '7', name: '王伟', role: 'town', … }]
 */
export async function assignableUsers(tx: Tx, scope: Pick<Scope, 'areaCodes'>, code: string): Promise<TaskAssignee[]> {
  const area = await assignedArea(tx, code, 'query.area')
  const codes = [area.townCode, area.villageCode, area.gridCode].filter((c) => c !== null)
  if (scope.areaCodes !== null && !scope.areaCodes.some((c) => codes.includes(c))) throw new NotFound(`no area ${code}`)
  const rows = await tx<{ id: string; name: string; role: string; area_codes: string[]; team: string | null }[]>`
    SELECT id::text, name, role, area_codes, team FROM app_assignable_users(${codes}::text[], ${[...ASSIGNABLE_ROLES]}::text[])`
  return rows.map((r) => ({ id: r.id, name: r.name, role: RoleSchema.parse(r.role), team: r.team, areaCodes: r.area_codes }))
}

/**
 * Tasks overdue at `now` (not closed, due date before the Shanghai day of `now`), most overdue
 * first: what the 'overdue' warning model reads.
 * @example const late = await overdueTasks(db.sql, new Date('2026-11-01T00:00:00+08:00'))
 */
export async function overdueTasks(sql: Queryable, now: Date): Promise<OverdueTask[]> {
  const rows = await sql<TaskRow[]>`
    SELECT ${taskColumns(sql, now)} FROM tasks t JOIN admin_areas a ON a.code = t.area_code
    WHERE ${overdueTaskSql(sql, now)}
    ORDER BY t.due_date, t.id`
  return rows.map((r) => {
    const t = toTask(r)
    return {
      id: t.id,
      title: t.title,
      status: t.status,
      source: t.source,
      warningId: t.warningId,
      hazardId: t.hazardId,
      areaCode: t.areaCode,
      townCode: t.townCode,
      villageCode: t.villageCode,
      gridCode: t.gridCode,
      assigneeTeam: t.assigneeTeam,
      dueDate: t.dueDate,
      daysOverdue: daysOverdue(t.dueDate, now),
      lng: t.lng,
      lat: t.lat,
    }
  })
}

/**
 * The tasks of a hazard (for the hazard's detail), oldest first.
 * @example await tasksOfHazard(tx, '17', new Date()) // [{ id: 3, title, status, dueDate, overdue }]
 */
export async function tasksOfHazard(
  sql: Queryable,
  hazardId: string,
  now: Date,
): Promise<{ id: number; title: string; status: TaskStatus; dueDate: string; overdue: boolean }[]> {
  const rows = await sql<{ id: string; title: string; status: TaskStatus; due_date: string; overdue: boolean }[]>`
    SELECT t.id::text, t.title, t.status, t.due_date::text AS due_date, ${overdueTaskSql(sql, now)} AS overdue
    FROM tasks t WHERE t.hazard_id = ${hazardId}::bigint ORDER BY t.id`
  return rows.map((r) => ({ id: Number(r.id), title: r.title, status: r.status, dueDate: r.due_date, overdue: r.overdue }))
}

/**
 * Tasks changed after `since` (a change_seq, shared with incidents and hazards), oldest change
 * first, at most `limit`: for the live stream.
 * @example const batch = await tasksChangedSince(db.sql, '1042', 500, new Date())
 */
export async function tasksChangedSince(sql: Queryable, since: string, limit: number, now: Date): Promise<{ seq: string; task: Task }[]> {
  const rows = await sql<(TaskRow & { seq: string })[]>`
    SELECT t.change_seq::text AS seq, ${taskColumns(sql, now)}
    FROM tasks t JOIN admin_areas a ON a.code = t.area_code
    WHERE t.change_seq > ${since}::bigint ORDER BY t.change_seq LIMIT ${limit}`
  return rows.map((r) => ({ seq: r.seq, task: toTask(r) }))
}

/**
 * Assignments by change number, as the live stream sends them (`event: task.assigned`): the
 * assignee as that assignment made it, the task as it is now. Assignments are never changed, so
 * each number is found as long as its task is in sight.
 * @example const sent = await assignmentsBySeq(tx, [1042n], new Date()) // Map { '1042' → { taskId: 7, assigneeUserId: '12', … } }
 */
export async function assignmentsBySeq(sql: Queryable, seqs: readonly bigint[], now: Date): Promise<Map<string, TaskAssigned>> {
  if (seqs.length === 0) return new Map()
  const rows = await sql<
    {
      seq: string
      task_id: string
      title: string
      status: TaskStatus
      area_code: string
      area_name: string
      assignee_team: string
      assignee_user_id: string | null
      assignee_name: string | null
      due_date: string
      overdue: boolean
      actor: string
      at: Date
    }[]
  >`
    SELECT s.change_seq::text AS seq, s.task_id::text AS task_id, t.title, t.status, t.area_code, a.name AS area_name,
           s.assignee_team, s.assignee_user_id::text AS assignee_user_id,
           CASE WHEN s.assignee_user_id IS NOT NULL THEN app_user_name(s.assignee_user_id) END AS assignee_name,
           t.due_date::text AS due_date, ${overdueTaskSql(sql, now)} AS overdue, s.actor, s.at
    FROM task_assignments s JOIN tasks t ON t.id = s.task_id JOIN admin_areas a ON a.code = t.area_code
    WHERE s.change_seq = ANY(${seqs.map(String)}::bigint[])`
  return new Map(
    rows.map((r) => [
      r.seq,
      {
        taskId: Number(r.task_id),
        title: r.title,
        status: r.status,
        areaCode: r.area_code,
        areaName: r.area_name,
        assigneeTeam: r.assignee_team,
        assigneeUserId: r.assignee_user_id,
        assigneeName: r.assignee_name,
        dueDate: r.due_date,
        overdue: r.overdue,
        assignedBy: r.actor,
        assignedAt: r.at.toISOString(),
      },
    ]),
  )
}
