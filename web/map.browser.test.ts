/**
 * The district map page in a real (headless, software-WebGL) Chromium against the real server,
 * seeded with the `small` demo data: it loads, draws boundaries and Chinese labels from local
 * fonts, asks nothing of any host but 127.0.0.1, switches layers, drills down, searches, exports
 * what the API counts, and keeps its whole state in the URL.
 *
 * Set ONEMAP_TEST_URL to run it against a server that is already running instead (then the
 * database-backed checks read through the API only).
 */
import type { MultiPolygon, Position } from 'geojson'
import type { GeoJSONSource } from 'maplibre-gl'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import type { AreaDetail, GeocodeResponse, IncidentPage } from './src/api/map-api.ts'
import type { BoundaryCollection, LabelCollection } from './src/api/types.ts'
import { COLORS, LABEL_LAYERS, LAYERS } from './src/map/style.ts'
import {
  countDifferentPixels,
  decodePng,
  isLocalUrl,
  launchBrowser,
  linkedVertexShaders,
  luminance,
  openWatchedPage,
  pixelAt,
  type RgbaImage,
  saveArtifact,
  type WatchedPage,
} from './test/browser.ts'

interface Server {
  url: string
  /** A real address of the address base (for the search test). */
  address: string | null
  close(): Promise<void>
}

type LngLat = [number, number]
type Px = { x: number; y: number }

let server: Server
let browser: Browser
let w: WatchedPage
let towns: BoundaryCollection
let townLabels: LabelCollection

async function startServer(): Promise<Server> {
  const external = process.env.ONEMAP_TEST_URL
  if (external) return { url: external.replace(/\/$/, ''), address: null, close: async () => {} }
  const { startTestServer } = await import('../server/testing/harness.ts')
  const s = await startTestServer({ seed: 'small' })
  // A door-level address in the middle of the list: a real row of the unified address base.
  const [row] = await s.db.sql<
    { address: string }[]
  >`SELECT address FROM addresses WHERE address LIKE '%号' ORDER BY address_id OFFSET 500 LIMIT 1`
  return { url: s.url.replace(/\/$/, ''), address: row?.address ?? null, close: () => s.close() }
}

async function getJson<T>(path: string): Promise<T> {
  const res = await fetch(`${server.url}${path}`)
  expect(res.status, path).toBe(200)
  return (await res.json()) as T
}

const key = ([x, y]: Position) => `${x!.toFixed(7)},${y!.toFixed(7)}`

/**
 * A point on an edge two towns share (the midpoint of a segment found in both towns' rings),
 * with the two towns' codes; the most central such edge, so it is well inside the view.
 */
function findSharedEdge(fc: BoundaryCollection, centre: LngLat): { point: LngLat; codes: [string, string] } {
  const owners = new Map<string, { code: string; a: Position; b: Position }>()
  let best: { point: LngLat; codes: [string, string]; d: number } | null = null
  for (const f of fc.features) {
    const code = f.properties.code
    const polygons: MultiPolygon['coordinates'] = f.geometry.coordinates
    for (const polygon of polygons) {
      for (const ring of polygon) {
        for (let i = 0; i + 1 < ring.length; i++) {
          const a = ring[i]!
          const b = ring[i + 1]!
          const k = [key(a), key(b)].sort().join('|')
          const other = owners.get(k)
          if (!other) {
            owners.set(k, { code, a, b })
            continue
          }
          if (other.code === code) continue
          const point: LngLat = [(a[0]! + b[0]!) / 2, (a[1]! + b[1]!) / 2]
          const d = Math.hypot(point[0] - centre[0], point[1] - centre[1])
          if (!best || d < best.d) best = { point, codes: [other.code, code], d }
        }
      }
    }
  }
  if (best) return best
  // No segment in common (edges split differently on each side): settle for a shared vertex.
  const vertexOwner = new Map<string, string>()
  for (const f of fc.features) {
    for (const polygon of f.geometry.coordinates) {
      for (const ring of polygon) {
        for (const v of ring) {
          const k = `${v[0]!.toFixed(6)},${v[1]!.toFixed(6)}`
          const other = vertexOwner.get(k)
          if (other === undefined) vertexOwner.set(k, f.properties.code)
          else if (other !== f.properties.code) {
            const point: LngLat = [v[0]!, v[1]!]
            const d = Math.hypot(point[0] - centre[0], point[1] - centre[1])
            if (!best || d < best.d) best = { point, codes: [other, f.properties.code], d }
          }
        }
      }
    }
  }
  if (!best) throw new Error('no two towns share an edge in /api/boundaries/town.geojson')
  return best
}

/** Page (screenshot) coordinates of a map coordinate. */
async function project(lngLat: LngLat): Promise<Px> {
  return w.page.evaluate((ll) => {
    const map = window.__onemap!.map
    const p = map.project(ll)
    const r = map.getCanvas().getBoundingClientRect()
    return { x: r.left + p.x, y: r.top + p.y }
  }, lngLat)
}

async function waitIdle(): Promise<void> {
  await w.page.evaluate(
    () =>
      new Promise<void>((resolve) => {
        const map = window.__onemap!.map
        map.once('idle', () => resolve())
        map.triggerRepaint()
      }),
  )
}

async function screenshot(): Promise<{ png: Buffer; img: RgbaImage }> {
  const png = await w.page.screenshot({ type: 'png' })
  return { png, img: decodePng(png) }
}

/** Squared RGB distance between two colours. */
const dist = (a: readonly number[], b: readonly number[]) => Math.hypot(a[0]! - b[0]!, a[1]! - b[1]!, a[2]! - b[2]!)
const hexRgb = (hex: string) => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16))

/** The period the tests look at: the seeded data ends on 2026-11-01 (TEST_SEED_END). */
const PERIOD = 'from=2026-10-01&to=2026-11-01'

/** Opens the page at `hash` and waits until every visible layer's data is in and drawn. */
async function open(page: WatchedPage, hash: string): Promise<void> {
  await page.page.goto(`${server.url}/${hash}`)
  await page.page.waitForFunction(() => window.__onemap !== undefined, null, { timeout: 60_000 })
  await page.page.evaluate(() => window.__onemap!.settled())
}

async function settled(): Promise<void> {
  await w.page.evaluate(() => window.__onemap!.settled())
}

/** The URL hash's parameters. */
async function hashParams(): Promise<Record<string, string>> {
  const hash = await w.page.evaluate(() => location.hash)
  return Object.fromEntries(
    hash
      .slice(1)
      .split('&')
      .map((p) => [p.slice(0, p.indexOf('=')), p.slice(p.indexOf('=') + 1)]),
  )
}

/**
 * Console errors other than the ones for GET /api/indicators answering 404: that route is being
 * written now, and until it lands the area panel says "no indicators yet".
 */
function unexpectedErrors(p: WatchedPage): string[] {
  let allowed = p.failures.filter((f) => /\/api\/indicators.*HTTP 404/.test(f)).length
  return p.errors.filter((e) => !(/status of 404/.test(e) && allowed-- > 0))
}

beforeAll(async () => {
  server = await startServer()
  expect(new URL(server.url).hostname).toBe('127.0.0.1')
  towns = await getJson<BoundaryCollection>('/api/boundaries/town.geojson')
  townLabels = await getJson<LabelCollection>('/api/boundaries/town/labels.geojson')
  browser = await launchBrowser()
  w = await openWatchedPage(browser)
  // Boundaries only first (`l=` switches every data layer off), over a month of seeded data.
  await open(w, `#l=&${PERIOD}`)
})

afterAll(async () => {
  await browser?.close()
  await server?.close()
})

describe('district map page', () => {
  it('loads the boundaries (GeoJSON and our vector tiles) with WebGL2 and no console errors', async () => {
    expect(w.errors).toEqual([])
    expect(w.failures).toEqual([])
    const state = await w.page.evaluate(async () => {
      const map = window.__onemap!.map
      const counts: Record<string, number> = {}
      for (const id of ['district', 'town', 'town-labels']) {
        const data = await map.getSource<GeoJSONSource>(id)!.getData()
        counts[id] = data.type === 'FeatureCollection' ? data.features.length : 0
      }
      counts.villages = map.queryRenderedFeatures({ layers: ['village-hit'] }).length
      return {
        webgl2: map.getCanvas().getContext('webgl2') !== null,
        counts,
        zoom: map.getZoom(),
        title: document.getElementById('app-title')!.textContent,
      }
    })
    expect(state.webgl2).toBe(true)
    for (const [id, n] of Object.entries(state.counts)) expect(n, id).toBeGreaterThan(0)
    expect(state.zoom).toBeGreaterThanOrEqual(8)
    expect(state.title).toMatch(/^平安一张图 · .+区$/)
    expect(towns.features.length).toBeGreaterThan(1)
    expect(w.requests.some((u) => /\/tiles\/villages,grids,microgrids\/\d+\/\d+\/\d+\.mvt/.test(u))).toBe(true)

    const { png } = await screenshot()
    saveArtifact('map-boundaries.png', png)
  })

  it('links no sky program: the style has no sky, so MapLibre must not draw its transparent one', async () => {
    const shaders = await linkedVertexShaders(w.page)
    expect(shaders.filter((src) => src.includes('projectTile')).length).toBeGreaterThan(0) // MapLibre's programs are seen
    expect(shaders.filter((src) => src.includes('v_view_direction'))).toEqual([]) // the sky's vertex shader
  })

  it("opens with every layer on linking few shader programs: deck.gl's only for the hexagons", async () => {
    const page = await openWatchedPage(browser)
    try {
      await open(page, `#l=grid,h3,heat,incidents,hotspots,warnings,hazards,tasks&${PERIOD}`)
      const shaders = await linkedVertexShaders(page.page)
      const deck = shaders.map((src) => /#define SHADER_NAME (\S+)/.exec(src)?.[1]).filter((name) => name !== undefined)
      // Each program is compiled before its first frame, 0.1–0.5 s apiece under software WebGL:
      // MapLibre's clipping, fill, line, circle (every circle layer shares it), heatmap (two) and
      // text programs, and deck.gl's polygons (the hexagons).
      expect(deck).toEqual(['solid-polygon-layer-vertex-shader'])
      expect(shaders.filter((src) => src.includes('u_extrude_scale') && src.includes('weight')).length).toBe(1) // MapLibre's heatmap
      expect(shaders.length).toBeLessThanOrEqual(8)
      // The hexagons are interleaved: their group stands right before the heatmap in MapLibre's
      // order, under the boundaries, labels and clusters (not drawn over them after the frame).
      const before = await page.page.evaluate(() => {
        const map = window.__onemap!.map
        const order = map.getLayersOrder()
        const layer = map.getLayer(order[order.indexOf('heat') - 1]!)
        return { type: layer?.type, id: layer?.id }
      })
      expect(before.type, before.id).toBe('custom')
      expect(unexpectedErrors(page)).toEqual([])
    } finally {
      await page.context.close()
    }
  })

  it('writes the counts on the busier incident clusters from z11, and hands over to points at z13', async () => {
    const page = await openWatchedPage(browser)
    try {
      await open(page, `#l=incidents&${PERIOD}`)
      const busiest = await page.page.evaluate(() => [...window.__onemap!.cells()].sort((a, b) => b.count - a.count)[0]!.h3)
      const counts = async (zoom: number) => {
        await page.page.evaluate(({ h3, zoom }) => window.__onemap!.map.jumpTo({ center: window.__onemap!.cellCentre(h3), zoom }), {
          h3: busiest,
          zoom,
        })
        await page.page.evaluate(() => window.__onemap!.settled())
        return page.page.evaluate(() => {
          const loaded = new Map(window.__onemap!.cells().map((c) => [c.h3, c.count]))
          return window
            .__onemap!.map.queryRenderedFeatures({ layers: ['incident-cluster-count'] })
            .map((f) => ({ h3: String(f.properties.h3), count: Number(f.properties.count), loaded: loaded.get(String(f.properties.h3)) }))
        })
      }
      const shown = await counts(11.5)
      expect(shown.length).toBeGreaterThan(0)
      for (const c of shown) {
        expect(c.count).toBeGreaterThanOrEqual(10)
        expect(c.count).toBe(c.loaded) // the count of the res-8 cell loaded for this zoom
      }
      expect(await counts(13.5)).toEqual([])
      expect(unexpectedErrors(page)).toEqual([])
    } finally {
      await page.context.close()
    }
  })

  it('has the Chinese label font locally', async () => {
    // An installed font changes the width of a sample text against the generic fallback it names.
    const widths = await w.page.evaluate(() => {
      const ctx = document.createElement('canvas').getContext('2d')!
      const sample = 'mmmmmwwwwwlllii 萧山'
      const width = (font: string) => {
        ctx.font = font
        return ctx.measureText(sample).width
      }
      return {
        wqy: [width("72px 'WenQuanYi Micro Hei', monospace"), width("72px 'WenQuanYi Micro Hei', serif")],
        generic: [width('72px monospace'), width('72px serif')],
        missing: [width("72px 'No Such Font 123', monospace"), width("72px 'No Such Font 123', serif")],
      }
    })
    expect(widths.missing).toEqual(widths.generic) // the probe itself works
    expect(widths.wqy[0]).not.toBe(widths.generic[0])
    expect(widths.wqy[1]).not.toBe(widths.generic[1])
  })

  it('draws town boundary lines where two towns meet', async () => {
    const centre = await w.page.evaluate(() => window.__onemap!.map.getCenter().toArray() as [number, number])
    const edge = findSharedEdge(towns, centre)
    const at = await project(edge.point)
    const { img } = await screenshot()

    // The line colour is found within a few pixels of the projected edge point…
    const lineRgb = hexRgb(COLORS.townLine)
    let nearest = Infinity
    let darkest = 255
    for (let dx = -3; dx <= 3; dx++) {
      for (let dy = -3; dy <= 3; dy++) {
        const px = pixelAt(img, at.x + dx, at.y + dy)
        nearest = Math.min(nearest, dist(px, lineRgb))
        darkest = Math.min(darkest, luminance(px))
      }
    }
    expect(nearest).toBeLessThan(60)

    // …and is much darker than the fill in the middle of the town on one side.
    const label = townLabels.features.find((f) => f.properties.code === edge.codes[0])
    expect(label, `label point of ${edge.codes[0]}`).toBeDefined()
    const inside = await findPlainFillPoint(label!.geometry.coordinates as LngLat, edge.point, edge.codes[0])
    const fill = pixelAt(img, inside.x, inside.y)
    expect(luminance(fill)).toBeGreaterThan(darkest + 60)
    expect(dist(fill, hexRgb(COLORS.background))).toBeGreaterThan(8) // a tinted fill, not bare background
  })

  it('renders the Chinese town names as labels', async () => {
    // A town label MapLibre actually placed (not dropped in a collision), well inside the view.
    const placed = await w.page.evaluate((layer) => {
      const map = window.__onemap!.map
      const r = map.getCanvas().getBoundingClientRect()
      const c = { x: r.width / 2, y: r.height / 2 }
      return map
        .queryRenderedFeatures({ layers: [layer] })
        .map((f) => {
          const [lng, lat] = (f.geometry as GeoJSON.Point).coordinates as [number, number]
          const p = map.project([lng, lat])
          return { name: String(f.properties.name), x: r.left + p.x, y: r.top + p.y, d: Math.hypot(p.x - c.x, p.y - c.y) }
        })
        .sort((a, b) => a.d - b.d)
    }, LAYERS.townLabel)
    expect(placed.length).toBeGreaterThan(0)
    const label = placed[0]!
    expect(label.name).toMatch(/[\u4e00-\u9fff]/)

    const shown = (await screenshot()).img
    await setLabelsVisible(false)
    const hidden = (await screenshot()).img
    await setLabelsVisible(true)

    const em = 14
    const textArea = label.name.length * em * em
    const halfW = label.name.length * em + 10
    const halfH = em * 2 + 6
    const box = { x0: label.x - halfW, y0: label.y - halfH, x1: label.x + halfW, y1: label.y + halfH }
    const changed = countDifferentPixels(shown, hidden, box)
    expect(changed).toBeGreaterThan(textArea * 0.15)
    expect(changed).toBeLessThan((box.x1 - box.x0) * (box.y1 - box.y0) * 0.6)
  })

  it('switches a layer on from the panel: the pixels change and the URL names it', async () => {
    const mapBox = await w.page.evaluate(() => {
      const r = window.__onemap!.map.getCanvas().getBoundingClientRect()
      return { x0: r.left + 250, y0: r.top, x1: r.right, y1: r.bottom - 140 }
    })
    const before = (await screenshot()).img
    await w.page.click('[data-layer="h3"] input')
    await expect.poll(async () => (await hashParams()).l).toBe('h3')
    await settled()
    const { png, img: after } = await screenshot()
    saveArtifact('map-h3.png', png)
    // The hexagons are deck.gl's (interleaved into MapLibre's context), drawn from GET /api/h3.
    expect(w.requests.some((u) => /\/api\/h3\?from=2026-10-01&to=2026-11-01&res=7&bbox=/.test(u))).toBe(true)
    const cells = await w.page.evaluate(() => window.__onemap!.cells().length)
    expect(cells).toBeGreaterThan(20)
    const area = (mapBox.x1 - mapBox.x0) * (mapBox.y1 - mapBox.y0)
    expect(countDifferentPixels(before, after, mapBox, 24)).toBeGreaterThan(area * 0.05)
    // The busiest cell in view is drawn in the legend's top colour (dark red, under 62 % opacity).
    const busiest = await w.page.evaluate(() => {
      const map = window.__onemap!.map
      const b = map.getBounds()
      const r = map.getCanvas().getBoundingClientRect()
      return window
        .__onemap!.cells()
        .map((c) => ({ c, p: map.project(window.__onemap!.cellCentre(c.h3)) }))
        .filter(({ p }) => p.x > 270 && p.x < r.width - 80 && p.y > 40 && p.y < r.height - 160)
        .filter(({ c }) => b.contains(window.__onemap!.cellCentre(c.h3)))
        .sort((x, y) => y.c.count - x.c.count)
        .map(({ p }) => ({ x: r.left + p.x, y: r.top + p.y }))[0]!
    })
    const px = pixelAt(after, busiest.x, busiest.y)
    // #bd0026 over the light background at 0.62: red well above green and blue.
    expect(px[0]!).toBeGreaterThan(px[1]! + 60)
    expect(px[0]!).toBeGreaterThan(px[2]! + 60)
    // The legend shows the H3 scale while the layer is on.
    expect(await w.page.locator('[data-layer="h3"] .legend__item').count()).toBeGreaterThanOrEqual(3)

    await w.page.click('[data-layer="h3"] input')
    await expect.poll(async () => (await hashParams()).l).toBe('')
    await settled()
    expect(countDifferentPixels(before, (await screenshot()).img, mapBox, 24)).toBeLessThan(area * 0.01)

    // The heatmap and the incident clusters (MapLibre's, on the same cells) each change the
    // pixels, and go again. Around the busiest cell the heat is at its hot end (red) and the
    // cluster is the incident blue; labels may cover part of it, so most pixels, not all.
    const share = (img: RgbaImage, at: { x: number; y: number }, test: (p: number[]) => boolean) => {
      let hit = 0
      let all = 0
      for (let dy = -6; dy <= 6; dy++)
        for (let dx = -6; dx <= 6; dx++) {
          all++
          if (test(pixelAt(img, Math.round(at.x + dx), Math.round(at.y + dy)))) hit++
        }
      return hit / all
    }
    const looks = {
      heat: (p: number[]) => p[0]! > p[1]! + 50 && p[0]! > p[2]! + 50,
      incidents: (p: number[]) => p[2]! > p[0]! + 50 && p[2]! > p[1]! + 50,
    }
    for (const layer of ['heat', 'incidents'] as const) {
      await w.page.click(`[data-layer="${layer}"] input`)
      await expect.poll(async () => (await hashParams()).l).toBe(layer)
      await settled()
      const shot = await screenshot()
      saveArtifact(`map-${layer}.png`, shot.png)
      expect(countDifferentPixels(before, shot.img, mapBox, 24), layer).toBeGreaterThan(area * (layer === 'heat' ? 0.03 : 0.005))
      expect(share(before, busiest, looks[layer]), layer).toBeLessThan(0.2)
      expect(share(shot.img, busiest, looks[layer]), layer).toBeGreaterThan(0.5)
      await w.page.click(`[data-layer="${layer}"] input`)
      await expect.poll(async () => (await hashParams()).l).toBe('')
      await settled()
      expect(countDifferentPixels(before, (await screenshot()).img, mapBox, 24), layer).toBeLessThan(area * 0.01)
    }
  })

  it('filters the cell layers by the drilled-down area (hexagons, heatmap, clusters)', async () => {
    const town = towns.features[0]!.properties.code
    const page = await openWatchedPage(browser)
    try {
      await open(page, `#l=h3,heat&${PERIOD}&a=${town}`)
      expect(page.requests.some((u) => new RegExp(`/api/h3\\?from=2026-10-01&to=2026-11-01&area=${town}&res=\\d+&bbox=`).test(u))).toBe(
        true,
      )
      const cells = await page.page.evaluate(() => window.__onemap!.cells())
      expect(cells.length).toBeGreaterThan(0)
      // Every incident counted is the town's: the cells add up to the town's placed incidents in the period.
      let placed = 0
      let next: string | null = null
      do {
        const p: IncidentPage = await getJson<IncidentPage>(
          `/api/incidents?${PERIOD}&area=${town}&limit=10000${next ? `&cursor=${next}` : ''}`,
        )
        placed += p.features.filter((f) => f.geometry !== null).length
        next = p.next
      } while (next)
      expect(cells.reduce((n, c) => n + c.count, 0)).toBe(placed)
      saveArtifact('map-area-h3.png', await page.page.screenshot({ type: 'png' }))
      expect(unexpectedErrors(page)).toEqual([])
    } finally {
      await page.context.close()
    }
  })

  it('drills down by clicking: town → village, with breadcrumbs back up', async () => {
    const edge = findSharedEdge(towns, await w.page.evaluate(() => window.__onemap!.map.getCenter().toArray() as [number, number]))
    const code = edge.codes[0]
    const town = towns.features.find((f) => f.properties.code === code)!.properties
    const label = townLabels.features.find((f) => f.properties.code === code)!
    const inside = await findPlainFillPoint(label.geometry.coordinates as LngLat, edge.point, code)

    await w.page.mouse.move(inside.x, inside.y)
    await w.page.waitForFunction((c) => window.__onemap!.map.getFeatureState({ source: 'town', id: c }).hover === true, code, {
      timeout: 10_000,
    })
    await w.page.mouse.click(inside.x, inside.y)
    await expect.poll(async () => (await hashParams()).a, { timeout: 10_000 }).toBe(code)
    const panel = w.page.locator('#area-panel')
    await panel.waitFor({ state: 'visible', timeout: 10_000 })
    await expect.poll(() => panel.locator('.area-panel__name').textContent()).toBe(town.name)
    const text = (await panel.textContent()) ?? ''
    expect(text).toContain(town.code)
    expect(text).toContain('人口')
    expect(text).toContain('时段内警情')
    expect(await panel.locator('.crumbs').textContent()).toMatch(/^萧山区›/)
    await settled()
    saveArtifact('map-town.png', (await screenshot()).png)

    // The view flew to the town; a click on one of its villages drills further.
    const detail = await getJson<AreaDetail>(`/api/areas/${code}`)
    const villages = await Promise.all(detail.children.slice(0, 6).map((c) => getJson<AreaDetail>(`/api/areas/${c.code}`)))
    let drilled: string | null = null
    for (const v of villages) {
      const at = await project(v.label_point)
      const hit = await w.page.evaluate(({ x, y }) => {
        const map = window.__onemap!.map
        const r = map.getCanvas().getBoundingClientRect()
        const f = map.queryRenderedFeatures([x - r.left, y - r.top], { layers: ['village-hit'] })[0]
        return f ? String(f.properties.code) : null
      }, at)
      if (hit !== v.code) continue
      await w.page.mouse.click(at.x, at.y)
      drilled = v.code
      break
    }
    expect(drilled, 'a village of the town under its label point').not.toBeNull()
    await expect.poll(async () => (await hashParams()).a, { timeout: 10_000 }).toBe(drilled)
    // The panel follows once the village's figures are in (slow on a loaded CI machine).
    await expect.poll(() => panel.locator('.crumbs button').count(), { timeout: 10_000 }).toBe(2)
    await settled()
    saveArtifact('map-village.png', (await screenshot()).png)

    // Breadcrumbs lead back up: the town, then the whole district.
    await panel.locator('.crumbs button').nth(1).click()
    await expect.poll(async () => (await hashParams()).a, { timeout: 10_000 }).toBe(code)
    await panel.locator('.crumbs button').first().click()
    await expect.poll(async () => (await hashParams()).a, { timeout: 10_000 }).toBeUndefined()
    await panel.waitFor({ state: 'hidden', timeout: 5_000 })
    await settled()
  })

  it('switches the UI to English and back', async () => {
    const title = w.page.locator('#app-title')
    const zh = await title.textContent()
    expect(zh).toMatch(/^平安一张图/)
    await w.page.click('#lang-toggle')
    await expect.poll(() => title.textContent()).toMatch(/^Ping'an OneMap · /)
    expect(await title.textContent()).not.toMatch(/[\u4e00-\u9fff]/) // the district has an English name
    expect(await w.page.locator('#layers-panel').textContent()).toContain('H3 risk hexes')
    expect(await w.page.locator('#timebar').textContent()).toContain('Play')
    expect(await w.page.evaluate(() => document.documentElement.lang)).toBe('en')
    await w.page.click('#lang-toggle')
    await expect.poll(() => title.textContent()).toBe(zh)
    expect(await w.page.locator('#layers-panel').textContent()).toContain('风险蜂窝')
  })

  it('flies to an address typed into the search box and shows the match level', async () => {
    let address = server.address
    if (!address) {
      const page = await getJson<IncidentPage>(`/api/incidents?${PERIOD}&limit=50`)
      address = page.features.map((f) => f.properties.address).find((a): a is string => !!a && a.endsWith('号')) ?? null
    }
    expect(address, 'an address from the database').toBeTruthy()
    const expected = await getJson<GeocodeResponse>(`/api/geocode?q=${encodeURIComponent(address!)}`)
    expect(expected.result.lng).not.toBeNull()

    await w.page.fill('#search-input', address!)
    await w.page.press('#search-input', 'Enter')
    const result = w.page.locator('#search-result')
    await result.waitFor({ state: 'visible', timeout: 10_000 })
    await expect.poll(() => result.getAttribute('data-level')).toBe(expected.result.level)
    expect(await result.textContent()).toContain('匹配级别')
    await w.page.waitForFunction(
      ([lng, lat]) => {
        const map = window.__onemap!.map
        const c = map.getCenter()
        return !map.isMoving() && Math.abs(c.lng - lng!) < 1e-4 && Math.abs(c.lat - lat!) < 1e-4
      },
      [expected.result.lng!, expected.result.lat!],
      { timeout: 15_000 },
    )
    expect(await w.page.evaluate(() => window.__onemap!.map.getZoom())).toBeGreaterThanOrEqual(15)
    await settled()
    saveArtifact('map-search.png', (await screenshot()).png)
  })

  it('exports the rows of the current view and filters: as many as the API counts', async () => {
    const ex = await openWatchedPage(browser)
    try {
      // The busiest town for a month and one category, zoomed so the view cuts the data.
      await open(ex, `#v=12.50/30.16400/120.26200&l=incidents&${PERIOD}&c=01`)
      const href = await ex.page.locator('#export-csv').getAttribute('href')
      expect(href).toMatch(/^\/api\/export\/incidents\.csv\?from=2026-10-01&to=2026-11-01&category=01&bbox=/)
      const query = href!.slice(href!.indexOf('?'))

      const [download] = await Promise.all([ex.page.waitForEvent('download'), ex.page.click('#export-csv')])
      const file = await download.path()
      const csv = (await import('node:fs')).readFileSync(file, 'utf8').replace(/^\uFEFF/, '')
      const rows = csv.trim().split('\n').length - 1

      let apiCount = 0
      let next: string | null = null
      do {
        const page: IncidentPage = await getJson<IncidentPage>(`/api/incidents${query}&limit=10000${next ? `&cursor=${next}` : ''}`)
        apiCount += page.features.length
        next = page.next
      } while (next)
      expect(apiCount).toBeGreaterThan(10)
      expect(rows).toBe(apiCount)

      const gj = await ex.page.locator('#export-geojson').getAttribute('href')
      const body = await getJson<{ features: unknown[] }>(gj!)
      expect(body.features.length).toBe(apiCount)
      expect(ex.errors).toEqual([])
    } finally {
      await ex.context.close()
    }
  })

  it('reopens a link with the same view, layers, filters, area and selection', async () => {
    const page = await getJson<IncidentPage>(`/api/incidents?${PERIOD}&limit=1`)
    const incident = page.features[0]!
    const town = towns.features[0]!.properties.code
    const hash = `#v=13.25/30.16400/120.26200&l=grid,heat,incidents&${PERIOD}&c=01,0203&a=${town}&s=incident:${incident.id}`
    const again = await openWatchedPage(browser)
    try {
      await open(again, hash)
      const state = await again.page.evaluate(() => window.__onemap!.state())
      expect(state.view!.zoom).toBeCloseTo(13.25, 2)
      expect(state.view!.lat).toBeCloseTo(30.164, 4)
      expect(state.layers).toEqual(['grid', 'heat', 'incidents'])
      expect(state.filters).toEqual({ from: '2026-10-01', to: '2026-11-01', categories: ['01', '0203'], area: town })
      expect(state.selection).toEqual({ kind: 'incident', id: String(incident.id) })
      expect(await again.page.evaluate(() => location.hash)).toBe(hash)
      // The inspector shows the incident, the area panel the town.
      const inspector = again.page.locator('#inspector')
      await inspector.waitFor({ state: 'visible' })
      await expect.poll(() => inspector.textContent()).toContain(incident.properties.incidentId)
      await again.page.locator('#area-panel').waitFor({ state: 'visible' })
      // Incident points come from the filtered tiles, the heatmap from the filtered cell counts (area included).
      expect(
        again.requests.some((u) =>
          new RegExp(`/tiles/incidents/13/\\d+/\\d+\\.mvt\\?from=2026-10-01&to=2026-11-01&category=01,0203&area=${town}`).test(u),
        ),
      ).toBe(true)
      expect(
        again.requests.some((u) => new RegExp(`/api/h3\\?from=2026-10-01&to=2026-11-01&category=01,0203&area=${town}&res=9&bbox=`).test(u)),
      ).toBe(true)
      saveArtifact('map-link.png', await again.page.screenshot({ type: 'png' }))
      expect(unexpectedErrors(again)).toEqual([])
      expect(again.requests.filter((u) => !isLocalUrl(u))).toEqual([])
    } finally {
      await again.context.close()
    }
  })

  it('inspects an H3 cell: its count and a sparkline per day', async () => {
    const insp = await openWatchedPage(browser)
    try {
      await open(insp, `#v=11.00/30.16400/120.26200&l=h3&${PERIOD}`)
      const busiest = await insp.page.evaluate(() => {
        const cells = [...window.__onemap!.cells()].sort((a, b) => b.count - a.count)
        return { h3: cells[0]!.h3, count: cells[0]!.count }
      })
      await insp.page.goto(`${server.url}/#v=11.00/30.16400/120.26200&l=h3&${PERIOD}&s=cell:${busiest.h3}`)
      await insp.page.waitForFunction(() => window.__onemap !== undefined)
      const inspector = insp.page.locator('#inspector')
      await expect.poll(() => inspector.locator('.sparkline rect').count(), { timeout: 20_000 }).toBe(31)
      const text = (await inspector.textContent()) ?? ''
      expect(text).toContain(busiest.h3)
      expect(text).toContain(String(busiest.count))
      saveArtifact('map-cell.png', await insp.page.screenshot({ type: 'png' }))
      expect(insp.errors).toEqual([])
    } finally {
      await insp.context.close()
    }
  })

  it('picks a deck.gl hexagon under a click inside the deepest area: the cell opens in the inspector', async () => {
    const first = (await getJson<IncidentPage>(`/api/incidents?${PERIOD}&limit=1`)).features[0]!
    const grid = first.properties.gridCode!
    const page = await openWatchedPage(browser)
    try {
      await open(page, `#l=h3&${PERIOD}&a=${grid}`)
      const target = await page.page.evaluate((code) => {
        const o = window.__onemap!
        const r = o.map.getCanvas().getBoundingClientRect()
        // A cell whose centre lies in the grid (a click elsewhere would drill to the neighbour).
        const inGrid = o
          .cells()
          .map((c) => ({ c, p: o.map.project(o.cellCentre(c.h3)) }))
          .filter(({ p }) => p.x > 270 && p.x < r.width - 340 && p.y > 40 && p.y < r.height - 160)
          .filter(({ p }) => o.map.queryRenderedFeatures([p.x, p.y], { layers: ['grid-hit'] })[0]?.properties.code === code)
          .sort((a, b) => b.c.count - a.c.count)[0]
        return inGrid ? { h3: inGrid.c.h3, x: r.left + inGrid.p.x, y: r.top + inGrid.p.y } : null
      }, grid)
      expect(target).not.toBeNull()
      await page.page.mouse.click(target!.x, target!.y)
      await expect.poll(async () => page.page.evaluate(() => window.__onemap!.state().selection)).toEqual({ kind: 'cell', id: target!.h3 })
      await expect.poll(() => page.page.locator('#inspector').textContent()).toContain(target!.h3)
      expect(unexpectedErrors(page)).toEqual([])
    } finally {
      await page.context.close()
    }
  })

  it('draws warnings, hot spots, hazards and tasks, and inspects them', async () => {
    // The test server runs no models by itself: run the hot-spot and surge models as of the seed's end.
    for (const model of ['hotspot', 'surge']) {
      const res = await fetch(`${server.url}/api/models/${model}/runs`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ asOf: '2026-11-01T00:00:00+08:00' }),
      })
      expect(res.status, model).toBe(202)
      const run = (await res.json()) as { id: string }
      await expect
        .poll(async () => (await getJson<{ status: string }>(`/api/model-runs/${run.id}`)).status, { timeout: 60_000, interval: 500 })
        .toMatch(/^(done|failed)$/)
    }
    const warnings = await getJson<{ features: { id: number; properties: { modelId: string; explanation: string; status: string } }[] }>(
      '/api/warnings?limit=100',
    )
    expect(warnings.features.length).toBeGreaterThan(0)

    const page = await openWatchedPage(browser)
    try {
      await open(page, `#l=hotspots,warnings,hazards,tasks&${PERIOD}`)
      const counts = await page.page.evaluate(() => {
        const map = window.__onemap!.map
        const n = (id: string) => map.queryRenderedFeatures({ layers: [id] }).length
        return { hotspots: n('hotspot-fill'), hazards: n('hazard-point'), tasks: n('task-point') }
      })
      if (warnings.features.some((f) => f.properties.modelId === 'hotspot')) expect(counts.hotspots).toBeGreaterThan(0)
      expect(counts.hazards).toBeGreaterThan(0)
      expect(counts.tasks).toBeGreaterThan(0)
      saveArtifact('map-warnings.png', await page.page.screenshot({ type: 'png' }))

      // A click on a hazard opens it in the inspector.
      const hazard = await page.page.evaluate(() => {
        const map = window.__onemap!.map
        const r = map.getCanvas().getBoundingClientRect()
        const inView = map.queryRenderedFeatures({ layers: ['hazard-point'] }).map((f) => {
          const p = map.project((f.geometry as GeoJSON.Point).coordinates as [number, number])
          return { id: String(f.properties.id), x: r.left + p.x, y: r.top + p.y }
        })
        // One well inside the map, clear of the panels, with no other point on top of it.
        return (
          inView.find(
            (h) =>
              h.x > r.left + 270 &&
              h.x < r.right - 340 &&
              h.y > r.top + 20 &&
              h.y < r.bottom - 150 &&
              map.queryRenderedFeatures([h.x - r.left, h.y - r.top], { layers: ['task-point', 'warning-point'] }).length === 0,
          ) ?? null
        )
      })
      expect(hazard).not.toBeNull()
      await page.page.mouse.click(hazard!.x, hazard!.y)
      await expect
        .poll(async () => page.page.evaluate(() => window.__onemap!.state().selection))
        .toEqual({ kind: 'hazard', id: hazard!.id })
      const inspector = page.page.locator('#inspector')
      await expect.poll(() => inspector.textContent()).toContain('严重程度')

      // A warning shows the numbers that triggered it.
      const warning = warnings.features[0]!
      await page.page.goto(`${server.url}/#l=hotspots,warnings&${PERIOD}&s=warning:${warning.id}`)
      await expect.poll(() => inspector.textContent(), { timeout: 10_000 }).toContain(warning.properties.explanation)
      expect(await inspector.textContent()).toContain('触发依据')
      saveArtifact('map-warning-inspector.png', await page.page.screenshot({ type: 'png' }))
      expect(unexpectedErrors(page)).toEqual([])
    } finally {
      await page.context.close()
    }
  })

  it('plays the period forward a day at a time', async () => {
    const before = await hashParams()
    expect(await w.page.locator('#histogram rect.bar').count()).toBeGreaterThan(40)
    await w.page.selectOption('#play-speed', '4')
    await w.page.click('#play-toggle')
    await expect.poll(async () => (await hashParams()).from, { timeout: 5_000 }).not.toBe(before.from)
    await w.page.click('#play-toggle')
    const after = await hashParams()
    const days = (a: string, b: string) => (Date.parse(b) - Date.parse(a)) / 86_400_000
    expect(days(after.from!, after.to!)).toBe(days(before.from!, before.to!)) // the window keeps its length
    expect(days(before.from!, after.from!)).toBeGreaterThanOrEqual(1)
  })

  it('made no request beyond 127.0.0.1 and logged no error throughout', () => {
    expect(w.requests.length).toBeGreaterThan(5)
    expect(w.requests.filter((u) => !isLocalUrl(u))).toEqual([])
    expect(w.requests.some((u) => u.includes('/api/boundaries/town.geojson'))).toBe(true)
    expect(unexpectedErrors(w)).toEqual([])
    // MapLibre cancels the tiles a flight passes over (net::ERR_ABORTED): not failures.
    expect(w.failures.filter((f) => !f.includes('/api/indicators') && !/\/tiles\/.*ERR_ABORTED/.test(f))).toEqual([])
  })
})

async function setLabelsVisible(visible: boolean): Promise<void> {
  await w.page.evaluate(
    ({ layers, visible }) => {
      const map = window.__onemap!.map
      for (const id of layers) map.setLayoutProperty(id, 'visibility', visible ? 'visible' : 'none')
    },
    { layers: [...LABEL_LAYERS], visible },
  )
  await waitIdle()
}

/**
 * A point inside town `code` with nothing but its fill around it (no line, no label within a few
 * pixels), searched between the town's label point and a point on its edge.
 */
async function findPlainFillPoint(labelPoint: LngLat, edgePoint: LngLat, code: string): Promise<Px> {
  const found = await w.page.evaluate(
    ({ labelPoint, edgePoint, code, layers }) => {
      const map = window.__onemap!.map
      const r = map.getCanvas().getBoundingClientRect()
      const a = map.project(labelPoint)
      const b = map.project(edgePoint)
      for (const t of [0.5, 0.4, 0.6, 0.3, 0.7, 0.25, 0.75, 0.2, 0.8]) {
        const x = a.x + (b.x - a.x) * t
        const y = a.y + (b.y - a.y) * t
        if (x < 60 || y < 60 || x > r.width - 60 || y > r.height - 60) continue
        const box: [[number, number], [number, number]] = [
          [x - 6, y - 6],
          [x + 6, y + 6],
        ]
        const hits = map.queryRenderedFeatures(box, { layers: layers.others })
        const fill = map.queryRenderedFeatures([x, y], { layers: [layers.fill] })
        if (hits.length === 0 && fill.length === 1 && String(fill[0]!.properties.code) === code) {
          return { x: r.left + x, y: r.top + y }
        }
      }
      return null
    },
    {
      labelPoint,
      edgePoint,
      code,
      layers: {
        fill: LAYERS.townFill,
        others: [LAYERS.townLine, LAYERS.districtLine, LAYERS.villageLine, LAYERS.gridLine, ...LABEL_LAYERS],
      },
    },
  )
  if (!found) throw new Error(`no plain fill point found inside town ${code}`)
  return found
}
