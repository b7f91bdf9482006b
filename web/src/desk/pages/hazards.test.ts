import { describe, expect, it } from 'vitest'

import { checklistOf, HazardCreateSchema } from '../../../../server/shared/api.ts'
import { addressPrefill, hazardQuery, photoLinks, registerBody, roundCoord, selfCheckBodies } from './hazards.ts'

describe('the hazards register query', () => {
  it('shows the open hazards unless a state is chosen, and passes the filters through', () => {
    expect(hazardQuery(new URLSearchParams('')).get('status')).toBe('reported,confirmed,rectifying')
    expect(hazardQuery(new URLSearchParams('status=all')).has('status')).toBe(false)
    const q = hazardQuery(new URLSearchParams('status=closed&severity=major&category=fire&source=self_check&area=330109001&overdue=true'))
    expect(Object.fromEntries(q)).toEqual({
      status: 'closed',
      severity: 'major',
      category: 'fire',
      source: 'self_check',
      area: '330109001',
      overdue: 'true',
      limit: '500',
    })
  })
  it('leaves a clicked point out (it is not a filter)', () => {
    expect(hazardQuery(new URLSearchParams('lng=120.2&lat=30.1')).toString()).toBe(hazardQuery(new URLSearchParams('')).toString())
  })
})

describe('registering', () => {
  const form = {
    source: 'grid_inspection',
    category: 'fire',
    severity: 'serious',
    description: '  疏散通道堆放杂物  ',
    place_name: '',
    responsible_party: '某某五金厂',
    due_date: '2026-12-20',
    address: '',
    lng: '120.2612345',
    lat: '30.1811111',
  }
  it('sends the fields given, coordinates as numbers, and the server’s schema takes it', () => {
    const body = registerBody(form)
    expect(body).toEqual({
      source: 'grid_inspection',
      category: 'fire',
      severity: 'serious',
      description: '疏散通道堆放杂物',
      responsible_party: '某某五金厂',
      due_date: '2026-12-20',
      lng: 120.2612345,
      lat: 30.1811111,
    })
    expect(HazardCreateSchema.safeParse(body).success).toBe(true)
  })
  it('rounds a clicked point to six decimals', () => {
    expect(roundCoord(120.123456789)).toBe(120.123457)
  })
  it('takes the nearest address only when it is close to the click', () => {
    expect(addressPrefill({ address: { address: '人民路1号', distanceM: 12 } })).toBe('人民路1号')
    expect(addressPrefill({ address: { address: '人民路1号', distanceM: 400 } })).toBeNull()
    expect(addressPrefill({ address: null })).toBeNull()
  })
})

describe('the enterprise self-check', () => {
  const [a, b] = checklistOf('fire')
  const check = {
    enterprise: '某某 五金厂',
    responsibleParty: '',
    category: 'fire' as const,
    day: '2026-12-05',
    today: '2026-12-06',
    dueDate: '2027-01-05',
    address: '',
    lng: '120.26',
    lat: '30.18',
    failed: [
      { item: a!, note: '二楼通道堆放纸箱' },
      { item: b!, note: '' },
    ],
  }
  it('makes one valid hazard per failed item, from the self-check, with the item’s words', () => {
    const bodies = selfCheckBodies(check)
    expect(bodies).toHaveLength(2)
    for (const body of bodies) {
      const v = HazardCreateSchema.parse(body)
      expect(v).toMatchObject({ source: 'self_check', category: 'fire', place_name: '某某 五金厂', responsible_party: '某某 五金厂' })
      expect(v.reported_at?.toISOString()).toBe('2026-12-05T04:00:00.000Z')
    }
    expect(bodies[0]!.description).toBe(`【企业自查】${a!.zh}：二楼通道堆放纸箱`)
    expect(bodies[1]!.description).toBe(`【企业自查】${b!.zh}`)
    expect(bodies[0]!.severity).toBe(a!.severity)
  })
  it('names each hazard by day, enterprise and item, so the same form sent again is the same hazards', () => {
    const ids = selfCheckBodies(check).map((x) => x.hazard_id)
    expect(new Set(ids).size).toBe(2)
    expect(selfCheckBodies({ ...check, lng: '120.27', enterprise: '某某五金厂' }).map((x) => x.hazard_id)).toEqual(ids)
    expect(selfCheckBodies({ ...check, day: '2026-12-06' }).map((x) => x.hazard_id)).not.toEqual(ids)
    expect(selfCheckBodies({ ...check, day: '2026-12-06' })[0]).not.toHaveProperty('reported_at')
  })
})

describe('photos', () => {
  it('lists stored attachments, then given URLs and uploaded ids not among them', () => {
    const id = 'a'.repeat(64)
    const links = photoLinks({
      properties: {
        attachments: [{ ref: 'https://x.test/p/y.jpg' }, { ref: id }, { ref: 'b'.repeat(64), name: '整改后' }, { ref: 'file-17' }],
      },
      attachments: [{ id, url: `/api/attachments/${id}`, thumbnailUrl: `/api/attachments/${id}/thumb`, filename: 'before.jpg' }],
    })
    expect(links).toEqual([
      { href: `/api/attachments/${id}`, thumb: `/api/attachments/${id}/thumb`, name: 'before.jpg' },
      { href: 'https://x.test/p/y.jpg', thumb: null, name: 'y.jpg' },
      { href: `/api/attachments/${'b'.repeat(64)}`, thumb: `/api/attachments/${'b'.repeat(64)}/thumb`, name: '整改后' },
    ])
  })
})
