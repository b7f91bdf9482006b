import { describe, expect, it } from 'vitest'

import { ApiError } from '../../api/client.ts'
import { adminView, areaLevelOf, auditDetails, auditQuery, fieldRefusals, filterUsers, parseCodes } from './admin.ts'

const both = { users: true, audit: true }

describe('the administration page’s addresses', () => {
  it('opens a tab by path or by ?tab=, and a user by ?user= or a number in the path', () => {
    expect(adminView({ id: null, params: new URLSearchParams() }, both)).toEqual({ tab: 'users', user: null })
    expect(adminView({ id: 'keys', params: new URLSearchParams('user=7') }, both)).toEqual({ tab: 'keys', user: '7' })
    expect(adminView({ id: null, params: new URLSearchParams('tab=tokens') }, both)).toEqual({ tab: 'tokens', user: null })
    expect(adminView({ id: '12', params: new URLSearchParams() }, both)).toEqual({ tab: 'users', user: '12' })
  })
  it('falls back to a tab the caller may use', () => {
    expect(adminView({ id: 'users', params: new URLSearchParams() }, { users: false, audit: true }).tab).toBe('audit')
    expect(adminView({ id: 'audit', params: new URLSearchParams() }, { users: true, audit: false }).tab).toBe('users')
  })
})

describe('area codes and roles', () => {
  it('reads typed codes with any separator, once each', () => {
    expect(parseCodes('330109001, 330109002，330109001、330109003 ')).toEqual(['330109001', '330109002', '330109003'])
    expect(parseCodes('  ')).toEqual([])
  })
  it('scopes town officers to towns, grid workers to grids, the rest to nothing', () => {
    expect([areaLevelOf('town'), areaLevelOf('grid'), areaLevelOf('admin'), areaLevelOf('wall')]).toEqual(['town', 'grid', null, null])
  })
})

describe('refusals by field', () => {
  it('puts each detail under the field its `where` names', () => {
    const err = new ApiError('/api/users', 400, 'invalid body', {
      details: [
        { where: 'body.areaCodes.0', message: 'an area code is 6–20 digits' },
        { where: 'body.password', message: 'at least 12 characters' },
        { where: 'body', message: 'unrecognized key' },
      ],
    })
    expect(fieldRefusals(err)).toEqual({
      fields: { areaCodes: ['an area code is 6–20 digits'], password: ['at least 12 characters'] },
      other: ['unrecognized key'],
    })
  })
  it('gives a taken username to the username, anything else to the page', () => {
    expect(fieldRefusals(new ApiError('/api/users', 409, 'username li is taken')).fields).toEqual({ username: ['username li is taken'] })
    expect(fieldRefusals(new Error('offline'))).toEqual({ fields: {}, other: ['offline'] })
  })
})

describe('the audit log query', () => {
  it('takes the period as Shanghai days, the last one included', () => {
    const q = auditQuery(new URLSearchParams('from=2026-12-01&to=2026-12-06&actor=admin&target=user:7&x=1'), null)
    expect(Object.fromEntries(q)).toEqual({
      actor: 'admin',
      target: 'user:7',
      from: '2026-12-01T00:00:00+08:00',
      to: '2026-12-07T00:00:00+08:00',
      limit: '50',
    })
  })
  it('pages on with before=', () => {
    expect(auditQuery(new URLSearchParams('action=login'), '120').toString()).toBe('action=login&limit=50&before=120')
  })
  it('shows details in one line', () => {
    expect(auditDetails({ keyId: '3', changed: ['role'] })).toBe('keyId=3 · changed=["role"]')
  })
})

describe('the users list', () => {
  const users = [
    { username: 'li', displayName: '李四', role: 'town' as const, areaCodes: ['330109001'] },
    { username: 'ops', displayName: '值班员', role: 'command' as const, areaCodes: [] },
  ]
  it('filters by role and by a search over names and area codes', () => {
    expect(filterUsers(users, new URLSearchParams('role=command')).map((u) => u.username)).toEqual(['ops'])
    expect(filterUsers(users, new URLSearchParams('q=3301')).map((u) => u.username)).toEqual(['li'])
    expect(filterUsers(users, new URLSearchParams('q=值班')).map((u) => u.username)).toEqual(['ops'])
    expect(filterUsers(users, new URLSearchParams()).length).toBe(2)
  })
})
