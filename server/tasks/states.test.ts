import { describe, expect, it } from 'vitest'

import { assertHazardMove, canMoveHazard, HAZARD_TRANSITIONS, type HazardStatus, HazardStatusSchema } from '../hazards/states.ts'
import { Conflict } from '../shared/errors.ts'
import { TaskTransitionSchema } from './schema.ts'
import {
  assertTaskComment,
  assertTaskMove,
  canMoveTask,
  TASK_TRANSITIONS,
  taskMoveNeedsComment,
  type TaskStatus,
  TaskStatusSchema,
} from './states.ts'

/** The legal moves as the issue states them, written out independently of the tables. */
const TASK_LEGAL = new Set([
  'issued>accepted',
  'accepted>in_progress',
  'in_progress>submitted',
  'submitted>closed',
  'submitted>returned',
  'returned>in_progress',
  'returned>accepted',
])
const HAZARD_LEGAL = new Set(['reported>confirmed', 'confirmed>rectifying', 'rectifying>closed'])

/** Every (from, to) pair of a set of states, the same state included. */
function pairs<S extends string>(states: readonly S[]): [S, S][] {
  return states.flatMap((a) => states.map((b): [S, S] => [a, b]))
}

/** The error a move throws, or null. */
function thrown(fn: () => void): Conflict | null {
  try {
    fn()
    return null
  } catch (err) {
    if (err instanceof Conflict) return err
    throw err
  }
}

describe('task workflow', () => {
  const states = TaskStatusSchema.options
  it('has a row for every state and nothing else', () => {
    expect(Object.keys(TASK_TRANSITIONS).sort()).toEqual([...states].sort())
  })

  it.each(pairs(states))('%s → %s is legal exactly when the issue says so', (from: TaskStatus, to: TaskStatus) => {
    const legal = TASK_LEGAL.has(`${from}>${to}`)
    expect(canMoveTask(from, to)).toBe(legal)
    const err = thrown(() => assertTaskMove(7, from, to))
    if (legal) expect(err).toBeNull()
    else {
      expect(err?.kind).toBe('conflict')
      expect(err?.message).toContain(`task 7: cannot go from ${from} to ${to}`)
      expect(err?.details).toEqual({ from, to, allowed: TASK_TRANSITIONS[from] })
    }
  })

  it('checks all 36 pairs, 7 legal; closed is final and says so', () => {
    expect(pairs(states)).toHaveLength(36)
    expect(pairs(states).filter(([a, b]) => canMoveTask(a, b))).toHaveLength(TASK_LEGAL.size)
    expect(thrown(() => assertTaskMove(3, 'closed', 'in_progress'))?.message).toBe(
      'task 3: cannot go from closed to in_progress (closed is final)',
    )
    expect(thrown(() => assertTaskMove(3, 'issued', 'closed'))?.message).toBe(
      'task 3: cannot go from issued to closed (from issued it can go to accepted)',
    )
  })

  it('can reach closed from every state but closed (no dead ends)', () => {
    const reaches = (s: TaskStatus, seen = new Set<TaskStatus>()): boolean =>
      s === 'closed' || (!seen.has(s) && TASK_TRANSITIONS[s].some((n) => reaches(n, new Set([...seen, s]))))
    for (const s of states) expect(reaches(s), s).toBe(true)
  })
})

describe('a task returned must say why', () => {
  it('a reviewer returning a task without a comment is told to say why in body.comment; other moves need none', () => {
    expect(TaskStatusSchema.options.filter(taskMoveNeedsComment)).toEqual(['returned'])
    let err: unknown = null
    try {
      assertTaskComment('returned', null)
    } catch (e) {
      err = e
    }
    expect(err).toMatchObject({
      name: 'Invalid',
      message: 'invalid body: body.comment: say why the task goes to returned',
      details: [{ where: 'body.comment', message: 'say why the task goes to returned' }],
    })
    expect(() => assertTaskComment('returned', '照片不清晰，请补拍')).not.toThrow()
    expect(() => assertTaskComment('closed', null)).not.toThrow()
  })

  it('the transition body is refused at the schema, at body.comment, before any store runs', () => {
    const r = TaskTransitionSchema.safeParse({ to: 'returned', comment: '  ' })
    expect(r.success ? [] : r.error.issues.map((i) => [i.path.join('.'), i.message])).toEqual([['comment', 'say why the task is returned']])
    expect(TaskTransitionSchema.safeParse({ to: 'closed' }).success).toBe(true)
  })
})

describe('hazard workflow', () => {
  const states = HazardStatusSchema.options
  it('has a row for every state', () => {
    expect(Object.keys(HAZARD_TRANSITIONS).sort()).toEqual([...states].sort())
  })

  it.each(pairs(states))('%s → %s is legal exactly when the issue says so', (from: HazardStatus, to: HazardStatus) => {
    const legal = HAZARD_LEGAL.has(`${from}>${to}`)
    expect(canMoveHazard(from, to)).toBe(legal)
    const err = thrown(() => assertHazardMove('H1', from, to))
    if (legal) expect(err).toBeNull()
    else {
      expect(err?.kind).toBe('conflict')
      expect(err?.message).toContain(`hazard H1: cannot go from ${from} to ${to}`)
    }
  })
})
