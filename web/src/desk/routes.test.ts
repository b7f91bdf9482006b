import { describe, expect, it } from 'vitest'

import { deskPath, parseDeskPath, pickParams } from './routes.ts'

describe('desk addresses', () => {
  it('reads a page, a record and its filters', () => {
    const r = parseDeskPath('/desk/tasks/17', '?tab=mine&overdue=true', 'warnings')
    expect(r.page).toBe('tasks')
    expect(r.id).toBe('17')
    expect(r.params.get('tab')).toBe('mine')
  })
  it('lands on the fallback page for /desk and for unknown pages, without taking their id', () => {
    expect(parseDeskPath('/desk', '', 'tasks')).toMatchObject({ page: 'tasks', id: null })
    expect(parseDeskPath('/desk/', '', 'warnings')).toMatchObject({ page: 'warnings', id: null })
    expect(parseDeskPath('/desk/nothing/5', '', 'warnings')).toMatchObject({ page: 'warnings', id: null })
  })
  it('writes addresses that read back the same, leaving out empty filters', () => {
    const path = deskPath({ page: 'warnings', id: '9', params: new URLSearchParams('level=red,orange&model=&area=330109001000') })
    expect(path).toBe('/desk/warnings/9?level=red%2Corange&area=330109001000')
    const [pathname, search] = path.split('?') as [string, string]
    const back = parseDeskPath(pathname, `?${search}`, 'tasks')
    expect(back).toMatchObject({ page: 'warnings', id: '9' })
    expect(back.params.get('level')).toBe('red,orange')
    expect(deskPath({ page: 'admin' })).toBe('/desk/admin')
  })
})

describe('pickParams', () => {
  it('keeps the named filters that have a value, in their order, and nothing else', () => {
    const p = new URLSearchParams('status=open&tab=x&area=&type=neighbour&cursor=9')
    expect(pickParams(p, ['type', 'area', 'status']).toString()).toBe('type=neighbour&status=open')
    expect(pickParams(p, []).toString()).toBe('')
  })
})
