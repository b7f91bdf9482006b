/**
 * The district map page in a real (headless, software-WebGL) Chromium against the real server,
 * seeded with boundaries: it loads, draws boundaries and Chinese labels from local fonts, asks
 * nothing of any host but 127.0.0.1, and reacts to hover, click and the language switch.
 *
 * Set ONEMAP_TEST_URL to run it against a server that is already running instead.
 */
import type { MultiPolygon, Position } from 'geojson'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AreaProperties, BoundaryCollection, LabelCollection } from './src/api/types.ts'
import { COLORS, LABEL_LAYERS, LAYERS } from './src/map/style.ts'
import {
  countDifferentPixels,
  decodePng,
  isLocalUrl,
  launchBrowser,
  luminance,
  openWatchedPage,
  pixelAt,
  saveArtifact,
  type RgbaImage,
  type WatchedPage,
} from './test/browser.ts'

interface Server {
  url: string
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
  if (external) return { url: external.replace(/\/$/, ''), close: async () => {} }
  const { startTestServer } = await import('../server/testing/harness.ts')
  const s = await startTestServer({ seed: 'boundaries' })
  return { url: s.url.replace(/\/$/, ''), close: () => s.close() }
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

beforeAll(async () => {
  server = await startServer()
  expect(new URL(server.url).hostname).toBe('127.0.0.1')
  towns = await getJson<BoundaryCollection>('/api/boundaries/town.geojson')
  townLabels = await getJson<LabelCollection>('/api/boundaries/town/labels.geojson')
  browser = await launchBrowser()
  w = await openWatchedPage(browser)
  await w.page.goto(`${server.url}/`)
  await w.page.waitForFunction(() => window.__onemap !== undefined, null, { timeout: 60_000 })
  await w.page.evaluate(() => window.__onemap!.ready)
})

afterAll(async () => {
  await browser?.close()
  await server?.close()
})

describe('district map page', () => {
  it('loads every boundary level with WebGL2 and no console errors', async () => {
    expect(w.errors).toEqual([])
    expect(w.failures).toEqual([])
    const state = await w.page.evaluate(async () => {
      const map = window.__onemap!.map
      const ids = ['district', 'town', 'village', 'grid', 'town-labels', 'village-labels', 'grid-labels']
      const counts: Record<string, number> = {}
      for (const id of ids) {
        const data = await map.getSource<import('maplibre-gl').GeoJSONSource>(id)!.getData()
        counts[id] = data.type === 'FeatureCollection' ? data.features.length : 0
      }
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

    const { png } = await screenshot()
    saveArtifact('map.png', png)
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

    // Town names are 12–14 px at this zoom and may sit beside their point (variable anchor): the
    // box covers every placement; the glyphs and their halos fill a good part of the text's own
    // em boxes, but not all of the search box (a solid block would be wrong).
    const em = 14
    const textArea = label.name.length * em * em
    const halfW = label.name.length * em + 10
    const halfH = em * 2 + 6
    const box = { x0: label.x - halfW, y0: label.y - halfH, x1: label.x + halfW, y1: label.y + halfH }
    const changed = countDifferentPixels(shown, hidden, box)
    console.info(`label ${label.name}: ${changed} px changed (text area ~${textArea} px²)`)
    expect(changed).toBeGreaterThan(textArea * 0.15)
    expect(changed).toBeLessThan((box.x1 - box.x0) * (box.y1 - box.y0) * 0.6)
  })

  it('highlights the hovered town and opens a panel with its Chinese name on click', async () => {
    const edge = findSharedEdge(towns, await w.page.evaluate(() => window.__onemap!.map.getCenter().toArray() as [number, number]))
    const code = edge.codes[0]
    const town = towns.features.find((f) => f.properties.code === code)!.properties as AreaProperties
    const label = townLabels.features.find((f) => f.properties.code === code)!
    const inside = await findPlainFillPoint(label.geometry.coordinates as LngLat, edge.point, code)

    await w.page.mouse.move(inside.x, inside.y)
    await w.page.waitForFunction(
      (c) => window.__onemap!.map.getFeatureState({ source: 'town', id: c }).hover === true,
      code,
      { timeout: 10_000 },
    )

    await w.page.mouse.click(inside.x, inside.y)
    const panel = w.page.locator('#area-panel')
    await panel.waitFor({ state: 'visible', timeout: 10_000 })
    await expect.poll(() => panel.locator('.area-panel__name').textContent()).toBe(town.name)
    expect(town.name).toMatch(/[\u4e00-\u9fff]/)
    const text = (await panel.textContent()) ?? ''
    expect(text).toContain(town.code)
    expect(text).toContain('人口')
    expect(text).toContain('编码')
  })

  it('switches the UI to English and back', async () => {
    const title = w.page.locator('#app-title')
    const zh = await title.textContent()
    expect(zh).toMatch(/^平安一张图/)
    await w.page.click('#lang-toggle')
    await expect.poll(() => title.textContent()).toMatch(/^Ping'an OneMap · /)
    expect(await title.textContent()).not.toMatch(/[\u4e00-\u9fff]/) // the district has an English name
    expect(await w.page.locator('#area-panel').textContent()).toContain('Population')
    expect(await w.page.evaluate(() => document.documentElement.lang)).toBe('en')
    await w.page.click('#lang-toggle')
    await expect.poll(() => title.textContent()).toBe(zh)
    expect(await w.page.locator('#area-panel').textContent()).toContain('人口')

    // The panel's close button hides it and clears the selected town.
    await w.page.click('#area-panel .area-panel__close')
    await w.page.locator('#area-panel').waitFor({ state: 'hidden', timeout: 5_000 })
  })

  it('keeps the view in the URL hash so a link reopens it', async () => {
    const view = await w.page.evaluate(() => {
      const map = window.__onemap!.map
      map.jumpTo({ zoom: 12.5, center: map.getCenter() })
      return new Promise<{ hash: string; zoom: number; center: [number, number] }>((resolve) =>
        map.once('idle', () => resolve({ hash: location.hash, zoom: map.getZoom(), center: map.getCenter().toArray() as [number, number] })),
      )
    })
    expect(view.hash).toMatch(/^#12\.5\//)

    const again = await openWatchedPage(browser)
    try {
      await again.page.goto(`${server.url}/${view.hash}`)
      await again.page.waitForFunction(() => window.__onemap !== undefined, null, { timeout: 60_000 })
      await again.page.evaluate(() => window.__onemap!.ready)
      const reopened = await again.page.evaluate(() => {
        const map = window.__onemap!.map
        return { zoom: map.getZoom(), center: map.getCenter().toArray() as [number, number] }
      })
      expect(reopened.zoom).toBeCloseTo(view.zoom, 2)
      expect(reopened.center[0]).toBeCloseTo(view.center[0], 3)
      expect(reopened.center[1]).toBeCloseTo(view.center[1], 3)
      expect(again.errors).toEqual([])
      expect(again.requests.filter((u) => !isLocalUrl(u))).toEqual([])
    } finally {
      await again.context.close()
    }
  })

  it('made no request beyond 127.0.0.1 and logged no error throughout', () => {
    expect(w.requests.length).toBeGreaterThan(5)
    expect(w.requests.filter((u) => !isLocalUrl(u))).toEqual([])
    expect(w.requests.some((u) => u.includes('/api/boundaries/town.geojson'))).toBe(true)
    expect(w.errors).toEqual([])
    expect(w.failures).toEqual([])
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
        const box: [[number, number], [number, number]] = [[x - 6, y - 6], [x + 6, y + 6]]
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
