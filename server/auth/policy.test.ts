import { describe, expect, it } from 'vitest'

import { requirementOf } from './policy.ts'
import { can } from './schema.ts'

describe('requirementOf', () => {
  it.each([
    ['GET', '/login', 'public'],
    ['GET', '/login.js', 'public'],
    ['POST', '/api/auth/login', 'public'],
    ['GET', '/api/health', 'public'],
    ['GET', '/assets/index-abc.js', 'public'],
    ['GET', '/m-sw.js', 'public'],
    ['GET', '/m.webmanifest', 'public'],
    ['GET', '/m-icon-maskable-512.png', 'public'],
    ['GET', '/m.html', 'public'],
    ['GET', '/m', 'read'],
    ['GET', '/m/tasks/3', 'read'],
    ['POST', '/api/auth/logout', 'user'],
    ['GET', '/api/auth/me', 'user'],
    ['GET', '/api/users', 'users'],
    ['POST', '/api/users/3/api-keys', 'users'],
    ['GET', '/api/audit', 'audit'],
    ['GET', '/api/exports', 'audit'],
    ['GET', '/api/export/incidents.geojson', 'export'],
    ['POST', '/api/incidents', 'ingest'],
    ['GET', '/api/incidents', 'read'],
    ['GET', '/api/imports/4', 'ingest'],
    ['PUT', '/api/models/surge', 'models'],
    ['POST', '/api/models/surge/runs', 'models'],
    ['GET', '/api/models', 'read'],
    ['PUT', '/api/rankings/config', 'models'],
    ['PUT', '/api/category-roles', 'settings'],
    ['GET', '/api/category-roles', 'read'],
    ['GET', '/api/reconcile/review', 'reconcile'],
    ['POST', '/api/geocode/batch', 'read'],
    ['GET', '/tiles/incidents/12/3412/1675.mvt', 'read'],
    ['GET', '/ogc/collections/incidents/items', 'read'],
    ['GET', '/', 'read'],
    ['GET', '/wall', 'read'],
    ['POST', '/api/tasks/3/transitions', 'write'],
    ['POST', '/api/attachments', 'write'],
    ['GET', '/api/attachments/' + 'a'.repeat(64) + '/thumb', 'read'],
    ['PATCH', '/api/hazards/3', 'write'],
    ['DELETE', '/api/anything-new', 'write'],
    ['OPTIONS', '/api/tasks', 'write'],
  ])('%s %s needs %s', (method, path, need) => {
    expect(requirementOf(method, path)).toBe(need)
  })
})

describe('role permissions', () => {
  it('gives each role what the issue says', () => {
    expect(can('analyst', 'export')).toBe(true)
    expect(can('command', 'export')).toBe(false)
    expect(can('wall', 'write')).toBe(false)
    expect(can('wall', 'read')).toBe(true)
    expect(can('town', 'users')).toBe(false)
    expect(can('grid', 'write')).toBe(true)
    expect(can('analyst', 'pii')).toBe(false)
    expect(can('admin', 'audit')).toBe(true)
  })
})
