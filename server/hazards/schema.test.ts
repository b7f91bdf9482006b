import { describe, expect, it } from 'vitest'

import { HazardCreateSchema, HazardCsvRowSchema, HazardPatchSchema } from './schema.ts'
import { diffHazardFields, type HazardFields, movesHazard } from './store.ts'
import { applyHazardPatch, fieldsOfInput } from './write.ts'

const base = { source: 'grid_inspection', category: 'fire', description: '疏散通道堆放杂物' }
const where = (r: { success: boolean; error?: { issues: { path: PropertyKey[] }[] } }) =>
  (r.error?.issues ?? []).map((i) => i.path.join('.'))

describe('hazard input schemas', () => {
  it('accepts catalogue codes or their Chinese names, defaults severity and attachments', () => {
    const v = HazardCreateSchema.parse({ ...base, source: '网格巡查', category: '电动自行车充电', severity: '重大隐患' })
    expect(v).toMatchObject({ source: 'grid_inspection', category: 'ebike_charging', severity: 'major', attachments: [], crs: 'wgs84' })
    expect(HazardCreateSchema.parse(base).severity).toBe('general')
  })

  it('names the bad fields', () => {
    const r = HazardCreateSchema.safeParse({ ...base, category: '不存在', due_date: '2026-13-01' })
    expect(where(r)).toEqual(['category', 'due_date'])
    expect(where(HazardCreateSchema.safeParse({ ...base, lng: 120.2 }))).toEqual(['lng'])
    expect(where(HazardCreateSchema.safeParse({ source: 'x' }))).toEqual(expect.arrayContaining(['source', 'category', 'description']))
  })

  it('reads attachments as objects or |-separated references', () => {
    expect(
      HazardCsvRowSchema.parse({ ...base, hazard_id: 'A', reported_at: '2026-10-01 08:00', attachments: 'https://x/1.jpg| oss://b/2.jpg' })
        .attachments,
    ).toEqual([{ ref: 'https://x/1.jpg' }, { ref: 'oss://b/2.jpg' }])
    expect(HazardCreateSchema.parse({ ...base, attachments: ['a', { ref: 'b', type: 'photo' }] }).attachments).toEqual([
      { ref: 'a' },
      { ref: 'b', type: 'photo' },
    ])
  })

  it('a CSV row needs the source id and time; its status may be given in Chinese', () => {
    expect(where(HazardCsvRowSchema.safeParse(base))).toEqual(expect.arrayContaining(['hazard_id', 'reported_at']))
    const v = HazardCsvRowSchema.parse({ ...base, hazard_id: 'A', reported_at: '2026-10-01 08:00', status: '整改中' })
    expect(v.status).toBe('rectifying')
    expect(v.reported_at.toISOString()).toBe('2026-10-01T00:00:00.000Z')
  })

  it('a patch rejects status and unknown fields, and must change something', () => {
    const r = HazardPatchSchema.safeParse({ status: 'closed' })
    expect(r.success).toBe(false)
    expect(r.error!.issues[0]!.message).toContain('not editable: status')
    expect(HazardPatchSchema.safeParse({ comment: 'x' }).success).toBe(false)
    expect(HazardPatchSchema.parse({ due_date: null }).due_date).toBeNull()
  })
})

describe('hazard edits', () => {
  const now = new Date('2026-10-01T00:00:00Z')
  const fields: HazardFields = fieldsOfInput(HazardCreateSchema.parse({ ...base, address: '金城路440号' }), now)

  it('a patch changes only what it names; null clears', () => {
    const next = applyHazardPatch(fields, HazardPatchSchema.parse({ due_date: '2026-10-15', address: null, lng: 120.2, lat: 30.1 }))
    expect(diffHazardFields(fields, next)).toEqual({
      due_date: { from: null, to: '2026-10-15' },
      address: { from: '金城路440号', to: null },
      lng: { from: null, to: 120.2 },
      lat: { from: null, to: 30.1 },
      crs: { from: null, to: 'wgs84' },
    })
    expect(movesHazard(diffHazardFields(fields, next))).toBe(true)
    expect(movesHazard(diffHazardFields(fields, applyHazardPatch(fields, { severity: 'major' })))).toBe(false)
    expect(diffHazardFields(fields, { ...fields })).toEqual({})
  })
})
