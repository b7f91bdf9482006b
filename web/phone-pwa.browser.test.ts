/**
 * The phone app as an installable, offline-capable page in Chromium, against the real server with
 * logins required: /m needs a login, its manifest and icons come without one, the service worker
 * precaches the shell (not MapLibre) and opens /m with the network off; and a camera photo is
 * downscaled upright in the browser (web/src/m/offline/downscale.ts).
 */
import fs from 'node:fs'
import path from 'node:path'

import type { Browser } from 'playwright-core'
import sharp from 'sharp'
import { transformWithOxc } from 'vite'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { firstLoad } from '../scripts/bench/first-load.ts'
import { startTestServer, type TestServer } from '../server/testing/harness.ts'
import { WEB_DIST_DIR } from '../server/web/static.ts'
import { launchBrowser, loggedIn, type Login } from './test/browser.ts'

let server: TestServer
let browser: Browser
let worker: Login
const PASSWORD = 'a-long-test-password'
const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: 'zh-CN' }

beforeAll(async () => {
  server = await startTestServer({ seed: 'boundaries', auth: 'required' })
  const [grid] = await server.db.sql<{ code: string }[]>`SELECT code FROM admin_areas WHERE level = 'grid' ORDER BY code LIMIT 1`
  ;[worker] = await loggedIn(server, PASSWORD, { username: 'grid-worker', displayName: '网格员李', role: 'grid', areaCodes: [grid!.code] })
  browser = await launchBrowser()
}, 600_000)

afterAll(async () => {
  await browser?.close()
  await server?.close()
})

describe('the phone app as a PWA', () => {
  it('asks a stranger to log in at /m, but serves its manifest, icons and service worker to anyone', async () => {
    const page = await fetch(`${server.url}/m/tasks/3`, { redirect: 'manual', headers: { accept: 'text/html' } })
    expect(page.status).toBe(302)
    expect(page.headers.get('location')).toBe('/login?next=%2Fm%2Ftasks%2F3')

    const manifest = await fetch(`${server.url}/m.webmanifest`)
    expect(manifest.status).toBe(200)
    expect(manifest.headers.get('content-type')).toMatch(/^application\/manifest\+json/)
    expect(manifest.headers.get('cache-control')).toBe('no-cache')
    const m = (await manifest.json()) as { start_url: string; scope: string; display: string; icons: { src: string }[] }
    expect([m.start_url, m.scope, m.display]).toEqual(['/m', '/m', 'standalone'])
    for (const icon of m.icons) {
      const res = await fetch(`${server.url}${icon.src}`)
      expect(res.status, icon.src).toBe(200)
      expect(res.headers.get('content-type')).toBe('image/png')
    }
    const sw = await fetch(`${server.url}/m-sw.js`)
    expect(sw.status).toBe(200)
    expect(sw.headers.get('content-type')).toMatch(/javascript/)
    expect(sw.headers.get('cache-control')).toBe('no-cache')
  })

  it('installs a service worker that precaches the shell, not MapLibre, and opens /m offline', async () => {
    const context = await browser.newContext({ ...PHONE, serviceWorkers: 'allow' })
    try {
      await context.addCookies(worker.cookies)
      const page = await context.newPage()
      const res = await page.goto(`${server.url}/m`)
      expect(res?.status()).toBe(200)
      expect(res?.headers()['cache-control']).toBe('no-cache')
      expect(await page.getAttribute('meta[name=viewport]', 'content')).toContain('viewport-fit=cover')
      // The app registers it (registerServiceWorker in web/src/m/pwa.ts); the same call here waits for it.
      const scope = await page.evaluate(async () => {
        const reg = await navigator.serviceWorker.register('/m-sw.js', { scope: '/m' })
        await navigator.serviceWorker.ready
        return reg.scope
      })
      expect(scope).toBe(`${server.url}/m`)
      await page.waitForFunction(() => navigator.serviceWorker.controller !== null)
      const cached = await page.evaluate(async () => {
        const urls: string[] = []
        for (const name of await caches.keys())
          for (const req of await (await caches.open(name)).keys()) urls.push(new URL(req.url).pathname)
        return urls
      })
      for (const f of firstLoad(WEB_DIST_DIR, 'm.html')) expect(cached).toContain(`/${f.file}`)
      expect(cached).toContain('/m.html')
      expect(cached.filter((u) => /maplibre/i.test(u))).toEqual([])
      const maplibre = fs.readdirSync(path.join(WEB_DIST_DIR, 'assets')).filter((f) => f.startsWith('maplibre-gl') && f.endsWith('.js'))
      expect(maplibre.length).toBeGreaterThan(0)

      await context.setOffline(true)
      for (const at of ['/m', '/m/tasks/42']) {
        const offline = await page.goto(`${server.url}${at}`)
        expect(offline?.status(), at).toBe(200)
        expect(offline?.fromServiceWorker(), at).toBe(true)
        expect(await page.title()).toBe('平安一张图 · 网格')
      }
      // API answers are not cached unless the app asks: offline, a plain API GET fails.
      const api = await page.evaluate(() =>
        fetch('/api/auth/me').then(
          (r) => r.status,
          () => 'network error',
        ),
      )
      expect(api).toBe('network error')
    } finally {
      await context.close()
    }
  })

  it('downscales a sideways camera photo to 1600 px, upright, as a JPEG', async () => {
    // A 3000×2000 JPEG whose EXIF says "rotate 90° clockwise to view" (orientation 6): upright it is 2000×3000.
    const photo = await sharp({ create: { width: 3000, height: 2000, channels: 3, background: '#3366aa' } })
      .jpeg()
      .withMetadata({ orientation: 6 })
      .toBuffer()
    const source = fs.readFileSync(path.join(import.meta.dirname, 'src/m/offline/downscale.ts'), 'utf8')
    const { code } = await transformWithOxc(source, 'downscale.ts')
    const script = `${code.replace(/^export /gm, '')}\nwindow.downscale = { downscaleImage }`
    // The module is compiled here and run in an empty page of its own (not the app, which would
    // navigate to the login page).
    const context = await browser.newContext(PHONE)
    try {
      const page = await context.newPage()
      await page.setContent('<!doctype html><title>downscale</title>')
      await page.addScriptTag({ content: script })
      const out = await page.evaluate(async (b64) => {
        const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))
        const file = new File([bytes], 'IMG_0001.jpg', { type: 'image/jpeg' })
        const d = (window as unknown as { downscale: { downscaleImage(f: File): Promise<Blob> } }).downscale
        const blob = await d.downscaleImage(file)
        const bitmap = await createImageBitmap(blob)
        return { type: blob.type, size: blob.size, before: file.size, width: bitmap.width, height: bitmap.height }
      }, photo.toString('base64'))
      expect(out.type).toBe('image/jpeg')
      expect([out.width, out.height]).toEqual([1067, 1600])
      expect(out.size).toBeLessThan(out.before)
    } finally {
      await context.close()
    }
  })
})
