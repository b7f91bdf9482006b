import { describe, expect, it } from 'vitest'

import { PatrolCsvRowSchema } from '../patrols/schema.ts'
import { DeviceCsvRowSchema, DeviceEventCsvRowSchema, DeviceEventQuerySchema, DeviceListQuerySchema } from './schema.ts'
import { deviceHash, hasOwnPlace } from './store.ts'

const issues = (r: { success: boolean; error?: { issues: { path: PropertyKey[]; message: string }[] } }) =>
  r.success ? [] : r.error!.issues.map((i) => `${i.path.join('.')}: ${i.message}`)

describe('device and patrol CSV rows', () => {
  it('takes kinds, statuses and event kinds as codes or Chinese names', () => {
    expect(DeviceCsvRowSchema.parse({ device_id: 'SD-1', kind: '烟感', status: '停用' })).toMatchObject({
      kind: 'smoke_detector',
      status: 'retired',
    })
    expect(DeviceCsvRowSchema.parse({ device_id: 'CY-1', kind: '液化气钢瓶', expected_refill_days: '30' })).toMatchObject({
      kind: 'gas_cylinder',
      expected_refill_days: 30,
      status: 'active',
      crs: 'wgs84',
    })
    expect(DeviceEventCsvRowSchema.parse({ device_id: 'SD-1', at: '2026-10-01 08:00', kind: '充装', details: '{"kg": 15}' })).toMatchObject(
      {
        kind: 'filling',
        details: { kg: 15 },
        at: new Date('2026-10-01T00:00:00Z'),
      },
    )
  })

  it('names the field of every mistake', () => {
    expect(issues(DeviceCsvRowSchema.safeParse({ device_id: 'X', kind: '水表' }))).toEqual([
      expect.stringMatching(/^kind: one of smoke_detector \(烟感\)/),
    ])
    expect(issues(DeviceCsvRowSchema.safeParse({ device_id: 'X', kind: 'gas_alarm', org_id: 'O', house_id: 'H' }))).toEqual([
      'house_id: give org_id or house_id, not both',
    ])
    expect(issues(DeviceCsvRowSchema.safeParse({ device_id: 'X', kind: 'gas_alarm', lng: '120.2' }))).toEqual([
      'lng: give both lng and lat, or neither',
    ])
    expect(issues(DeviceEventCsvRowSchema.safeParse({ device_id: 'X', at: '2026-10-01 08:00', kind: 'alarm', details: '[1]' }))).toEqual([
      expect.stringMatching(/^details: a JSON object/),
    ])
    const patrol = {
      patrol_id: 'P',
      team: 'T',
      started_at: '2026-10-02 08:00',
      ended_at: '2026-10-01 08:00',
      track: 'LINESTRING(120 30, 120.1 30.1)',
    }
    expect(issues(PatrolCsvRowSchema.safeParse(patrol))).toEqual(['ended_at: is before started_at'])
    expect(issues(PatrolCsvRowSchema.safeParse({ ...patrol, ended_at: '2026-10-02 09:00', crs: 'bd09' }))).toEqual([])
  })

  it('hashes what was given (a changed field, a new hash) and knows a device with a place of its own', () => {
    const r = DeviceCsvRowSchema.parse({ device_id: 'SD-1', kind: 'smoke_detector', org_id: 'ORG-1' })
    expect(deviceHash(r)).toBe(deviceHash({ ...r }))
    expect(deviceHash({ ...r, name: '走廊' })).not.toBe(deviceHash(r))
    expect(hasOwnPlace(r)).toBe(false)
    expect(hasOwnPlace({ ...r, address: '金城路440号' })).toBe(true)
  })

  it('reads list queries', () => {
    expect(DeviceListQuerySchema.parse({ kind: 'gas_alarm,gas_cylinder', alerting: 'true' })).toMatchObject({
      kind: ['gas_alarm', 'gas_cylinder'],
      alerting: true,
      limit: 100,
    })
    expect(DeviceEventQuerySchema.safeParse({ from: '2026-10-02', to: '2026-10-01' }).success).toBe(false)
  })
})
