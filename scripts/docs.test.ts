/**
 * The docs a newcomer navigates by stay true to the tree: every relative link in README.md and
 * docs/*.md opens a file (and a heading, when it names one), every server/ folder is on the
 * README's architecture map, a request's handler is found from its path in one guess (or the map
 * names the exception), every path the docs name exists, and the configuration table and the
 * `npm run` commands match the code.
 */
import fs from 'node:fs'
import path from 'node:path'

import { describe, expect, it } from 'vitest'

import { ConfigSchema } from '../server/config.ts'

const ROOT = path.resolve(import.meta.dirname, '..')
const read = (rel: string) => fs.readFileSync(path.join(ROOT, rel), 'utf8')
const DOCS = [
  'README.md',
  ...fs
    .readdirSync(path.join(ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
]

/** Markdown without its fenced code blocks (links and headings inside them are not links). */
const prose = (md: string) => md.replace(/^```[\s\S]*?^```/gm, '')

/**
 * GitHub's anchor for a heading: lower case, punctuation dropped (letters of any script kept),
 * spaces to hyphens.
 * @example slug('Native PostgreSQL + PostGIS (production scale)') // 'native-postgresql--postgis-production-scale'
 */
export function slug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
    .replace(/ /g, '-')
}

/** The anchors a Markdown file offers: its headings' slugs (repeats numbered, as GitHub does) and explicit `<a id>`s. */
function anchorsOf(md: string): Set<string> {
  const seen = new Map<string, number>()
  const out = new Set<string>()
  for (const m of prose(md).matchAll(/^#{1,6} +(.+?) *#*$/gm)) {
    const base = slug(m[1]!.replace(/`/g, ''))
    const n = seen.get(base) ?? 0
    seen.set(base, n + 1)
    out.add(n === 0 ? base : `${base}-${n}`)
  }
  for (const m of md.matchAll(/<a id="([^"]+)"/g)) out.add(m[1]!)
  return out
}

/** The README's architecture map: the fenced block under `## Architecture`. */
function architectureMap(): string {
  const readme = read('README.md')
  const section = readme.slice(readme.indexOf('\n## Architecture'))
  const block = /^```\n([\s\S]*?)^```/m.exec(section)
  if (!block) throw new Error('README.md has no code block under ## Architecture')
  return block[1]!
}

/** Each `server/` folder's entry on the map (its line and the indented lines that continue it). */
function mapEntries(): Map<string, string> {
  const entries = new Map<string, string>()
  let current: string | null = null
  for (const line of architectureMap().split('\n')) {
    const head = /^ {2}([a-z][\w-]*)\/ /.exec(line)
    if (head) entries.set((current = head[1]!), line)
    else if (current && /^ {3,}\S/.test(line)) entries.set(current, `${entries.get(current)}\n${line}`)
    else current = null
  }
  return entries
}

/** Route paths declared with string literals in server/, with the folder that declares each. */
function routes(): { folder: string; file: string; path: string }[] {
  const out: { folder: string; file: string; path: string }[] = []
  for (const entry of fs.readdirSync(path.join(ROOT, 'server'), { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.ts') || entry.name.endsWith('.test.ts')) continue
    const file = path.relative(ROOT, path.join(entry.parentPath, entry.name))
    const folder = file.split(path.sep)[1]!
    for (const m of read(file).matchAll(/\b(?:router|app)\.(?:get|post|put|patch|delete|head)\(\s*'(\/[^']*)'/g)) {
      out.push({ folder, file, path: m[1]! })
    }
  }
  return out
}

describe('the docs a newcomer reads', () => {
  it('every relative link in README.md and docs/*.md opens an existing file, at an existing heading', () => {
    const broken: string[] = []
    for (const doc of DOCS) {
      for (const m of prose(read(doc)).matchAll(/\]\(([^)\s]+)\)/g)) {
        const target = m[1]!
        if (/^[a-z]+:/i.test(target)) continue // http:, https:, mailto:
        const [file, anchor] = target.split('#') as [string, string | undefined]
        const resolved = file === '' ? doc : path.normalize(path.join(path.dirname(doc), file))
        if (!fs.existsSync(path.join(ROOT, resolved))) {
          broken.push(`${doc}: ${target} (no file ${resolved})`)
          continue
        }
        if (anchor && resolved.endsWith('.md') && !anchorsOf(read(resolved)).has(decodeURIComponent(anchor))) {
          broken.push(`${doc}: ${target} (no heading #${anchor} in ${resolved})`)
        }
      }
    }
    expect(broken).toEqual([])
  })

  it('every file or folder of the tree that the docs name exists (code moves take their docs along)', () => {
    const gone: string[] = []
    for (const doc of DOCS) {
      const text = read(doc)
      const named = [
        ...[...text.matchAll(/`((?:server|web|scripts|migrations|data|docs|\.ci)\/[\w./-]*)`/g)].map((m) => m[1]!),
        ...[
          ...text.matchAll(
            /(?<![\w/`.])((?:server|web|scripts|migrations|data)\/[\w-]+(?:\/[\w.-]+)*\.(?:ts|sql|csv|json|md|py|mjs|html))/g,
          ),
        ].map((m) => m[1]!),
      ]
      for (const p of new Set(named)) {
        if (p.includes('NNN')) continue // the migrations' naming pattern, not a file
        if (!fs.existsSync(path.join(ROOT, p))) gone.push(`${doc}: ${p}`)
      }
    }
    expect(gone).toEqual([])
  })

  it('the README architecture map names every server/ folder, and only folders that exist', () => {
    const folders = fs
      .readdirSync(path.join(ROOT, 'server'), { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => d.name)
      .sort()
    expect([...mapEntries().keys()].sort()).toEqual(folders)
  })

  it('the map names every top-level folder a newcomer works in', () => {
    const top = architectureMap()
      .split('\n')
      .map((l) => /^([a-z][\w-]*)\/(?: |$)/.exec(l)?.[1])
      .filter(Boolean)
    for (const dir of ['server', 'web', 'migrations', 'scripts', 'data', 'docs']) {
      expect(fs.existsSync(path.join(ROOT, dir))).toBe(true)
      expect(top).toContain(dir)
    }
  })

  it("a request's handler is found in one guess: server/<the path's first segment>/, or the map names the exception", () => {
    const entries = mapEntries()
    const unfound: string[] = []
    for (const r of routes()) {
      const segments = r.path.split('/').filter(Boolean)
      // The first segment after /api/ (or the first, outside /api), without a file extension.
      const first = (segments[0] === 'api' ? segments[1] : segments[0])?.replace(/\.\w+$/, '') ?? ''
      const prefix = segments[0] === 'api' ? `/api/${first}` : `/${first}`
      const guess = first
      if (guess === r.folder) continue
      if (!entries.get(r.folder)?.includes(prefix))
        unfound.push(`${r.path} (${r.file}): the map's ${r.folder}/ entry does not say ${prefix}`)
    }
    expect(unfound).toEqual([])
  })

  it('the configuration table lists exactly the variables server/config.ts reads', () => {
    const readme = read('README.md')
    const section = readme.slice(readme.indexOf('\n## Configuration'), readme.indexOf('\n## ', readme.indexOf('\n## Configuration') + 1))
    const documented = [...section.matchAll(/^\| `([A-Z][A-Z0-9_]*)` \|/gm)].map((m) => m[1]).sort()
    expect(documented).toEqual(Object.keys(ConfigSchema.shape).sort())
  })

  it('every `npm run` command the docs mention exists in package.json', () => {
    const scripts = Object.keys((JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts)
    const missing: string[] = []
    for (const doc of DOCS) {
      for (const m of read(doc).matchAll(/npm run ([\w-]+(?::[\w-]+)?)(?![\w:])/g)) {
        if (!scripts.includes(m[1]!)) missing.push(`${doc}: npm run ${m[1]}`)
      }
    }
    expect(missing).toEqual([])
  })
})
