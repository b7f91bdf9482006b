import fs from 'node:fs'
import { builtinModules } from 'node:module'
import path from 'node:path'

import { describe, expect, it } from 'vitest'

const ROOT = path.resolve(import.meta.dirname, '..')
const SKIP = new Set(['node_modules', 'dist', '.data', '.tmp', 'fixtures', 'test-results'])

/** Every .ts/.js/.mjs file under a folder (node_modules, build output and data left out). */
function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name)
    if (e.isDirectory()) return SKIP.has(e.name) ? [] : sources(p)
    return /\.(ts|js|mjs)$/.test(e.name) ? [p] : []
  })
}

/**
 * The package a bare import names, or null for relative, node: and Vite's virtual modules.
 * @example packageOf('@turf/area') // '@turf/area'
 * @example packageOf('h3-js/dist/x.js') // 'h3-js'
 */
function packageOf(spec: string): string | null {
  if (/^(\.|\/|node:|virtual:)/.test(spec) || builtinModules.includes(spec.split('/')[0]!)) return null
  const parts = spec.split('/')
  return spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!
}

describe('package.json', () => {
  it('declares every package the code imports', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as Record<string, Record<string, string> | undefined>
    const declared = new Set([...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.devDependencies ?? {})])
    const files = [
      ...['server', 'web', 'scripts'].flatMap((d) => sources(path.join(ROOT, d))),
      path.join(ROOT, 'vite.config.ts'),
      path.join(ROOT, 'eslint.config.js'),
    ]
    const missing: string[] = []
    for (const file of files) {
      const text = fs.readFileSync(file, 'utf8')
      for (const m of text.matchAll(
        /(?:^|\n)\s*(?:import|export)\b[^'"`;]*?from\s+'([^']+)'|(?:^|\n)\s*import\s+'([^']+)'|\bimport\(\s*'([^']+)'\s*\)/g,
      )) {
        const name = packageOf(m[1] ?? m[2] ?? m[3]!)
        // Type-only packages come as @types/…
        const types = name && `@types/${name.replace(/^@/, '').replace('/', '__')}`
        if (name && !declared.has(name) && !declared.has(types!)) missing.push(`${path.relative(ROOT, file)}: ${name}`)
      }
    }
    expect(files.length).toBeGreaterThan(300)
    expect(missing).toEqual([])
  })
})
