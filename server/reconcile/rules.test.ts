import { describe, expect, it } from 'vitest'

import type { GeocodeResult } from '../geocode/schema.ts'
import { type GeocoderAnswer, judge, nextPair, type OtherRow, REASON, stableJson, type StoredPair, withoutRejected } from './rules.ts'

const hit = (over: Partial<GeocodeResult> = {}): GeocodeResult => ({
  addressId: 'A1',
  address: '北干街道金城路440号',
  level: 'door',
  score: 1,
  lng: 120.26,
  lat: 30.16,
  townCode: '330109002',
  villageCode: null,
  gridCode: null,
  h3: null,
  distanceM: 5,
  ...over,
})
const answer = (result: GeocodeResult, ...others: GeocodeResult[]): GeocoderAnswer => ({ result, candidates: [result, ...others] })
const row: OtherRow = { otherId: 'P1', address: '金城路440号', lng: 120.26, lat: 30.16 }

/** The pair a run stored for `row` from `a`, then changed as given (a decision, say). */
function stored(a: GeocoderAnswer, over: Partial<StoredPair> = {}): StoredPair {
  const { state } = nextPair(row, a, null)
  return { ...state, otherAddress: row.address, otherLng: row.lng, otherLat: row.lat, rejectedIds: [], addressExists: true, ...over }
}

describe('judge', () => {
  it('accepts an exact, near, unrivalled address-level match', () => {
    for (const level of ['room', 'unit', 'building', 'door'] as const) {
      expect(judge(hit({ level }), [hit({ level })])).toEqual({ status: 'matched', reasons: [] })
    }
  })

  it('leaves nothing-found unmatched', () => {
    expect(judge(hit({ level: 'none', addressId: null, score: 0, distanceM: undefined }), [])).toEqual({
      status: 'unmatched',
      reasons: [REASON.unmatched],
    })
  })

  it.each([
    ['far', hit({ distanceM: 230.4 }), ['门牌级匹配，坐标相距 230 米']],
    ['low score', hit({ score: 0.78 }), ['匹配分 0.78 < 0.9']],
    ['coarse', hit({ level: 'road', addressId: null }), ['仅匹配到道路级']],
    ['unit without a row', hit({ level: 'unit', addressId: null }), ['单元级匹配，地址库中没有对应的地址记录']],
    ['no distance', hit({ distanceM: undefined }), ['没有坐标，无法核对距离']],
    ['several', hit({ level: 'compound', addressId: null, score: 0.7, distanceM: 900 }), ['仅匹配到小区级', '匹配分 0.7 < 0.9']],
  ])('sends %s to review, saying why', (_label, proposal, reasons) => {
    expect(judge(proposal, [proposal])).toEqual({ status: 'review', reasons })
  })

  it('sends a match with a rival of the same level and similar score to review', () => {
    const a = hit({ score: 0.875 })
    const b = hit({ addressId: 'A2', score: 1, distanceM: 12_000 })
    expect(judge(a, [a, b]).reasons).toContain('多个候选（另有 1 个同级地址）')
    // A coarser or clearly weaker candidate is no rival.
    const c = hit({ addressId: null, level: 'road', score: 0.85 })
    const d = hit({ addressId: 'A3', score: 0.5 })
    expect(judge(hit(), [hit(), c, d])).toEqual({ status: 'matched', reasons: [] })
  })
})

describe('withoutRejected', () => {
  const a = hit()
  const b = hit({ addressId: 'A2', score: 0.8 })
  const road = hit({ addressId: null, level: 'road', score: 0.85 })

  it('keeps the proposal and drops rejected candidates', () => {
    expect(withoutRejected(answer(a, b, road), ['A2'])).toEqual({ proposal: a, candidates: [a, road], skipped: false })
  })

  it('offers the next candidate when the proposal was rejected', () => {
    expect(withoutRejected(answer(a, b, road), ['A1'])).toEqual({ proposal: b, candidates: [b, road], skipped: true })
  })

  it('offers nothing when every candidate was rejected', () => {
    const out = withoutRejected(answer(a, b), ['A1', 'A2'])
    expect(out.proposal.level).toBe('none')
    expect(out.candidates).toEqual([])
  })
})

describe('nextPair', () => {
  const a = answer(hit())

  it('writes a new row and nothing for an unchanged one', () => {
    const first = nextPair(row, a, null)
    expect(first).toMatchObject({ write: true, state: { status: 'matched', addressId: 'A1', reason: null, holdReason: null } })
    expect(nextPair(row, a, stored(a)).write).toBe(false)
  })

  it('rewrites an undecided pair when the base answers differently', () => {
    const now = answer(hit({ distanceM: 150 }))
    expect(nextPair(row, now, stored(a))).toMatchObject({ write: true, state: { status: 'review', reason: '门牌级匹配，坐标相距 150 米' } })
  })

  it('keeps an accepted pair while its row is unchanged, whatever the geocoder now says', () => {
    const s = stored(answer(hit({ distanceM: 300 })), { status: 'accepted' })
    expect(nextPair(row, answer(hit({ addressId: 'A9' })), s)).toEqual({
      state: expect.objectContaining({ status: 'accepted', addressId: 'A1' }),
      write: false,
    })
  })

  it('sends an accepted pair back to review when its row changed, and keeps it there', () => {
    const s = stored(a, { status: 'accepted' })
    const moved = { ...row, lng: row.lng + 0.0001 }
    const out = nextPair(moved, a, s)
    expect(out).toMatchObject({ write: true, state: { status: 'review', reason: REASON.changed, holdReason: REASON.changed } })
    // The next run of the same file: still review, nothing written.
    const again: StoredPair = { ...s, ...out.state, otherLng: moved.lng }
    expect(nextPair(moved, a, again).write).toBe(false)
  })

  it('sends an accepted pair whose address left the base back to review', () => {
    const out = nextPair(row, a, stored(a, { status: 'accepted', addressExists: false }))
    expect(out.state).toMatchObject({ status: 'review', reason: REASON.acceptedGone })
  })

  it('keeps a rejected pair while its row is unchanged', () => {
    const s = stored(a, { status: 'rejected', rejectedIds: ['A1'] })
    expect(nextPair(row, a, s)).toMatchObject({ write: false, state: { status: 'rejected' } })
  })

  it('never proposes a rejected address again: the next candidate, for review', () => {
    const b = hit({ addressId: 'A2', score: 0.95, distanceM: 20 })
    const s = stored(answer(hit(), b), { status: 'rejected', rejectedIds: ['A1'] })
    const out = nextPair({ ...row, address: '北干金城路440号' }, answer(hit(), b), s)
    expect(out.state).toMatchObject({ status: 'review', addressId: 'A2', reason: `${REASON.changed}；${REASON.skippedRejected}` })
    expect(out.state.candidates.map((c) => c.addressId)).toEqual(['A2'])
  })

  it('leaves a row with only rejected candidates unmatched', () => {
    const s = stored(a, { status: 'review', rejectedIds: ['A1'] })
    expect(nextPair(row, a, s).state).toMatchObject({ status: 'unmatched', addressId: null, level: 'none', score: null })
  })
})

describe('stableJson', () => {
  it('ignores key order and undefined keys', () => {
    expect(stableJson({ b: 1, a: [{ y: 2, x: undefined }] })).toBe(stableJson({ a: [{ y: 2 }], b: 1 }))
  })
})
