import { describe, expect, it } from 'vitest'
import { z } from 'zod'

import { HazardListQuerySchema } from '../hazards/schema.ts'
import { IncidentListQuerySchema } from '../incidents/query-schema.ts'
import { AreaStatsQuerySchema } from '../stats/schema.ts'
import { TaskListQuerySchema } from '../tasks/schema.ts'
import { WarningListQuerySchema } from '../warnings/schema.ts'
import {
  commaList,
  DayInputSchema,
  enumList,
  fromBeforeTo,
  IdCursorSchema,
  listLimit,
  ListLimitSchema,
  QueryBoolSchema,
} from './list-query.ts'

/** The issues of a failed parse as `path: message`, or the parsed value. */
function outcome(schema: z.ZodType, input: unknown): unknown {
  const r = schema.safeParse(input)
  return r.success ? r.data : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`)
}

describe('list-query building blocks', () => {
  it('reads a comma-separated filter as its values, ignoring blanks and spaces, and refuses an empty or unknown one', () => {
    const status = enumList(z.enum(['new', 'acknowledged', 'tasked']))
    expect(outcome(status, 'new, tasked,,')).toEqual(['new', 'tasked'])
    expect(outcome(status, ' , ')).toEqual([': give at least one value'])
    expect(outcome(status, 'new,closed')).toEqual([expect.stringMatching(/^1: .*"new"/)])
    expect(outcome(commaList(z.string().regex(/^\d+$/), 'give at least one id'), '')).toEqual([': give at least one id'])
  })

  it('a page size is a whole number up to the maximum, the default when absent', () => {
    expect(outcome(ListLimitSchema, undefined)).toBe(100)
    expect(outcome(ListLimitSchema, '1000')).toBe(1000)
    expect(outcome(ListLimitSchema, '0')).toHaveLength(1)
    expect(outcome(ListLimitSchema, '1001')).toEqual([expect.stringContaining('1000')])
    expect(outcome(ListLimitSchema, '2.5')).toHaveLength(1)
    expect(outcome(listLimit(200, 20), undefined)).toBe(20)
    expect(outcome(listLimit(200, 20), '201')).toEqual([expect.stringContaining('200')])
  })

  it('days, yes/no flags and id cursors say what they want', () => {
    expect(outcome(DayInputSchema, '2026-10-01')).toBe('2026-10-01')
    expect(outcome(DayInputSchema, '2026-13-01')).toEqual([': a date YYYY-MM-DD'])
    expect([outcome(QueryBoolSchema, 'yes'), outcome(QueryBoolSchema, '0')]).toEqual([true, false])
    expect(outcome(QueryBoolSchema, 'maybe')).toEqual([': true or false'])
    expect(outcome(IdCursorSchema, '42')).toBe('42')
    expect(outcome(IdCursorSchema, 'abc')).toEqual([': the `next` value of the previous page'])
  })

  it('an empty or reversed period is refused on `to`; an open-ended one is fine', () => {
    expect([
      fromBeforeTo({ from: '2026-10-01', to: '2026-10-02' }),
      fromBeforeTo({ from: '2026-10-02', to: '2026-10-02' }),
      fromBeforeTo({ from: '2026-10-02' }),
    ]).toEqual([true, false, true])
    expect(fromBeforeTo({ from: new Date('2026-10-02T00:00:00Z'), to: new Date('2026-10-01T00:00:00Z') })).toBe(false)
  })
})

describe("the domains' list queries, composed from the blocks, answer the same mistakes the same way", () => {
  it('limits: hazards, tasks and warnings 1–1,000 (100 by default); incidents up to 10,000', () => {
    for (const schema of [HazardListQuerySchema, TaskListQuerySchema, WarningListQuerySchema]) {
      expect((outcome(schema, {}) as { limit: number }).limit).toBe(100)
      expect(outcome(schema, { limit: '1001' })).toEqual([expect.stringMatching(/^limit: .*1000/)])
    }
    expect((outcome(IncidentListQuerySchema, { limit: '10000' }) as { limit: number }).limit).toBe(10_000)
    expect(outcome(IncidentListQuerySchema, { limit: '10001' })).toEqual([expect.stringMatching(/^limit: .*10000/)])
  })

  it('filters and cursors name the field', () => {
    expect(outcome(HazardListQuerySchema, { status: ',' })).toEqual(['status: give at least one value'])
    expect(outcome(TaskListQuerySchema, { cursor: 'x', overdue: 'perhaps' })).toEqual([
      'overdue: true or false',
      'cursor: the `next` value of the previous page',
    ])
    expect(outcome(WarningListQuerySchema, { model: ' ,' })).toEqual(['model: give at least one model id'])
    expect(outcome(WarningListQuerySchema, { from: '2026-10-02', to: '2026-10-01' })).toEqual([
      'to: `to` must be after `from` (it is exclusive)',
    ])
    expect(outcome(AreaStatsQuerySchema, { from: '2026-10-02', to: '2026-10-02' })).toEqual([
      'to: `to` must be after `from` (it is exclusive)',
    ])
  })
})
