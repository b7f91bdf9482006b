/**
 * The map as a user reads it (issue 21, "Map"), in a real headless Chromium (SwiftShader WebGL2)
 * against the real server on the `small` demo seed, the warning models run as of its end:
 * - a click on an H3 hexagon opens that cell with the count the hexagon is drawn with, not the
 *   village or town under it;
 * - several incidents at one address are one marker with their number on it, and the inspector
 *   lists each (time, category, status);
 * - with the period on last week, the hot-spot and warning layers say they are the current state
 *   (and which incidents the hot spots stand on), and indeed do not change with the period;
 * - nothing of the page shows a code of the API ("open", "none", "new_hot", "in_progress" …);
 * - on a phone, a tapped hexagon opens in a sheet that leaves the map and the panels readable.
 */
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { EMERGING_KINDS } from '../server/analytics/emerging.ts'
import { MatchLevelSchema } from '../server/geocode/schema.ts'
import { HazardCategorySchema, HazardSeveritySchema } from '../server/hazards/schema.ts'
import { HazardStatusSchema } from '../server/hazards/states.ts'
import { IncidentStatusSchema } from '../server/incidents/schema.ts'
import { TaskStatusSchema } from '../server/tasks/states.ts'
import type { TestServer } from '../server/testing/harness.ts'
import { WarningStatusSchema } from '../server/warnings/states.ts'
import type { IncidentFeature, IncidentPage } from './src/api/map-api.ts'
import { resolutionForZoom } from './src/map/cells.ts'
import { formatTime } from './src/ui/dom.ts'
import { launchBrowser, openWatchedPage, saveArtifact, type WatchedPage } from './test/browser.ts'

let server: TestServer
let url: string
let browser: Browser

/** Last week of the seeded data (it ends on 2026-11-01, TEST_SEED_END) and the month before. */
const LAST_WEEK = 'from=2026-10-25&to=2026-11-01'
const OCTOBER = 'from=2026-10-01&to=2026-11-01'

/** The three incidents this test reports at one address, with what the page must call their statuses. */
const AT_ONE_ADDRESS = [
  { incident_id: 'T21-STACK-1', reported_at: '2026-10-20T09:15:00+08:00', category: '0101', status: 'open', zh: '待处置' },
  { incident_id: 'T21-STACK-2', reported_at: '2026-10-27T21:40:00+08:00', category: '0401', status: 'in_progress', zh: '处置中' },
  { incident_id: 'T21-STACK-3', reported_at: '2026-10-30T13:05:00+08:00', category: '0205', status: 'cancelled', zh: '已撤销' },
] as const
let stackAddress: { address: string; lng: number; lat: number }

async function getJson<T>(path: string): Promise<T> {
  const res = await fetch(`${url}${path}`)
  expect(res.status, path).toBe(200)
  return (await res.json()) as T
}

async function post(path: string, body: unknown): Promise<Response> {
  return fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
}

/** Opens the map at `hash` and waits until every visible layer's data is in and drawn. */
async function open(p: WatchedPage, hash: string): Promise<void> {
  await p.page.goto(`${url}/${hash}`)
  await p.page.waitForFunction(() => window.__onemap !== undefined, null, { timeout: 60_000 })
  await p.page.evaluate(() => window.__onemap!.settled())
}

/** Waits for the page to have `selection` (kind:id) selected and the inspector to show it loaded. */
async function inspectorReady(p: WatchedPage, selection: string): Promise<string> {
  await p.page.waitForFunction(
    (sel) => {
      const s = window.__onemap?.state().selection
      const inspector = document.getElementById('inspector')
      const state = inspector?.dataset.state
      // The attributes say which selection is shown (older pages had none: then the title tells it has loaded).
      const shown = inspector?.dataset.selection === undefined || inspector.dataset.selection === sel
      return (
        s !== null &&
        s !== undefined &&
        `${s.kind}:${s.id}` === sel &&
        inspector !== null &&
        !inspector.hidden &&
        shown &&
        (state === undefined ? inspector.querySelector('.inspector__title') !== null : state === 'ready')
      )
    },
    selection,
    { timeout: 30_000 },
  )
  return (await p.page.locator('#inspector').textContent()) ?? ''
}

/**
 * The busiest hexagon whose centre is well inside the map (clear of the panels), with its page
 * point and the village under it (when villages are drawn at this zoom; `overVillage` asks for one).
 */
async function busiestHexagon(p: WatchedPage, margins: { left: number; right: number; top: number; bottom: number }, overVillage: boolean) {
  return p.page.evaluate(
    ({ m, overVillage }) => {
      const o = window.__onemap!
      const r = o.map.getCanvas().getBoundingClientRect()
      const villageAt = (x: number, y: number) => o.map.queryRenderedFeatures([x, y], { layers: ['village-hit'] })[0]?.properties.code
      const best = o
        .cells()
        .map((c) => ({ c, p: o.map.project(o.cellCentre(c.h3)) }))
        .filter(({ p }) => p.x > m.left && p.x < r.width - m.right && p.y > m.top && p.y < r.height - m.bottom)
        .filter(({ p }) => !overVillage || villageAt(p.x, p.y) !== undefined)
        .sort((a, b) => b.c.count - a.c.count)[0]
      if (!best) return null
      const village = villageAt(best.p.x, best.p.y)
      return {
        h3: best.c.h3,
        count: best.c.count,
        x: r.left + best.p.x,
        y: r.top + best.p.y,
        village: village === undefined ? null : String(village),
      }
    },
    { m: margins, overVillage },
  )
}

/** Every incident of a query, all pages. */
async function allIncidents(query: string): Promise<IncidentFeature[]> {
  const out: IncidentFeature[] = []
  let next: string | null = null
  do {
    const page: IncidentPage = await getJson<IncidentPage>(`/api/incidents?${query}&limit=10000${next ? `&cursor=${next}` : ''}`)
    out.push(...page.features)
    next = page.next
  } while (next)
  return out
}

beforeAll(async () => {
  const { startTestServer } = await import('../server/testing/harness.ts')
  server = await startTestServer({ seed: 'small' })
  url = server.url.replace(/\/$/, '')

  // A door address of the base with no incident within ~50 m, so its marker stands alone.
  const [row] = await server.db.sql<{ address: string; lng: number; lat: number }[]>`
    SELECT a.address, ST_X(a.geom) AS lng, ST_Y(a.geom) AS lat FROM addresses a
    WHERE a.address LIKE '%号' AND a.room IS NULL AND a.unit IS NULL AND a.building IS NULL
      AND NOT EXISTS (SELECT 1 FROM incidents i WHERE ST_DWithin(i.geom, a.geom, 0.0005))
      AND NOT EXISTS (SELECT 1 FROM addresses b WHERE b.address = a.address AND b.address_id <> a.address_id)
    ORDER BY a.address_id OFFSET 2000 LIMIT 1`
  stackAddress = row!
  // Reported the way a dispatch system sends them: the address text, no coordinates.
  const res = await post(
    '/api/incidents',
    AT_ONE_ADDRESS.map(({ zh: _zh, ...i }) => ({ ...i, address: stackAddress.address, source: '110' })),
  )
  expect(res.status).toBe(201)

  // The warning models, as of the seed's end: every kind of warning on the map.
  const models = await getJson<{ items: { id: string; configured?: boolean; definition: { enabled: boolean } }[] }>('/api/models')
  for (const m of models.items.filter((m) => m.definition.enabled && m.configured !== false)) {
    const run = await post(`/api/models/${m.id}/runs`, { asOf: '2026-11-01T00:00:00+08:00' })
    expect(run.status, m.id).toBe(202)
    const { id } = (await run.json()) as { id: string }
    for (let status = ''; !/^(done|failed)$/.test(status); await new Promise((ok) => setTimeout(ok, 500))) {
      status = (await getJson<{ status: string }>(`/api/model-runs/${id}`)).status
    }
  }
  browser = await launchBrowser()
}, 900_000)

afterAll(async () => {
  await browser?.close()
  await server?.close()
})

describe("the map, from the user's side", () => {
  it("a click on a hexagon shows that hexagon's count, not the village's; the cell links to its village to drill there", async () => {
    const p = await openWatchedPage(browser, { width: 1400, height: 900 })
    try {
      await open(p, `#l=h3&${LAST_WEEK}`)
      const hex = await busiestHexagon(p, { left: 280, right: 340, top: 40, bottom: 170 }, true)
      expect(hex, 'a hexagon over a village').not.toBeNull()
      await p.page.mouse.click(hex!.x, hex!.y)
      await expect.poll(() => p.page.evaluate(() => window.__onemap!.state().selection)).toEqual({ kind: 'cell', id: hex!.h3 })
      const text = await inspectorReady(p, `cell:${hex!.h3}`)
      // Not drilled anywhere: the same view, no area chosen, no area panel.
      expect(await p.page.evaluate(() => window.__onemap!.state().filters.area)).toBeNull()
      expect(await p.page.locator('#area-panel').isVisible()).toBe(false)
      expect(text).toContain(hex!.h3)

      // The count is the hexagon's, as GET /api/h3 counts it for that cell (not the village's).
      const h3res = resolutionForZoom(await p.page.evaluate(() => window.__onemap!.map.getZoom()))
      const { cells } = await getJson<{ cells: { h3: string; count: number }[] }>(
        `/api/h3?${LAST_WEEK}&res=${h3res}&bbox=120.0,29.8,120.8,30.5`,
      )
      const expected = cells.find((c) => c.h3 === hex!.h3)!.count
      expect(expected).toBe(hex!.count)
      expect(await p.page.locator('#cell-count').textContent()).toBe(String(expected))
      const village = await getJson<{ total: number }>(`/api/areas/${hex!.village}/stats?${LAST_WEEK}`)
      expect(village.total, 'the village under it counts differently').not.toBe(expected)
      saveArtifact('map21-cell.png', await p.page.screenshot())

      // Drilling stays one click away: the cell names its town › village › grid.
      const link = p.page.locator(`#inspector .cell-location button[data-code="${hex!.village}"]`)
      await link.click()
      await expect.poll(() => p.page.evaluate(() => window.__onemap!.state().filters.area)).toBe(hex!.village)
      expect(p.errors).toEqual([])
    } finally {
      await p.context.close()
    }
  })

  it('an address with 3 incidents shows 3 on one marker, and the inspector lists the 3 with time, category and status', async () => {
    // All three were placed at the address's point.
    const reported = await allIncidents(
      `${OCTOBER}&bbox=${[stackAddress.lng - 1e-4, stackAddress.lat - 1e-4, stackAddress.lng + 1e-4, stackAddress.lat + 1e-4].map((v) => v.toFixed(5)).join(',')}`,
    )
    const mine = reported.filter((f) => f.properties.incidentId.startsWith('T21-STACK-'))
    expect(mine.map((f) => f.geometry?.coordinates)).toEqual([0, 1, 2].map(() => [stackAddress.lng, stackAddress.lat]))

    const p = await openWatchedPage(browser, { width: 1400, height: 900 })
    try {
      await open(p, `#v=16.50/${stackAddress.lat.toFixed(5)}/${stackAddress.lng.toFixed(5)}&l=incidents&${OCTOBER}`)
      const marker = await p.page.evaluate(
        (ll) => {
          const map = window.__onemap!.map
          const q = map.project(ll)
          const r = map.getCanvas().getBoundingClientRect()
          const box: [[number, number], [number, number]] = [
            [q.x - 8, q.y - 8],
            [q.x + 8, q.y + 8],
          ]
          return {
            x: r.left + q.x,
            y: r.top + q.y,
            dots: map.queryRenderedFeatures(box, { layers: ['incident-point'] }).length,
            counts: map.queryRenderedFeatures(box, { layers: ['incident-stack-count'] }).map((f) => f.properties.stack),
          }
        },
        [stackAddress.lng, stackAddress.lat] as [number, number],
      )
      // One marker (the three are not drawn on top of each other), with the number 3 written on it.
      expect(marker.dots).toBe(1)
      expect(marker.counts).toEqual([3])
      saveArtifact('map21-stack.png', await p.page.screenshot())

      await p.page.mouse.click(marker.x, marker.y)
      const newest = mine.sort((a, b) => (a.properties.reportedAt < b.properties.reportedAt ? 1 : -1))
      const text = await inspectorReady(p, `incident:${newest[0]!.id}`)
      expect(text).toContain('此地点 3 起警情')
      const rows = p.page.locator('#incident-stack li')
      expect(await rows.count()).toBe(3)
      for (const [i, f] of newest.entries()) {
        const row = (await rows.nth(i).textContent()) ?? ''
        const given = AT_ONE_ADDRESS.find((a) => a.incident_id === f.properties.incidentId)!
        expect(row).toContain(formatTime(f.properties.reportedAt))
        expect(row).toContain(f.properties.categoryName)
        expect(row).toContain(given.zh)
      }
      saveArtifact('map21-stack-inspector.png', await p.page.screenshot())
      // Another of the three opens from the list; the list stays, that one marked.
      await rows.nth(2).locator('button').click()
      const other = await inspectorReady(p, `incident:${newest[2]!.id}`)
      expect(other).toContain(newest[2]!.properties.incidentId)
      expect(await p.page.locator('#incident-stack li').count()).toBe(3)
      expect(await p.page.locator('#incident-stack button[aria-current="true"]').getAttribute('data-id')).toBe(String(newest[2]!.id))
      // The period decides what the marker counts: the last week holds two of them.
      await p.page.evaluate(() => {
        location.hash = location.hash.replace('from=2026-10-01', 'from=2026-10-25')
      })
      await p.page.evaluate(() => window.__onemap!.settled())
      await expect
        .poll(
          () =>
            p.page.evaluate(
              (ll) => {
                const map = window.__onemap!.map
                const q = map.project(ll)
                return map
                  .queryRenderedFeatures(
                    [
                      [q.x - 8, q.y - 8],
                      [q.x + 8, q.y + 8],
                    ],
                    { layers: ['incident-stack-count'] },
                  )
                  .map((f) => f.properties.stack)
              },
              [stackAddress.lng, stackAddress.lat] as [number, number],
            ),
          { timeout: 15_000 },
        )
        .toEqual([2])
      expect(p.errors).toEqual([])
    } finally {
      await p.context.close()
    }
  })

  it('with the period on last week, the hot-spot and warning layers say they show the current state, and do not change with it', async () => {
    const models = await getJson<{
      items: {
        id: string
        lastLiveRun?: { dataFrom: string; dataTo: string } | null
        lastRun: { dataFrom: string; dataTo: string } | null
      }[]
    }>('/api/models')
    const hotspot = models.items.find((m) => m.id === 'hotspot')!
    const run = hotspot.lastLiveRun ?? hotspot.lastRun!
    const day = (iso: string) => new Date(Date.parse(iso) + 8 * 3_600_000).toISOString().slice(0, 10)
    const hotspotDays = `${day(run.dataFrom)} 至 ${day(new Date(Date.parse(run.dataTo) - 1).toISOString())}`
    expect(hotspotDays).toMatch(/^2026-\d\d-\d\d 至 2026-10-31$/) // up to the day before the run's as-of day

    const p = await openWatchedPage(browser, { width: 1400, height: 900 })
    try {
      await open(p, `#l=h3,hotspots,warnings&${LAST_WEEK}`)
      const row = (id: string) => p.page.locator(`#layers-panel [data-layer="${id}"]`)
      // The hexagons count the period…
      await expect.poll(() => row('h3').textContent()).toContain('随所选时段：2026-10-25 至 2026-10-31')
      // …hot spots and warnings are today's, and say it is not that week.
      for (const id of ['hotspots', 'warnings']) {
        const text = (await row(id).textContent()) ?? ''
        expect(text, id).toContain('当前状态')
        expect(text, id).toContain('不是所选时段 2026-10-25 至 2026-10-31')
        expect(await row(id).locator('.time-note--stressed').count(), id).toBe(1)
      }
      await expect.poll(() => row('hotspots').textContent()).toContain(hotspotDays)
      expect(await row('warnings').textContent()).toContain('现存未处置的预警')
      saveArtifact('map21-period.png', await p.page.screenshot())

      // What they say holds: the hot spots drawn are the open hot-spot warnings, the same whatever the period.
      const drawn = () =>
        p.page.evaluate(() =>
          [...new Set(window.__onemap!.map.queryRenderedFeatures({ layers: ['hotspot-fill'] }).map((f) => Number(f.properties.id)))].sort(
            (a, b) => a - b,
          ),
        )
      const lastWeek = await drawn()
      expect(lastWeek.length).toBeGreaterThan(0)
      const listed = await getJson<{ features: { id: number; properties: { modelId: string; status: string } }[] }>(
        '/api/warnings?limit=1000',
      )
      const openHotspots = new Set(
        listed.features
          .filter(
            (f) =>
              ['hotspot', 'emerging'].includes(f.properties.modelId) && ['new', 'acknowledged', 'tasked'].includes(f.properties.status),
          )
          .map((f) => f.id),
      )
      for (const id of lastWeek) expect(openHotspots.has(id), String(id)).toBe(true)
      await p.page.evaluate(() => {
        location.hash = location.hash.replace('from=2026-10-25', 'from=2026-09-01').replace('to=2026-11-01', 'to=2026-09-08')
      })
      await p.page.evaluate(() => window.__onemap!.settled())
      await expect.poll(() => row('h3').textContent()).toContain('随所选时段：2026-09-01 至 2026-09-07')
      expect(await drawn()).toEqual(lastWeek)

      // With a period reaching today the note is plain: the current state is that period's end.
      const today = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10)
      const tomorrow = new Date(Date.parse(`${today}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10)
      await p.page.evaluate((q) => {
        location.hash = location.hash.replace(/from=[\d-]+&to=[\d-]+/, q)
      }, `from=2026-10-01&to=${tomorrow}`)
      await expect.poll(() => row('warnings').textContent()).toContain('当前状态，不随所选时段变化')
      expect(await row('warnings').locator('.time-note--stressed').count()).toBe(0)
      expect(p.errors).toEqual([])
    } finally {
      await p.context.close()
    }
  })

  it('shows no code of the API anywhere in the Chinese page: statuses, levels, patterns and metric names are in words', async () => {
    // Every code the server may send the page, to catch whichever slips through as it is.
    const codes = new Set<string>([
      ...IncidentStatusSchema.options,
      ...WarningStatusSchema.options,
      ...TaskStatusSchema.options,
      ...HazardStatusSchema.options,
      ...HazardCategorySchema.options,
      ...HazardSeveritySchema.options,
      ...MatchLevelSchema.options,
      ...EMERGING_KINDS.flatMap((k) => [`${k}_hot`, `${k}_cold`]),
      'no_pattern',
      'red',
      'orange',
      'yellow',
    ])
    /** Words of Latin letters starting lower-case (codes and identifiers: `open`, `new_hot`, `daysOverdue`); digits make an id or a hex index. */
    const rawWords = (text: string) =>
      text.split(/[^A-Za-z0-9_]+/).filter((w) => /^[a-z][A-Za-z_]*$/.test(w) && (w.length > 1 || codes.has(w)))

    // What to open: the three incidents at one address (open, in progress, cancelled), a closed
    // one, a cell, one warning of every model, and a hazard and a task of every status there is.
    const mine = await allIncidents(
      `${OCTOBER}&bbox=${[stackAddress.lng - 1e-4, stackAddress.lat - 1e-4, stackAddress.lng + 1e-4, stackAddress.lat + 1e-4].map((v) => v.toFixed(5)).join(',')}`,
    )
    const closed = (await getJson<IncidentPage>(`/api/incidents?${OCTOBER}&limit=200`)).features.find(
      (f) => f.properties.status === 'closed',
    )!
    const warnings = (await getJson<{ features: { id: number; properties: { modelId: string } }[] }>('/api/warnings?limit=1000')).features
    const byModel = new Map<string, number>()
    for (const w of warnings) if (!byModel.has(w.properties.modelId)) byModel.set(w.properties.modelId, w.id)
    expect(byModel.size).toBeGreaterThanOrEqual(8)
    const hazards = (await getJson<{ features: { id: number; properties: { status: string } }[] }>('/api/hazards?limit=1000')).features
    const tasks = (await getJson<{ items: { id: number; status: string }[] }>('/api/tasks?limit=1000')).items
    const oneEach = <T>(items: T[], key: (t: T) => string) => [...new Map(items.map((i) => [key(i), i])).values()]
    const selections = [
      ...mine.map((f) => `incident:${f.id}`),
      `incident:${closed.id}`,
      ...[...byModel.values()].map((id) => `warning:${id}`),
      ...oneEach(hazards, (h) => h.properties.status).map((h) => `hazard:${h.id}`),
      ...oneEach(tasks, (t) => t.status).map((t) => `task:${t.id}`),
    ]

    const p = await openWatchedPage(browser, { width: 1400, height: 900 })
    try {
      const town = (await getJson<{ features: { properties: { code: string } }[] }>('/api/boundaries/town.geojson')).features[0]!.properties
        .code
      // Every layer on (each legend and time note), a town drilled into (its panel and indicators).
      await open(p, `#l=grid,h3,heat,incidents,hotspots,warnings,hazards,tasks&${LAST_WEEK}&a=${town}`)
      await p.page.locator('#area-panel').waitFor({ state: 'visible' })
      const cell = await p.page.evaluate(() => window.__onemap!.cells()[0]!.h3)
      // The search box's answer for a text matching nothing (the "none" level).
      await p.page.fill('#search-input', '火星路1号')
      await p.page.press('#search-input', 'Enter')
      await p.page.locator('#search-result').waitFor({ state: 'visible' })

      const found: string[] = []
      for (const s of [...selections, `cell:${cell}`]) {
        await p.page.evaluate((sel) => {
          location.hash = location.hash.replace(/&s=[^&]*/, '') + `&s=${sel}`
        }, s)
        await inspectorReady(p, s)
        const words = rawWords(await p.page.evaluate(() => document.body.innerText))
        if (words.length > 0) found.push(`${s}: ${[...new Set(words)].join(', ')}`)
      }
      saveArtifact('map21-chinese.png', await p.page.screenshot())
      expect(found).toEqual([])
      expect(p.errors).toEqual([])
    } finally {
      await p.context.close()
    }
  })

  it('on a phone, a tapped hexagon opens its cell in a sheet at the bottom, clear of the hexagon and of the layer panel', async () => {
    const context = await browser.newContext({
      viewport: { width: 390, height: 844 },
      deviceScaleFactor: 1,
      isMobile: true,
      hasTouch: true,
      locale: 'zh-CN',
      serviceWorkers: 'block',
    })
    const page = await context.newPage()
    const errors: string[] = []
    page.on('pageerror', (e) => errors.push(e.message))
    try {
      const p = { context, page, errors, requests: [], failures: [] } satisfies WatchedPage
      await open(p, `#l=h3&${LAST_WEEK}`)
      // A hexagon in the upper middle of the map, clear of the layer panel on the left.
      const hex = await busiestHexagon(p, { left: 185, right: 10, top: 20, bottom: 460 }, false)
      expect(hex, 'a hexagon in view').not.toBeNull()
      await page.touchscreen.tap(hex!.x, hex!.y)
      await inspectorReady(p, `cell:${hex!.h3}`)
      saveArtifact('map21-phone-cell.png', await page.screenshot())
      expect(await page.evaluate(() => window.__onemap!.state().filters.area)).toBeNull()
      const sheet = (await page.locator('#inspector').boundingBox())!
      const layers = (await page.locator('#layers-panel').boundingBox())!
      // Inside the screen, the whole width, below the tapped hexagon, and not under the layer panel.
      expect(sheet.x).toBeGreaterThanOrEqual(0)
      expect(sheet.x + sheet.width).toBeLessThanOrEqual(390)
      expect(sheet.width).toBeGreaterThan(300)
      expect(sheet.y + sheet.height).toBeLessThanOrEqual(844)
      expect(sheet.y).toBeGreaterThan(hex!.y)
      expect(layers.y + layers.height).toBeLessThanOrEqual(sheet.y)
      expect(await page.locator('#cell-count').textContent()).toBe(String(hex!.count))
      expect(errors).toEqual([])
    } finally {
      await context.close()
    }
  })
})
