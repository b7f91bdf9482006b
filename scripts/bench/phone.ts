/**
 * `npm run bench:phone`: the grid worker's phone app (/m) as a mid-range Android phone on a slow
 * connection meets it. Headless Chromium in a 390×844 viewport with touch, the CPU slowed 4× (CDP
 * Emulation.setCPUThrottlingRate) and slow 3G (Network.emulateNetworkConditions: 400 kbit/s each
 * way, 400 ms round trip), logged in as a grid worker over the `small` demo data.
 *
 * Printed for each page, medians over the runs, each run in a new browser context (empty cache):
 * - JavaScript bytes of the first load, as transferred (gzip, with headers; CDP encodedDataLength),
 *   and all bytes; the budget is 150 kB of JavaScript gzipped without MapLibre (issue 25);
 * - time to interactive, from navigation start. Two measures:
 *   `ready`: when the app says it is usable (`window.__m.ready` resolves: its first screen is drawn
 *   and answers taps); pages without one show "—";
 *   `quiet`: the end of the last long task (> 50 ms) after DOMContentLoaded, once 2 s have passed with
 *   no long task and no request finishing (Lighthouse's idea, simplified), for every page alike.
 * The same run measures a floor and a baseline: /login (the smallest page we serve) and /desk
 * (the desktop work desk, what a worker would otherwise open on the phone).
 *
 * Then the repeat visit: the service worker installed by a first visit serves the shell, so the
 * second open of /m transfers (almost) no JavaScript; and the same open with the network off.
 *
 *   npm run bench:phone [-- --runs 3 --cpu 4 --kbps 400 --rtt 400]
 *
 * The data lives in .tmp/bench-phone (seeded on first use).
 */
import fs from 'node:fs'
import path from 'node:path'
import { parseArgs } from 'node:util'

import type { Browser, BrowserContext, Page } from 'playwright-core'

import { createUser, findLogin } from '../../server/auth/store.ts'
import { loadConfig } from '../../server/config.ts'
import { openDatabase } from '../../server/db/index.ts'
import { seedDemo, seedStatus } from '../../server/seed/run.ts'
import { listen } from '../../server/server.ts'
import { ensureWebBuilt, ROOT_DIR, WEB_DIST_DIR } from '../../server/web/static.ts'
import { launchBrowser, type Login, login } from '../../web/test/browser.ts'
import { firstLoad, gzipTotal, PHONE_JS_BUDGET_BYTES } from './first-load.ts'
import { hostCheck, hostRange } from './host-check.ts'
import { QUIET } from './quiet.ts'
import { median } from './stats.ts'

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    cpu: { type: 'string', default: '4' },
    kbps: { type: 'string', default: '400' },
    rtt: { type: 'string', default: '400' },
  },
})
const runs = Math.max(1, Number(values.runs))
const cpuRate = Math.max(1, Number(values.cpu))
const kbps = Math.max(1, Number(values.kbps))
const rtt = Math.max(0, Number(values.rtt))
const PHONE = { width: 390, height: 844 }
const QUIET_MS = 2000
const PASSWORD = 'bench-phone-password-1'

/** One page load's numbers (ms from navigation start; bytes as transferred). */
interface Load {
  jsBytes: number
  cssBytes: number
  totalBytes: number
  requests: number
  dcl: number
  ready: number | null
  quiet: number
}

/** Page init script (a string: the bundler's helpers do not exist in the page): long tasks as [start, end]. */
const WATCH_LONG_TASKS = `(() => {
  window.__benchLongTasks = []
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) window.__benchLongTasks.push([e.startTime, e.startTime + e.duration])
    }).observe({ type: 'longtask', buffered: true })
  } catch {}
})()`

/**
 * In the page: waits for 2 s with no long task and no request finishing, then answers the end of
 * the last long task after DOMContentLoaded (or DOMContentLoaded itself).
 */
const QUIET_TTI = `(async () => {
  const quietMs = ${QUIET_MS}
  const nav = performance.getEntriesByType('navigation')[0]
  for (;;) {
    const dcl = nav ? nav.domContentLoadedEventEnd : 0
    const tasks = window.__benchLongTasks || []
    const lastTask = tasks.reduce((m, t) => Math.max(m, t[1]), 0)
    const lastResource = performance.getEntriesByType('resource').reduce((m, r) => Math.max(m, r.responseEnd), 0)
    const busy = Math.max(dcl, lastTask, lastResource)
    if (dcl > 0 && performance.now() - busy >= quietMs) return { dcl, quiet: Math.max(dcl, lastTask) }
    await new Promise((r) => setTimeout(r, 100))
  }
})()`

/** In the page: when `window.__m.ready` resolves (ms), null when the page has none or it takes over 60 s. */
const APP_READY = `(async () => {
  const m = window.__m
  if (!m || !m.ready) return null
  const t = await Promise.race([Promise.resolve(m.ready).then(() => performance.now()), new Promise((r) => setTimeout(() => r(null), 60000))])
  return t
})()`

/** Throttles a page's CPU and network through CDP and counts the bytes of its responses. */
async function throttle(context: BrowserContext, page: Page): Promise<() => { js: number; css: number; total: number; requests: number }> {
  const cdp = await context.newCDPSession(page)
  const types = new Map<string, string>()
  const bytes = new Map<string, number>()
  cdp.on('Network.responseReceived', (e) => types.set(e.requestId, e.type))
  cdp.on('Network.loadingFinished', (e) => bytes.set(e.requestId, e.encodedDataLength))
  await cdp.send('Network.enable')
  await cdp.send('Network.emulateNetworkConditions', {
    offline: false,
    latency: rtt,
    downloadThroughput: (kbps * 1000) / 8,
    uploadThroughput: (kbps * 1000) / 8,
  })
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: cpuRate })
  return () => {
    let js = 0
    let css = 0
    let total = 0
    for (const [id, n] of bytes) {
      total += n
      if (types.get(id) === 'Script') js += n
      if (types.get(id) === 'Stylesheet') css += n
    }
    return { js, css, total, requests: bytes.size }
  }
}

/** A phone-sized context (touch, mobile), logged in as `who` if given. */
async function phoneContext(browser: Browser, url: string, who: Login | null, serviceWorkers: 'allow' | 'block'): Promise<BrowserContext> {
  const context = await browser.newContext({
    viewport: PHONE,
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
    locale: 'zh-CN',
    serviceWorkers,
  })
  if (who) await context.addCookies(who.cookies.map((c) => ({ ...c, url })))
  await context.addInitScript(WATCH_LONG_TASKS)
  return context
}

/** Opens `pagePath` in `page` (throttled) and measures it. */
async function measureOpen(context: BrowserContext, page: Page, url: string, pagePath: string): Promise<Load> {
  const counted = await throttle(context, page)
  const res = await page.goto(`${url}${pagePath}`, { waitUntil: 'load', timeout: 180_000 })
  // A page that is not there (say dist/web rebuilt by someone else mid-run) would measure as fast.
  if (res?.status() !== 200) throw new Error(`${pagePath}: HTTP ${res?.status() ?? 'no answer'} (dist/web rebuilt during the run?)`)
  const ready = (await page.evaluate(APP_READY)) as number | null
  const { dcl, quiet } = (await page.evaluate(QUIET_TTI)) as { dcl: number; quiet: number }
  const b = counted()
  return { jsBytes: b.js, cssBytes: b.css, totalBytes: b.total, requests: b.requests, dcl, ready, quiet }
}

/** A first visit in a new context (empty cache, no service worker). */
async function firstVisit(browser: Browser, url: string, pagePath: string, who: Login | null): Promise<Load> {
  const context = await phoneContext(browser, url, who, 'block')
  try {
    return await measureOpen(context, await context.newPage(), url, pagePath)
  } finally {
    await context.close()
  }
}

/** A first visit unthrottled that installs the service worker, then a measured second visit online and one offline. */
async function repeatVisits(browser: Browser, url: string, who: Login): Promise<{ online: Load; offline: Load }> {
  const context = await phoneContext(browser, url, who, 'allow')
  try {
    const first = await context.newPage()
    await first.goto(`${url}/m`)
    // The app registers the worker (web/src/m/pwa.ts); register here too in case it has not yet.
    await first.evaluate(`navigator.serviceWorker.register('/m-sw.js', { scope: '/m' }).then(() => navigator.serviceWorker.ready)`)
    await first.waitForFunction('navigator.serviceWorker.controller !== null', null, { timeout: 60_000 })
    await first.close()
    const online = await measureOpen(context, await context.newPage(), url, '/m')
    await context.setOffline(true)
    const offline = await measureOpen(context, await context.newPage(), url, '/m')
    return { online, offline }
  } finally {
    await context.close()
  }
}

/** Opens the bench database (seeding it once), the server with logins, and a grid worker's login. */
async function start(): Promise<{ url: string; worker: Login; close(): Promise<void> }> {
  const dir = path.join(ROOT_DIR, '.tmp', 'bench-phone')
  fs.mkdirSync(dir, { recursive: true })
  const db = await openDatabase({ dataDir: dir, migrate: true })
  if (!(await seedStatus(db))) {
    console.log('seeding the small demo data into .tmp/bench-phone (once)…')
    await seedDemo(db, { size: 'small' })
  }
  if (!(await findLogin(db.sql, 'bench-grid'))) {
    const [grid] = await db.sql<{ code: string }[]>`SELECT code FROM admin_areas WHERE level = 'grid' ORDER BY code LIMIT 1`
    await createUser(
      db.sql,
      { username: 'bench-grid', displayName: '网格员（测试）', role: 'grid', areaCodes: [grid!.code], password: PASSWORD },
      'bench',
    )
  }
  const server = await listen(
    db,
    loadConfig({ PORT: '0', HOST: '127.0.0.1', SEED: 'none', DATA_DIR: dir, ...QUIET, AUTH_ANONYMOUS_ROLE: '' }),
  )
  const url = server.url.replace(/\/$/, '')
  const worker = await login(url, 'bench-grid', PASSWORD)
  return {
    url,
    worker,
    async close() {
      await server.close()
      await db.close()
    },
  }
}

const kB = (n: number) => `${(n / 1000).toFixed(1)} kB`
const sec = (ms: number | null) => (ms == null ? '—' : `${(ms / 1000).toFixed(2)} s`)

/** One line of medians for a page's loads. */
function line(name: string, loads: readonly Load[]): string {
  const med = (f: (l: Load) => number) => median(loads.map(f))
  const readies = loads.map((l) => l.ready).filter((r): r is number => r != null)
  return [
    name.padEnd(22),
    `JS ${kB(med((l) => l.jsBytes)).padStart(9)}`,
    `CSS ${kB(med((l) => l.cssBytes)).padStart(8)}`,
    `all ${kB(med((l) => l.totalBytes)).padStart(9)} in ${String(med((l) => l.requests)).padStart(3)} requests`,
    `DOMContentLoaded ${sec(med((l) => l.dcl))}`,
    `ready ${readies.length === loads.length ? sec(median(readies)) : '—'}`,
    `quiet ${sec(med((l) => l.quiet))}`,
  ].join('  ')
}

async function main(): Promise<void> {
  await ensureWebBuilt((m) => console.log(m))
  const built = firstLoad(WEB_DIST_DIR, 'm.html')
  const builtJs = gzipTotal(built, 'js')
  const server = await start()
  const pages: { name: string; path: string; who: Login | null }[] = [
    { name: '/m (phone app)', path: '/m', who: server.worker },
    { name: '/login (floor)', path: '/login', who: null },
    { name: '/desk (baseline)', path: '/desk', who: server.worker },
  ]
  const loads: Record<string, Load[]> = Object.fromEntries(pages.map((p) => [p.name, []]))
  const repeat: { online: Load[]; offline: Load[] } = { online: [], offline: [] }
  const host: number[] = []
  hostCheck()
  try {
    for (let i = 0; i < runs; i++) {
      host.push(hostCheck())
      const browser = await launchBrowser()
      try {
        for (const p of pages) {
          const l = await firstVisit(browser, server.url, p.path, p.who)
          loads[p.name]!.push(l)
          console.log(`run ${i + 1} ${line(p.name, [l])}`)
        }
        const r = await repeatVisits(browser, server.url, server.worker)
        repeat.online.push(r.online)
        repeat.offline.push(r.offline)
        console.log(`run ${i + 1} ${line('/m again (SW)', [r.online])}`)
        console.log(`run ${i + 1} ${line('/m offline (SW)', [r.offline])}`)
      } finally {
        await browser.close()
      }
    }
  } finally {
    await server.close()
  }
  console.log('')
  console.log(
    `phone ${PHONE.width}×${PHONE.height}, touch, CPU ÷${cpuRate}, ${kbps} kbit/s, ${rtt} ms RTT; medians of ${runs} run(s); bytes as transferred (gzip + headers):`,
  )
  for (const p of pages) console.log(`  ${line(p.name, loads[p.name]!)}`)
  console.log(`  ${line('/m again (SW)', repeat.online)}`)
  console.log(`  ${line('/m offline (SW)', repeat.offline)}`)
  const verdict = builtJs <= PHONE_JS_BUDGET_BYTES ? 'within' : 'OVER'
  console.log(
    `  built first load of /m (dist/web/m.html, ${built.filter((f) => f.kind === 'js').length} JS files): ${kB(builtJs)} JS gzipped, ${verdict} the ${kB(PHONE_JS_BUDGET_BYTES)} budget`,
  )
  console.log(`  host check before each run (host-check.ts; lower is faster): ${hostRange(host)}`)
  const out = path.join(ROOT_DIR, '.tmp', 'bench-phone.json')
  fs.writeFileSync(out, JSON.stringify({ cpuRate, kbps, rtt, loads, repeat, built, host }, null, 2))
  console.log(`  details: ${path.relative(ROOT_DIR, out)}`)
}

main().catch((err: unknown) => {
  console.error(err)
  process.exit(1)
})
