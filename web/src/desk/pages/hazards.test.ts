import { describe, expect, it } from 'vitest'

import { checklistOf, HazardCreateSchema, SelfCheckBodySchema } from '../../../../server/shared/api.ts'
import {
  addressPrefill,
  hazardQuery,
  photoLinks,
  registerBody,
  roundCoord,
  selfCheckBody,
  selfCheckStandingText,
  selfCheckTime,
} from './hazards.ts'

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
  const [a, b, c] = checklistOf('fire')
  it('sends each answered item in order, failed ones with their note, and leaves out the ones that do not apply', () => {
    const body = selfCheckBody('2026-12-05T12:00:00+08:00', 'fire', [
      { item: a!.id, answer: 'fail', note: ' 二楼通道堆放纸箱 ' },
      { item: b!.id, answer: 'na', note: 'x' },
      { item: c!.id, answer: 'pass', note: '  ' },
    ])
    expect(body).toEqual({
      checkedAt: '2026-12-05T12:00:00+08:00',
      checklist: 'fire',
      results: [
        { item: a!.id, ok: false, note: '二楼通道堆放纸箱' },
        { item: c!.id, ok: true },
      ],
    })
    const parsed = SelfCheckBodySchema.parse(body)
    expect(parsed.results).toHaveLength(2)
  })
  it('records a check of today now, and one of an earlier day at its noon', () => {
    const now = new Date('2026-12-06T03:04:05Z')
    expect(selfCheckTime('2026-12-06', '2026-12-06', now)).toBe('2026-12-06T03:04:05.000Z')
    expect(selfCheckTime('2026-12-05', '2026-12-06', now)).toBe('2026-12-05T12:00:00+08:00')
  })
  it('says the standing: the duty, the last check and the days overdue or the next due day', () => {
    const p = {
      selfCheckEveryDays: 30,
      lastSelfCheck: '2026-09-30T17:00:00.000Z',
      nextSelfCheckDue: '2026-10-31',
      daysOverdue: 10,
      selfCheckState: 'overdue' as const,
    }
    expect(selfCheckStandingText(p, 'zh')).toBe('每 30 天自查 · 上次 2026-10-01 · 逾期 10 天')
    expect(selfCheckStandingText({ ...p, daysOverdue: 0, selfCheckState: 'ok' }, 'en')).toBe(
      'Every 30 days · last 2026-10-01 · next by 2026-10-31',
    )
    expect(selfCheckStandingText({ ...p, lastSelfCheck: null, daysOverdue: 0, selfCheckState: 'due' }, 'zh')).toBe(
      '每 30 天自查 · 尚未自查 · 下次 2026-10-31 前',
    )
    expect(
      selfCheckStandingText(
        { selfCheckEveryDays: null, lastSelfCheck: null, nextSelfCheckDue: null, daysOverdue: null, selfCheckState: null },
        'zh',
      ),
    ).toBe('无自查义务')
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
