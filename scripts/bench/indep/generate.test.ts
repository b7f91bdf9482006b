import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import { parse } from 'csv-parse/sync'
import { afterAll, describe, expect, it } from 'vitest'

import { BASE_COLUMNS } from './base.ts'
import { toFeatureCollection } from './fixtures.ts'
import { generateIndependentSet, parseAreas, parseArgs, readQueries } from './generate.ts'
import { testAreas } from './testkit.ts'

const dirs: string[] = []
const tmp = () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'indep-'))
  dirs.push(d)
  return d
}
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })))

describe('generateIndependentSet', () => {
  it('writes base, gazetteer, queries and summary, byte-identical for the same seed', async () => {
    const areas = parseAreas(toFeatureCollection(testAreas()))
    const a = await generateIndependentSet({ areas, count: 5000, seed: 'g', outDir: tmp(), perKind: 20 })
    const b = await generateIndependentSet({ areas, count: 5000, seed: 'g', outDir: tmp(), perKind: 20 })
    for (const f of ['baseCsv', 'gazetteerCsv', 'queriesPath'] as const)
      expect(fs.readFileSync(a[f], 'utf8')).toBe(fs.readFileSync(b[f], 'utf8'))
    const base = parse(fs.readFileSync(a.baseCsv, 'utf8'), { columns: true }) as Record<string, string>[]
    expect(base).toHaveLength(5000)
    expect(Object.keys(base[0]!)).toEqual([...BASE_COLUMNS])
    const gaz = parse(fs.readFileSync(a.gazetteerCsv, 'utf8'), { columns: true }) as Record<string, string>[]
    expect(Object.keys(gaz[0]!)).toEqual(['name', 'alias_of', 'lng', 'lat', 'level', 'town_code'])
    expect(gaz).toContainEqual({ name: '坎山镇', alias_of: '瓜沥镇', lng: '', lat: '', level: 'town', town_code: '' })
    expect(gaz.filter((g) => g.level === 'compound').every((g) => g.lng && g.lat && g.town_code && !g.alias_of)).toBe(true)
    const queries = await readQueries(a.queriesPath)
    expect(queries.length).toBe(Object.values(a.counts).reduce((x, y) => x + y, 0))
    expect(Object.values(a.counts).every((n) => n === 20)).toBe(true)
    const summary = JSON.parse(fs.readFileSync(a.summaryPath, 'utf8')) as { base: { rows: number }; shortKinds: string[] }
    expect(summary.base.rows).toBe(5000)
    expect(summary.shortKinds).toEqual([])
  })
})

describe('CLI helpers', () => {
  it('reads Polygon and MultiPolygon features and skips other levels', () => {
    const ring = [
      [120, 30],
      [120.01, 30],
      [120.01, 30.01],
      [120, 30],
    ]
    const areas = parseAreas({
      type: 'FeatureCollection',
      features: [
        {
          type: 'Feature',
          properties: { code: '1', name: '瓜沥镇', level: 'town', parent_code: null },
          geometry: { type: 'Polygon', coordinates: [ring] },
        },
        {
          type: 'Feature',
          properties: { code: '2', name: 'g', level: 'grid', parent_code: '1' },
          geometry: { type: 'Polygon', coordinates: [ring] },
        },
      ],
    })
    expect(areas).toHaveLength(1)
    expect(areas[0]).toMatchObject({ code: '1', level: 'town', parentCode: null, geometry: { type: 'MultiPolygon' } })
  })

  it('parses arguments with defaults', () => {
    expect(parseArgs(['--areas', 'a.geojson', '--out', 'o'])).toEqual({
      areas: 'a.geojson',
      out: 'o',
      count: 100000,
      seed: 'indep',
      partsRate: 0.7,
      perKind: 300,
      borderRate: 0.02,
      dupNames: true,
    })
    expect(parseArgs(['--areas', 'a', '--out', 'o', '--count', '50', '--per-kind', '7', '--parts-rate', '0.5']).count).toBe(50)
    expect(parseArgs(['--areas', 'a', '--out', 'o', '--dup-names', '0']).dupNames).toBe(false)
    expect(() => parseArgs(['--areas', 'a'])).toThrow(/usage/)
  })
})
