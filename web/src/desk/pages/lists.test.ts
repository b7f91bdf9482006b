import { describe, expect, it } from 'vitest'

import { sortTasks, taskQuery } from './tasks.ts'
import { warningQuery } from './warnings.ts'

const NOW = new Date('2026-12-06T04:00:00Z')

describe('the warnings inbox query', () => {
  it('shows the open warnings unless a state is chosen', () => {
    expect(warningQuery(new URLSearchParams(''), NOW).get('status')).toBe('new,acknowledged,tasked')
    expect(warningQuery(new URLSearchParams('status=resolved'), NOW).get('status')).toBe('resolved')
    expect(warningQuery(new URLSearchParams('status=all'), NOW).has('status')).toBe(false)
  })
  it('turns an age into the period the warning was triggered in', () => {
    expect(warningQuery(new URLSearchParams('age=1'), NOW).get('from')).toBe('2026-12-05T04:00:00.000Z')
    expect(warningQuery(new URLSearchParams('age=7'), NOW).get('from')).toBe('2026-11-29T04:00:00.000Z')
    const old = warningQuery(new URLSearchParams('age=old'), NOW)
    expect(old.get('to')).toBe('2026-11-06T04:00:00.000Z')
    expect(old.has('from')).toBe(false)
  })
  it('passes colour, model and area through', () => {
    const q = warningQuery(new URLSearchParams('level=red,yellow&model=surge&area=330109001000'), NOW)
    expect([q.get('level'), q.get('model'), q.get('area')]).toEqual(['red,yellow', 'surge', '330109001000'])
  })
})

describe('the task tabs', () => {
  it('asks for my tasks, my team’s, my area’s or all', () => {
    expect(taskQuery('mine', new URLSearchParams()).get('assignee')).toBe('me')
    expect(taskQuery('team', new URLSearchParams()).get('team')).toBe('mine')
    expect(taskQuery('area', new URLSearchParams('area=330109001')).get('area')).toBe('330109001')
    const all = taskQuery('all', new URLSearchParams('area=330109001&overdue=true'))
    expect([all.has('assignee'), all.has('team'), all.has('area'), all.get('overdue')]).toEqual([false, false, false, 'true'])
  })
  it('puts overdue tasks first, then the nearest due date', () => {
    const tasks = [
      { id: 1, overdue: false, dueDate: '2026-12-20' },
      { id: 2, overdue: true, dueDate: '2026-12-01' },
      { id: 3, overdue: false, dueDate: '2026-12-08' },
      { id: 4, overdue: true, dueDate: '2026-11-20' },
    ]
    expect(sortTasks(tasks).map((t) => t.id)).toEqual([4, 2, 3, 1])
  })
})
