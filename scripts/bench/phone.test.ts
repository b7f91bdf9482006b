/**
 * The phone app's size budget on the built files (the test setup builds dist/web when stale):
 * the first load of /m is at most 150 kB of JavaScript gzipped, MapLibre is not part of it, and
 * the service worker precaches all of it (and not MapLibre). `npm run bench:phone` measures the
 * same page in a throttled browser.
 */
import fs from 'node:fs'
import path from 'node:path'

import { describe, expect, it } from 'vitest'

import { WEB_DIST_DIR } from '../../server/web/static.ts'
import { firstLoad, gzipTotal, PHONE_JS_BUDGET_BYTES, staticImports } from './first-load.ts'

describe('staticImports', () => {
  it('reads static imports and re-exports of a minified chunk, not dynamic imports', () => {
    const code = `import{c as e,n as t}from"./dom-1.js";import"./side-2.js";export{x}from"./re-3.js";const m=()=>import("./map-4.js");`
    expect(staticImports(code, 'assets/m-0.js').sort()).toEqual(['assets/dom-1.js', 'assets/re-3.js', 'assets/side-2.js'])
  })
})

describe('the phone app’s first load (dist/web/m.html)', () => {
  const files = firstLoad(WEB_DIST_DIR, 'm.html')
  const js = gzipTotal(files, 'js')

  it(`is at most ${PHONE_JS_BUDGET_BYTES / 1000} kB of JavaScript gzipped`, () => {
    const list = files.map((f) => `${f.file} ${(f.gzip / 1000).toFixed(1)} kB`).join(', ')
    expect(js, `first-load JavaScript ${(js / 1000).toFixed(1)} kB gzipped: ${list}`).toBeLessThanOrEqual(PHONE_JS_BUDGET_BYTES)
    expect(files.some((f) => f.kind === 'js')).toBe(true)
  })

  it('does not load MapLibre', () => {
    for (const f of files.filter((x) => x.kind === 'js')) {
      expect(f.file).not.toMatch(/maplibre/i)
      expect(fs.readFileSync(path.join(WEB_DIST_DIR, f.file), 'utf8')).not.toContain('maplibregl')
    }
  })

  it('is precached by the service worker, which leaves MapLibre to the map tab', () => {
    const sw = fs.readFileSync(path.join(WEB_DIST_DIR, 'm-sw.js'), 'utf8')
    for (const f of files) expect(sw).toContain(`"${f.file}"`)
    expect(sw).toContain('"m.html"')
    expect(sw).not.toMatch(/"assets\/maplibre-gl[^"]*"/)
  })
})
