/**
 * Where a page's first load spends its time, for bench:web and bench:wall (`--trace`, `--profile`):
 * - every request (the page's, and its workers' tile requests, which its resource timing lacks);
 * - every frame over 50 ms (Long Animation Frames: start, length, the script that took longest);
 * - shader programs linked and the time the main thread waited for their status (where software
 *   WebGL's shader compiles show);
 * - optionally a main-thread CPU profile (.cpuprofile, for Chromium's DevTools).
 */
import fs from 'node:fs'
import path from 'node:path'

import type { CDPSession } from 'playwright-core'

import { WarmupStatusSchema } from '../../server/tiles/warmup.ts'
import { ROOT_DIR } from '../../server/web/static.ts'
import type { WatchedPage } from '../../web/test/browser.ts'

/**
 * Waits for the server's start-up tile warm-up (TILE_WARMUP) to end and says how it went, so a
 * benchmark's first page meets the server as a user would a minute after a restart.
 * @example await waitForTileWarmup('http://127.0.0.1:8080') // logs 'tile warm-up: done, 81 tiles in 2.9 s'
 */
export async function waitForTileWarmup(url: string): Promise<void> {
  for (;;) {
    const w = WarmupStatusSchema.parse(await (await fetch(`${url}/api/tiles/warmup`)).json())
    if (w.state !== 'running') {
      console.log(`tile warm-up: ${w.state}, ${w.tiles} tiles in ${((w.ms ?? 0) / 1000).toFixed(1)} s`)
      return
    }
    await new Promise((ok) => setTimeout(ok, 200))
  }
}

/** What the page records: long frames, WebGL events (programs linked, slow set-up calls), status waits. */
interface TraceState {
  frames: { start: number; ms: number; script: string }[]
  webgl: { start: number; kind: 'program' | 'call'; label: string }[]
  waitMs: number
}

/** Page init script: long frames and shader waits into `window.__trace`. */
function traceInit(): void {
  const w = window as unknown as { __trace: TraceState }
  w.__trace = { frames: [], webgl: [], waitMs: 0 }
  const proto = WebGL2RenderingContext.prototype
  // eslint-disable-next-line @typescript-eslint/unbound-method -- wrapped, and called with this
  const link = proto.linkProgram
  proto.linkProgram = function (p) {
    // Which program: deck.gl names its shaders; MapLibre's show by their attributes and the
    // paint properties it made uniforms (HAS_UNIFORM_u_*), whose mix picks the variant.
    const sources = (this.getAttachedShaders(p) ?? []).map((sh) => this.getShaderSource(sh) ?? '')
    const all = sources.join('\n')
    const name = /#define SHADER_NAME\s+(\S+)/.exec(all)?.[1]
    const attributes = [...new Set(all.match(/\ba_\w+/g) ?? [])].join(',')
    const uniforms = [...new Set([...all.matchAll(/#define HAS_UNIFORM_u_(\w+)/g)].map((m) => m[1]))].join(',')
    w.__trace.webgl.push({
      start: Math.round(performance.now()),
      kind: 'program',
      label: name ?? `maplibre attributes ${attributes} uniforms ${uniforms}`,
    })
    return link.call(this, p)
  }
  // Creating the WebGL context, and the calls that wait for the GPU process's answer while a map sets up.
  // eslint-disable-next-line @typescript-eslint/unbound-method -- wrapped, and called with this
  const getContext = HTMLCanvasElement.prototype.getContext as (this: HTMLCanvasElement, id: string, o?: unknown) => unknown
  ;(HTMLCanvasElement.prototype as unknown as Record<string, unknown>).getContext = function (
    this: HTMLCanvasElement,
    id: string,
    o?: unknown,
  ) {
    const t = performance.now()
    const r = getContext.call(this, id, o)
    if (/webgl/.test(id))
      w.__trace.webgl.push({
        start: Math.round(t),
        kind: 'call',
        label: `getContext(${id}) ${this.width}×${this.height}: ${Math.round(performance.now() - t)} ms`,
      })
    return r
  }
  for (const name of ['getExtension', 'getParameter', 'getSupportedExtensions'] as const) {
    // eslint-disable-next-line @typescript-eslint/unbound-method -- wrapped, and called with this
    const orig = proto[name] as (this: WebGL2RenderingContext, ...a: unknown[]) => unknown
    ;(proto as unknown as Record<string, unknown>)[name] = function (this: WebGL2RenderingContext, ...a: unknown[]) {
      const t = performance.now()
      const r = orig.apply(this, a)
      const ms = performance.now() - t
      if (ms > 20) w.__trace.webgl.push({ start: Math.round(t), kind: 'call', label: `${name}(${String(a[0])}): ${Math.round(ms)} ms` })
      return r
    }
  }
  for (const name of ['getProgramParameter', 'getShaderParameter'] as const) {
    // eslint-disable-next-line @typescript-eslint/unbound-method -- wrapped, and called with this
    const orig = proto[name] as (this: WebGL2RenderingContext, a: unknown, b: number) => unknown
    ;(proto as unknown as Record<string, unknown>)[name] = function (this: WebGL2RenderingContext, a: unknown, b: number) {
      const t = performance.now()
      const r = orig.call(this, a, b)
      w.__trace.waitMs += performance.now() - t
      return r
    }
  }
  new PerformanceObserver((list) => {
    for (const e of list.getEntries() as (PerformanceEntry & {
      scripts?: { duration: number; sourceFunctionName: string; invoker: string }[]
    })[]) {
      const top = [...(e.scripts ?? [])].sort((a, b) => b.duration - a.duration)[0]
      w.__trace.frames.push({
        start: Math.round(e.startTime),
        ms: Math.round(e.duration),
        script: top ? `${top.invoker} ${top.sourceFunctionName} ${Math.round(top.duration)} ms` : '',
      })
    }
  }).observe({ type: 'long-animation-frame', buffered: true })
}

export interface PageTrace {
  /** The timeline as lines, in time order, ending with the shader summary. */
  timeline(): Promise<string[]>
  /** Stops the CPU profile (if one runs) and saves it; returns its path. */
  saveProfile(name: string): Promise<string | null>
}

/**
 * Starts tracing a page before it navigates.
 * @example const trace = await tracePage(page, { profile: true }); await page.page.goto(url); console.log((await trace.timeline()).join('\n'))
 */
export async function tracePage(page: WatchedPage, opts: { profile?: boolean } = {}): Promise<PageTrace> {
  await page.page.addInitScript(traceInit)
  const tiles: { start: number; end: number; path: string }[] = []
  page.page.on('requestfinished', (r) => {
    const u = new URL(r.url())
    if (!u.pathname.startsWith('/tiles/')) return
    const t = r.timing()
    tiles.push({ start: t.startTime, end: t.startTime + t.responseEnd, path: u.pathname })
  })
  let cdp: CDPSession | null = null
  if (opts.profile) {
    cdp = await page.context.newCDPSession(page.page)
    await cdp.send('Profiler.enable')
    await cdp.send('Profiler.setSamplingInterval', { interval: 500 })
    await cdp.send('Profiler.start')
  }
  return {
    timeline: () =>
      page.page.evaluate((tileRequests) => {
        const lines: [number, string][] = []
        for (const r of tileRequests) {
          const start = r.start - performance.timeOrigin
          lines.push([start, `tile ${Math.round(start)} → ${Math.round(r.end - performance.timeOrigin)} ms ${r.path}`])
        }
        for (const r of performance.getEntriesByType('resource') as PerformanceResourceTiming[]) {
          const u = new URL(r.name)
          lines.push([
            r.startTime,
            `request ${Math.round(r.startTime)} → ${Math.round(r.responseEnd)} ms ${u.pathname}${u.search.slice(0, 40)}`,
          ])
        }
        for (const m of performance.getEntriesByType('mark')) lines.push([m.startTime, `mark ${Math.round(m.startTime)} ${m.name}`])
        const t = (window as unknown as { __trace?: TraceState }).__trace
        for (const f of t?.frames ?? []) lines.push([f.start, `frame ${f.start} +${f.ms} ms ${f.script}`])
        for (const e of t?.webgl ?? []) lines.push([e.start, `${e.kind === 'program' ? 'program' : 'webgl'} ${e.start} ${e.label}`])
        if (t)
          lines.push([
            Infinity,
            `WebGL: ${t.webgl.filter((e) => e.kind === 'program').length} programs linked; the main thread waited ${Math.round(t.waitMs)} ms for their status`,
          ])
        return lines.sort((a, b) => a[0] - b[0]).map((l) => l[1])
      }, tiles),
    async saveProfile(name) {
      if (!cdp) return null
      const { profile } = await cdp.send('Profiler.stop')
      const file = path.join(ROOT_DIR, '.tmp', `${name}.cpuprofile`)
      fs.writeFileSync(file, JSON.stringify(profile))
      return path.relative(ROOT_DIR, file)
    },
  }
}
