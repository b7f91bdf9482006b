/**
 * `npm run bench:wall`: time to the first complete render of the command-center wall (/wall) in
 * headless Chromium with software WebGL (SwiftShader) over the `small` demo data: from navigation
 * to every panel filled and the map idle (window.__wall.ready), cold (new browser context, empty
 * cache) and warm (same context, cached assets), with the page's own milestones.
 *
 *   npm run bench:wall [-- --runs 3 --size 1920x1080 --trace --profile]
 *
 * `--trace` prints each cold load's requests, long frames and shader waits (page-trace.ts);
 * `--profile` saves its main-thread CPU profile as .tmp/bench-wall-N.cpuprofile.
 *
 * Needs the web build (made if stale) and the system `chromium`; seeds a fresh test database
 * (embedded unless DATABASE_URL is set), which takes a minute or two on PGlite.
 */
import { parseArgs } from 'node:util'

import { loadConfig } from '../../server/config.ts'
import { seedDemo } from '../../server/seed/run.ts'
import { listen } from '../../server/server.ts'
import { createTestDb } from '../../server/testing/db.ts'
import { TEST_SEED_END } from '../../server/testing/harness.ts'
import { ensureWebBuilt } from '../../server/web/static.ts'
import { launchBrowser, openWatchedPage } from '../../web/test/browser.ts'
import { hostCheck, hostRange } from './host-check.ts'
import { tracePage, waitForTileWarmup } from './page-trace.ts'
import { QUIET } from './quiet.ts'
import { median } from './stats.ts'

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    size: { type: 'string', default: '1920x1080' },
    profile: { type: 'boolean' },
    trace: { type: 'boolean' },
  },
})
const runs = Math.max(1, Number(values.runs))
const [width, height] = values.size.split('x').map(Number) as [number, number]

const fmt = (ms: number) => `${(ms / 1000).toFixed(2)} s`

async function main(): Promise<void> {
  await ensureWebBuilt((m) => console.log(m))
  const t = await createTestDb()
  const seeded = Date.now()
  console.log(`seeding the small demo data (${t.databaseUrl ? 'native' : 'embedded'})…`)
  await seedDemo(t.db, { size: 'small', only: null, end: TEST_SEED_END })
  console.log(`seeded in ${fmt(Date.now() - seeded)}`)
  // No model runs in the background (QUIET); the tile warm-up on, as `npm start` has it, and done.
  const server = await listen(
    t.db,
    loadConfig({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: t.dataDir, SEED: 'none', ...QUIET, TILE_WARMUP: 'true' }),
  )
  await waitForTileWarmup(server.url)
  const browser = await launchBrowser()
  const results: { kind: string; ms: number; marks: Record<string, number> }[] = []
  const host: number[] = []
  try {
    // One untimed load warms the server's caches (rankings, tiles) as a running wall would have them.
    const warmup = await openWatchedPage(browser, { width, height })
    await warmup.page.goto(`${server.url}/wall`)
    await warmup.page.waitForFunction(() => window.__wall !== undefined)
    await warmup.page.evaluate(() => window.__wall!.ready)
    // A running wall keeps drawing (the rotation's flights, its live dot): parked on a blank page
    // between its own loads, so that it does not share the GPU process with the load being timed.
    const park = () => warmup.page.goto('about:blank')
    await park()
    hostCheck() // compiled once, so the timed checks measure the host, not the JIT
    for (let i = 0; i < runs; i++) {
      host.push(hostCheck())
      for (const kind of ['cold', 'warm'] as const) {
        const p = kind === 'warm' ? warmup : await openWatchedPage(browser, { width, height })
        const trace = kind === 'cold' && (values.trace || values.profile) ? await tracePage(p, { profile: values.profile }) : null
        const started = Date.now()
        await p.page.goto(`${server.url}/wall`)
        await p.page.waitForFunction(() => window.__wall !== undefined, null, { timeout: 120_000 })
        await p.page.evaluate(() => window.__wall!.ready)
        const ms = Date.now() - started
        const profile = await trace?.saveProfile(`bench-wall-${i + 1}`)
        if (profile) console.log(`  CPU profile: ${profile}`)
        const marks = await p.page.evaluate(() =>
          Object.fromEntries(performance.getEntriesByType('mark').map((m) => [m.name, Math.round(m.startTime)])),
        )
        if (p.errors.length > 0) console.log(`  console errors: ${p.errors.join('; ')}`)
        results.push({ kind, ms, marks })
        console.log(
          `run ${i + 1} ${kind}: ${fmt(ms)}  (${Object.entries(marks)
            .map(([k, v]) => `${k.replace('wall:', '')} ${v}`)
            .join(', ')} ms)`,
        )
        if (values.trace && trace) console.log((await trace.timeline()).map((l) => `    ${l}`).join('\n'))
        if (kind === 'cold') await p.context.close()
        else await park()
      }
    }
  } finally {
    await browser.close()
    await server.close()
    await t.drop()
  }
  console.log(`\n/wall first complete render, ${width}×${height}, SwiftShader, small data, ${runs} run(s):`)
  for (const kind of ['cold', 'warm']) {
    const xs = results.filter((r) => r.kind === kind).map((r) => r.ms)
    console.log(`  ${kind.padEnd(4)}  median ${fmt(median(xs))}  min ${fmt(Math.min(...xs))}  max ${fmt(Math.max(...xs))}`)
  }
  console.log(`  host check before each run (host-check.ts; lower is faster): ${hostRange(host)}`)
}

await main()
