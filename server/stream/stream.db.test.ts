import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { TEST_KIND } from '../testing/db.ts'
import { startTestServer, type TestServer } from '../testing/harness.ts'

interface Event {
  id: string
  event: string
  data: { properties: { incidentId: string } }
}

/** Reads SSE events from a fetch response until `count` arrived or `ms` passed. */
async function readEvents(res: Response, count: number, ms: number): Promise<Event[]> {
  const reader = res.body!.getReader()
  const decoder = new TextDecoder()
  const events: Event[] = []
  let buffer = ''
  const deadline = Date.now() + ms
  while (events.length < count && Date.now() < deadline) {
    const chunk = await Promise.race([reader.read(), new Promise<null>((r) => setTimeout(() => r(null), deadline - Date.now()))])
    if (!chunk || chunk.done) break
    buffer += decoder.decode(chunk.value, { stream: true })
    let end: number
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end)
      buffer = buffer.slice(end + 2)
      const fields = Object.fromEntries(block.split('\n').filter((l) => !l.startsWith(':') && l.includes(':')).map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 1).trim()]))
      if (fields.data) events.push({ id: fields.id!, event: fields.event!, data: JSON.parse(fields.data) })
    }
  }
  await reader.cancel()
  return events
}

describe(`live stream (${TEST_KIND})`, () => {
  let s: TestServer
  beforeAll(async () => {
    s = await startTestServer({ seed: 'none', web: false })
  })
  afterAll(async () => {
    await s?.close()
  })
  const insert = (id: string) =>
    s.db.sql`INSERT INTO incidents (incident_id, reported_at, category_code, address) VALUES (${id}, now(), '0101', '金城路440号')`

  it('pushes a new incident within a second, with an event id', async () => {
    const res = await fetch(`${s.url}/api/stream`)
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/)
    await new Promise((r) => setTimeout(r, 100))
    const t0 = Date.now()
    await insert('S1')
    const [e] = await readEvents(res, 1, 3_000)
    expect(Date.now() - t0).toBeLessThan(1_500)
    expect(e).toMatchObject({ event: 'incident', data: { properties: { incidentId: 'S1' } } })
    expect(e!.id).toMatch(/^\d+$/)
  })

  it('resumes after Last-Event-ID with exactly what was missed, changes included', async () => {
    const first = await fetch(`${s.url}/api/stream`)
    await new Promise((r) => setTimeout(r, 100))
    await insert('S2')
    const [seen] = await readEvents(first, 1, 3_000)
    expect(seen!.data.properties.incidentId).toBe('S2')
    // Disconnected: two new incidents and a change to S1 happen meanwhile.
    await insert('S3')
    await s.db.sql`UPDATE incidents SET status = 'closed' WHERE incident_id = 'S1'`
    await insert('S4')
    const again = await fetch(`${s.url}/api/stream`, { headers: { 'Last-Event-ID': seen!.id } })
    const missed = await readEvents(again, 3, 3_000)
    expect(missed.map((e) => e.data.properties.incidentId)).toEqual(['S3', 'S1', 'S4'])
    expect(missed.map((e) => BigInt(e.id))).toEqual([...missed.map((e) => BigInt(e.id))].sort((a, b) => (a < b ? -1 : 1)))
    expect(BigInt(missed[0]!.id)).toBeGreaterThan(BigInt(seen!.id))
  })

  it('rejects a malformed Last-Event-ID with 400', async () => {
    const res = await fetch(`${s.url}/api/stream`, { headers: { 'Last-Event-ID': 'abc' } })
    expect(res.status).toBe(400)
  })
})
