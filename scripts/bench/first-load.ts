/**
 * What a built page loads before any code of its own asks for more: the module graph of
 * dist/web/<page>.html (its module scripts, module preloads and stylesheets, and every file those
 * scripts import statically), with each file's gzip size, as our server sends it (compression,
 * zlib's default level). Lazy chunks (`import()`, such as MapLibre's for the phone app's map tab)
 * are not part of it. Used by the phone app's budget test and bench:phone.
 */
import fs from 'node:fs'
import path from 'node:path'
import { gzipSync } from 'node:zlib'

import { htmlRoots } from '../vite/phone-pwa.ts'

/**
 * The files a built JavaScript chunk imports statically (`import … from "./x.js"`, `import "./x.js"`,
 * `export … from "./x.js"`), as paths relative to the output folder; `import("…")` is not static.
 * @example staticImports('import{a as b}from"./dom-1.js";import("./map-2.js")', 'assets/m-3.js') // ['assets/dom-1.js']
 */
export function staticImports(code: string, fileName: string): string[] {
  const dir = path.posix.dirname(fileName)
  const out = new Set<string>()
  for (const m of code.matchAll(/(?:^|[;}\s)])(?:import|export)\s*(?:[\w$*{}\s,]+?\s*from\s*)?["']([^"']+\.js)["']/g)) {
    const spec = m[1]!
    if (spec.startsWith('./') || spec.startsWith('../')) out.add(path.posix.normalize(path.posix.join(dir, spec)))
    else if (spec.startsWith('/')) out.add(spec.slice(1))
  }
  return [...out]
}

/** One file of a page's first load. */
export interface LoadedFile {
  file: string
  kind: 'js' | 'css'
  bytes: number
  gzip: number
}

/**
 * The first load of a built page: every JS and CSS file it needs before its code runs, with sizes.
 * @example firstLoad('dist/web', 'm.html').filter((f) => f.kind === 'js').reduce((n, f) => n + f.gzip, 0)
 */
export function firstLoad(distDir: string, html: string): LoadedFile[] {
  const page = fs.readFileSync(path.join(distDir, html), 'utf8')
  const seen = new Map<string, LoadedFile>()
  const queue = htmlRoots(page)
  while (queue.length > 0) {
    const file = queue.shift()!
    if (seen.has(file) || !/\.(js|css)$/.test(file)) continue
    const body = fs.readFileSync(path.join(distDir, file))
    const kind = file.endsWith('.js') ? 'js' : 'css'
    seen.set(file, { file, kind, bytes: body.length, gzip: gzipSync(body).length })
    if (kind === 'js') queue.push(...staticImports(body.toString('utf8'), file))
  }
  return [...seen.values()]
}

/** The phone app's budget: the JavaScript of its first load, gzipped, MapLibre excluded (issue 25). */
export const PHONE_JS_BUDGET_BYTES = 150_000

/**
 * Sums a first load's gzip bytes of one kind.
 * @example gzipTotal(firstLoad('dist/web', 'm.html'), 'js')
 */
export function gzipTotal(files: readonly LoadedFile[], kind: LoadedFile['kind']): number {
  return files.filter((f) => f.kind === kind).reduce((n, f) => n + f.gzip, 0)
}
