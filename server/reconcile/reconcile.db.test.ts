import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { fromWgs84 } from '../geo/crs.ts'
import { loadFixtureBase } from '../geocode/fixtures/base.ts'
import { TEST_KIND } from '../testing/db.ts'
import { startTestServer, type TestServer } from '../testing/harness.ts'
import { REASON } from './rules.ts'
import { reconcileFile, type ReconcileSummary } from './run.ts'
import { type Pair, PairSchema, type PairStatus, ReviewPageSchema, RunsResponseSchema } from './schema.ts'

/** Degrees per metre at the fixture's latitude (as in fixtures/base.ts). */
const M_LNG = 1 / 96_388
const M_LAT = 1 / 110_854

type Line = [id: string, address: string, lng: number | string, lat: number | string, crs?: string]

describe(`reconciliation (${TEST_KIND})`, () => {
  let s: TestServer
  let dir: string
  let file: string
  let report: string
  /** Fixture addresses by id: text and WGS84 point. */
  const base = new Map<string, { address: string; lng: number; lat: number }>()
  const at = (id: string, east = 0, north = 0): [number, number] => {
    const a = base.get(id)!
    return [a.lng + east * M_LNG, a.lat + north * M_LAT]
  }
  /** A point on the way from 城厢 人民路12号 (t = 0) to 临浦 人民路12号 (t = 1), ~11 km apart. */
  const between = (t: number, east = 0): [number, number] => {
    const [a, b] = [base.get('F_CX_RM12')!, base.get('F_LP_RM12')!]
    return [a.lng + t * (b.lng - a.lng) + east * M_LNG, a.lat + t * (b.lat - a.lat)]
  }
  /** The other table: rows built from the fixture base, then bad lines. */
  let lines: Line[]

  const writeCsv = (rows: Line[]) => {
    const body = rows.map((r) =>
      [r[0], r[1], r[2], r[3], r[4] ?? ''].map((f) => (/[",\n]/.test(String(f)) ? `"${String(f).replace(/"/g, '""')}"` : f)).join(','),
    )
    fs.writeFileSync(file, `address_id,address,lng,lat,crs\n${body.join('\n')}\n`)
  }
  const run = () => reconcileFile(s.db, file, { source: 'police', reportPath: report, batchSize: 4 })
  const counts = (r: ReconcileSummary) => ({
    total: r.total,
    matched: r.matched,
    review: r.review,
    unmatched: r.unmatched,
    unchanged: r.unchanged,
    rejected: r.rejected,
  })
  const pairs = async () => {
    const page = ReviewPageSchema.parse(await (await get('/api/reconcile/review?source=police&status=matched&limit=500')).json())
    const all: Pair[] = [...page.items]
    for (const st of ['review', 'accepted', 'rejected', 'unmatched'] as const) {
      all.push(...ReviewPageSchema.parse(await (await get(`/api/reconcile/review?source=police&status=${st}&limit=500`)).json()).items)
    }
    return new Map(all.map((p) => [p.otherId, p]))
  }
  const get = (p: string) => fetch(`${s.url}${p}`)
  const post = (p: string, body: unknown) =>
    fetch(`${s.url}${p}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-user': 'reviewer-li' },
      body: JSON.stringify(body),
    })
  const decide = async (id: number, body: unknown) => {
    const res = await post(`/api/reconcile/review/${id}`, body)
    return { status: res.status, body: (await res.json()) as unknown }
  }

  beforeAll(async () => {
    s = await startTestServer({ seed: 'boundaries', web: false })
    await loadFixtureBase(s.db.sql)
    const rows = await s.db.sql<{ address_id: string; address: string; lng: number; lat: number }[]>`
      SELECT address_id, address, ST_X(geom) AS lng, ST_Y(geom) AS lat FROM addresses WHERE source = 'fixture'`
    for (const r of rows) base.set(r.address_id, r)
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reconcile-test-'))
    file = path.join(dir, 'police.csv')
    report = path.join(dir, 'police.rejects.csv')
    const gcj = fromWgs84(...at('F_JC_1', 40), 'gcj02')
    lines = [
      ['P_ROOM', base.get('F_R3_2_501')!.address, ...at('F_R3_2_501')],
      ['P_B3', base.get('F_B3')!.address, ...at('F_B3')],
      ['P_DOOR', base.get('F_JC_440')!.address, ...at('F_JC_440', 5)],
      ['P_MAGU', '戴村镇马谷村1组2号', ...at('F_MAGU_1_2')],
      // An Amap (GCJ-02) point 40 m east of the door.
      ['P_GCJ', '北干街道金城路1号', gcj[0], gcj[1], 'gcj02'],
      // The right door, but the point is 300 m away.
      ['P_FAR', base.get('F_JC_21')!.address, ...at('F_JC_21', 0, 300)],
      // 人民路12号 is in two towns; a point kilometres from both only leans towards one.
      ['P_AMBIG', '人民路12号', ...between(0.6)],
      ['P_AMBIG2', '人民路12号', ...between(0.4)],
      // A door the base lacks: only the road.
      ['P_ROAD', '北干街道金城路439号', ...at('F_JC_440')],
      ['P_NONSENSE', '随便写的一些字', ...at('F_GATE')],
      ['P_OUTSIDE', '杭州市滨江区江南大道100号', 120.21, 30.2],
      // Bad lines (14-18).
      ['P_EMPTY', '', ...at('F_GATE')],
      ['P_BADLNG', '北干街道金城路2号', 'abc', 30.16],
      ['P_ROOM', '北干街道金城路2号', ...at('F_JC_2')],
      ['P_CRS', '北干街道金城路2号', ...at('F_JC_2'), 'mars'],
    ]
    writeCsv(lines)
    // A record with too few fields, as line 17.
    fs.appendFileSync(file, 'P_SHORT,北干街道金城路2号\n')
  })
  afterAll(async () => {
    await s?.close()
    if (dir) fs.rmSync(dir, { recursive: true, force: true })
  })

  it('matches exact rows, reviews doubtful ones, leaves nonsense unmatched', async () => {
    const r = await run()
    expect(counts(r)).toEqual({ total: 16, matched: 5, review: 4, unmatched: 2, unchanged: 0, rejected: 5 })
    expect(r.queue).toEqual({ matched: 5, review: 4, accepted: 0, rejected: 0, unmatched: 2 })
    const p = await pairs()
    const summary = (id: string) => {
      const x = p.get(id)!
      return [x.status, x.proposed?.level ?? 'none', x.proposed?.addressId ?? null]
    }
    expect(summary('P_ROOM')).toEqual(['matched', 'room', 'F_R3_2_501'])
    expect(summary('P_B3')).toEqual(['matched', 'building', 'F_B3'])
    expect(summary('P_DOOR')).toEqual(['matched', 'door', 'F_JC_440'])
    expect(summary('P_MAGU')).toEqual(['matched', 'door', 'F_MAGU_1_2'])
    expect(summary('P_GCJ')).toEqual(['matched', 'door', 'F_JC_1'])
    expect(summary('P_FAR')).toEqual(['review', 'door', 'F_JC_21'])
    expect(summary('P_AMBIG')).toEqual(['review', 'door', 'F_LP_RM12'])
    expect(summary('P_AMBIG2')).toEqual(['review', 'door', 'F_CX_RM12'])
    expect(summary('P_ROAD')).toEqual(['review', 'road', null])
    expect(summary('P_NONSENSE')).toEqual(['unmatched', 'none', null])
    expect(summary('P_OUTSIDE')).toEqual(['unmatched', 'none', null])
    expect(p.get('P_ROOM')!.proposed).toMatchObject({ score: 1, distanceM: 0 })
    expect(p.get('P_DOOR')!.proposed!.distanceM).toBeCloseTo(5, 0)
    expect(p.get('P_ROOM')!.reason).toBeNull()
  })

  it('converts a GCJ-02 point before measuring the distance', async () => {
    const p = (await pairs()).get('P_GCJ')!
    expect(p.proposed!.distanceM).toBeGreaterThan(39)
    expect(p.proposed!.distanceM).toBeLessThan(41)
    // The other row's point is stored in WGS84: 40 m east of the door, not ~500 m off.
    const [lng, lat] = at('F_JC_1', 40)
    expect(p.other.lng).toBeCloseTo(lng, 6)
    expect(p.other.lat).toBeCloseTo(lat, 6)
  })

  it('says in plain words why a pair needs review', async () => {
    const p = await pairs()
    const far = p.get('P_FAR')!.proposed!.distanceM!
    expect(far).toBeGreaterThan(295)
    expect(far).toBeLessThan(305)
    expect(p.get('P_FAR')!.reason).toBe(`门牌级匹配，坐标相距 ${Math.round(far)} 米`)
    expect(p.get('P_AMBIG')!.reason).toMatch(/^匹配分 0\.\d+ < 0\.9；门牌级匹配，坐标相距 4\d{3} 米；多个候选（另有 1 个同级地址）$/)
    expect(p.get('P_AMBIG')!.candidates.map((c) => c.addressId)).toEqual(expect.arrayContaining(['F_LP_RM12', 'F_CX_RM12']))
    expect(p.get('P_ROAD')!.reason).toMatch(/^仅匹配到道路级/)
    expect(p.get('P_NONSENSE')!.reason).toBe(REASON.unmatched)
    expect(p.get('P_NONSENSE')!.proposed).toBeNull()
  })

  it('reports bad lines with line, id and reason, and still processes the good ones', () => {
    const text = fs.readFileSync(report, 'utf8').trim().split('\n')
    expect(text[0]).toBe('line,address_id,reason')
    const rows = text.slice(1).map((l) => l.split(','))
    expect(rows.map((r) => [r[0], r[1]])).toEqual([
      ['13', 'P_EMPTY'],
      ['14', 'P_BADLNG'],
      ['15', 'P_ROOM'],
      ['16', 'P_CRS'],
      ['17', 'P_SHORT'],
    ])
    expect(text[1]).toContain('empty address')
    expect(text[2]).toContain('lng is not a number')
    expect(text[3]).toContain('duplicate address_id (first on line 2)')
    expect(text[4]).toContain('unknown crs')
    expect(text[5]).toContain('expected 5 fields, found 2')
  })

  it('changes nothing when the same file runs again', async () => {
    const before = await pairs()
    const r = await run()
    expect(counts(r)).toEqual({ total: 16, matched: 0, review: 0, unmatched: 0, unchanged: 11, rejected: 5 })
    const after = await pairs()
    for (const [id, p] of before) expect(after.get(id)).toEqual(p)
  })

  describe('review API', () => {
    it('pages the queue with a cursor, each pair exactly once', async () => {
      const seen: number[] = []
      let cursor: string | null = null
      let pages = 0
      do {
        const res = await get(`/api/reconcile/review?source=police&status=matched&limit=2${cursor ? `&cursor=${cursor}` : ''}`)
        expect(res.status).toBe(200)
        const page = ReviewPageSchema.parse(await res.json())
        expect(page.total).toBe(5)
        seen.push(...page.items.map((i) => i.id))
        cursor = page.next
        pages++
      } while (cursor)
      expect(pages).toBe(3)
      expect(new Set(seen).size).toBe(5)
      expect(seen).toEqual([...seen].sort((a, b) => a - b))
    })

    it('keeps paging right while pairs are decided in between', async () => {
      const first = ReviewPageSchema.parse(await (await get('/api/reconcile/review?limit=1')).json())
      expect(first.total).toBe(4)
      expect(first.items[0]).toMatchObject({ status: 'review', source: 'police' })
      const item = first.items[0]!
      // Every item carries the other row, the proposal and the candidates.
      expect(Object.keys(item).sort()).toEqual(Object.keys(PairSchema.shape).sort())
      expect(item.proposed).not.toBeNull()
      expect(item.candidates.length).toBeGreaterThan(0)
      const seen = [item.id]
      let cursor = first.next
      while (cursor) {
        const page = ReviewPageSchema.parse(await (await get(`/api/reconcile/review?limit=1&cursor=${cursor}`)).json())
        seen.push(...page.items.map((i) => i.id))
        cursor = page.next
      }
      expect(new Set(seen).size).toBe(4)
    })

    it.each([
      ['/api/reconcile/review?status=done', 'query.status'],
      ['/api/reconcile/review?limit=0', 'query.limit'],
      ['/api/reconcile/review?limit=501', 'query.limit'],
      ['/api/reconcile/review?limit=ten', 'query.limit'],
      ['/api/reconcile/review?cursor=abc', 'query.cursor'],
      ['/api/reconcile/review?source=', 'query.source'],
      ['/api/reconcile/runs?limit=-1', 'query.limit'],
    ])('GET %s → 400 naming %s', async (url, where) => {
      const res = await get(url)
      expect(res.status).toBe(400)
      const body = (await res.json()) as { details: { where: string }[] }
      expect(body.details.map((d) => d.where)).toContain(where)
    })

    it.each([
      ['no decision', {}, 'body.decision'],
      ['an unknown decision', { decision: 'maybe' }, 'body.decision'],
      ['addressId with reject', { decision: 'reject', addressId: 'F_GATE' }, 'body.addressId'],
      ['an empty addressId', { decision: 'accept', addressId: '' }, 'body.addressId'],
      ['a number for a note', { decision: 'accept', note: 5 }, 'body.note'],
      ['an address not in the base', { decision: 'accept', addressId: 'NO_SUCH' }, 'body.addressId'],
    ])('POST with %s → 400 naming %s', async (_label, body, where) => {
      const id = (await pairs()).get('P_ROAD')!.id
      const res = await decide(id, body)
      expect(res.status).toBe(400)
      expect((res.body as { details: { where: string }[] }).details.map((d) => d.where)).toContain(where)
    })

    it('POST to a bad or unknown id → 400 / 404', async () => {
      const bad = await decide(Number.NaN, { decision: 'accept' })
      expect(bad.status).toBe(400)
      expect((bad.body as { details: { where: string }[] }).details.map((d) => d.where)).toContain('params.id')
      expect((await decide(99_999_999, { decision: 'accept' })).status).toBe(404)
    })

    it('refuses decisions with nothing to decide on (409)', async () => {
      const p = await pairs()
      expect((await decide(p.get('P_ROAD')!.id, { decision: 'accept' })).status).toBe(409)
      expect((await decide(p.get('P_NONSENSE')!.id, { decision: 'reject' })).status).toBe(409)
    })

    it('accepts a place over 500 m from the row only with a note saying why (400 naming body.note)', async () => {
      const pair = (await pairs()).get('P_ROAD')!
      const [far] = await s.db.sql<{ address_id: string; m: number }[]>`
        SELECT address_id, ST_DistanceSphere(geom, ST_SetSRID(ST_Point(${pair.other.lng}, ${pair.other.lat}), 4326)) AS m
        FROM addresses ORDER BY m DESC LIMIT 1`
      expect(far!.m).toBeGreaterThan(600)
      const bare = await decide(pair.id, { decision: 'accept', addressId: far!.address_id })
      expect(bare.status).toBe(400)
      expect(bare.body).toMatchObject({ details: [{ where: 'body.note' }] })
      expect((await pairs()).get('P_ROAD')!.status).toBe(pair.status)
    })

    it('accepts the proposal, another candidate or any base address; rejects a proposal', async () => {
      const p = await pairs()
      const far = await decide(p.get('P_FAR')!.id, { decision: 'accept', note: '现场核实，坐标为派出所录入位置' })
      expect(far.status).toBe(200)
      expect(PairSchema.parse(far.body)).toMatchObject({
        status: 'accepted',
        proposed: { addressId: 'F_JC_21', level: 'door' },
        note: '现场核实，坐标为派出所录入位置',
        decidedBy: 'reviewer-li',
      })
      // 6.5 km from the police point: another place of the same name, so the reviewer says why.
      const otherRes = await decide(p.get('P_AMBIG2')!.id, { decision: 'accept', addressId: 'F_LP_RM12', note: '同名地址，现场核实为此处' })
      const other = PairSchema.parse(otherRes.body)
      const cand = p.get('P_AMBIG2')!.candidates.find((c) => c.addressId === 'F_LP_RM12')!
      expect(other).toMatchObject({
        status: 'accepted',
        proposed: { addressId: 'F_LP_RM12', level: 'door', score: cand.score, distanceM: cand.distanceM },
      })
      const road = PairSchema.parse((await decide(p.get('P_ROAD')!.id, { decision: 'accept', addressId: 'F_JC_440' })).body)
      expect(road).toMatchObject({ status: 'accepted', proposed: { addressId: 'F_JC_440', level: 'door', score: null, distanceM: 0 } })
      const ambig = PairSchema.parse((await decide(p.get('P_AMBIG')!.id, { decision: 'reject' })).body)
      expect(ambig).toMatchObject({ status: 'rejected', rejectedIds: ['F_LP_RM12'] })
      expect(ambig.candidates.map((c) => c.addressId)).not.toContain('F_LP_RM12')
      expect(ReviewPageSchema.parse(await (await get('/api/reconcile/review')).json()).total).toBe(0)
    })

    it('respects decisions on the next run', async () => {
      const r = await run()
      expect(counts(r)).toEqual({ total: 16, matched: 0, review: 0, unmatched: 0, unchanged: 11, rejected: 5 })
      expect(r.queue).toEqual({ matched: 5, review: 0, accepted: 3, rejected: 1, unmatched: 2 })
      const p = await pairs()
      expect(p.get('P_FAR')).toMatchObject({ status: 'accepted', proposed: { addressId: 'F_JC_21' } })
      expect(p.get('P_AMBIG2')).toMatchObject({ status: 'accepted', proposed: { addressId: 'F_LP_RM12' } })
      expect(p.get('P_ROAD')).toMatchObject({ status: 'accepted', proposed: { addressId: 'F_JC_440' } })
      expect(p.get('P_AMBIG')).toMatchObject({ status: 'rejected', rejectedIds: ['F_LP_RM12'] })
    })

    it('sends changed rows a person decided on back to review, never re-proposing a rejected address', async () => {
      const moved = lines.map((l): Line => {
        if (l[0] === 'P_FAR') return [l[0], l[1], ...at('F_JC_21', 0, 250)]
        if (l[0] === 'P_AMBIG') return [l[0], l[1], ...between(0.6, 5)]
        return l
      })
      writeCsv(moved)
      fs.appendFileSync(file, 'P_SHORT,北干街道金城路2号\n')
      const r = await run()
      expect(counts(r)).toEqual({ total: 16, matched: 0, review: 2, unmatched: 0, unchanged: 9, rejected: 5 })
      const p = await pairs()
      const far = p.get('P_FAR')!
      expect(far).toMatchObject({ status: 'review', proposed: { addressId: 'F_JC_21' } })
      expect(far.reason).toBe(`${REASON.changed}；门牌级匹配，坐标相距 ${Math.round(far.proposed!.distanceM!)} 米`)
      const ambig = p.get('P_AMBIG')!
      expect(ambig.status).toBe('review')
      expect(ambig.reason).toMatch(new RegExp(`^${REASON.changed}；${REASON.skippedRejected}`))
      expect(ambig.proposed!.addressId).toBe('F_CX_RM12')
      expect(ambig.candidates.map((c) => c.addressId)).not.toContain('F_LP_RM12')
      expect(ambig.rejectedIds).toEqual(['F_LP_RM12'])
      // Their last decision is still on record.
      expect(ambig.decidedAt).not.toBeNull()

      // Once more: they stay in review (no quiet auto-match), nothing is written.
      const again = await run()
      expect(counts(again)).toEqual({ total: 16, matched: 0, review: 0, unmatched: 0, unchanged: 11, rejected: 5 })
    })

    it('GET /api/reconcile/runs lists runs with their counts, newest first', async () => {
      const res = await get('/api/reconcile/runs?source=police')
      expect(res.status).toBe(200)
      const { items } = RunsResponseSchema.parse(await res.json())
      expect(items.map((r) => r.status)).toEqual(['done', 'done', 'done', 'done', 'done'])
      expect(items.map((r) => r.id)).toEqual([...items.map((r) => r.id)].sort((a, b) => b - a))
      expect(items.at(-1)).toMatchObject({
        total: 16,
        matched: 5,
        review: 4,
        unmatched: 2,
        unchanged: 0,
        rejected: 5,
        file,
        reportPath: report,
      })
      expect(items[0]).toMatchObject({ unchanged: 11, source: 'police' })
      expect(items[0]!.finishedAt).not.toBeNull()
    })

    it('GET /api/reconcile/runs shows a run whose process died (no heartbeat for 3 minutes) as failed', async () => {
      const [row] = await s.db.sql<{ id: string }[]>`
        INSERT INTO reconcile_runs (source, file, heartbeat_at) VALUES ('crashed', 'crashed.csv', now() - interval '4 minutes') RETURNING id`
      const { items } = RunsResponseSchema.parse(await (await get('/api/reconcile/runs?source=crashed')).json())
      expect(items).toHaveLength(1)
      expect(items[0]).toMatchObject({ id: Number(row!.id), status: 'failed' })
      expect(items[0]!.message).toMatch(/^interrupted: the process running it stopped/)
    })
  })

  it('refuses a file without the required columns before writing anything', async () => {
    const bad = path.join(dir, 'bad.csv')
    fs.writeFileSync(bad, 'id,address\nX,金城路1号\n')
    await expect(reconcileFile(s.db, bad, { reportPath: null })).rejects.toThrow(/missing required columns "address_id", "lng", "lat"/)
    const statuses = await s.db.sql<{ status: PairStatus }[]>`SELECT status FROM reconcile_pairs WHERE source = 'bad.csv'`
    expect(statuses).toEqual([])
    const [failed] = await s.db.sql<
      { status: string; message: string }[]
    >`SELECT status, message FROM reconcile_runs WHERE source = 'bad.csv'`
    expect(failed).toMatchObject({ status: 'failed' })
  })
})
