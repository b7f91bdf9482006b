/**
 * An analyst opens the vector tiles in GDAL (and so QGIS's OGR path) as a tileset: GDAL asks for
 * `/tiles/{layer}/metadata.json` first (the MBTiles form) and types every layer's fields from it;
 * counts and ids are numbers, flags booleans, and the features read back carry those values.
 */
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'

import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { insertFullView } from '../addresses/full-view-fixtures.ts'
import { loadFixtureBase } from '../geocode/fixtures/base.ts'
import { insertIncidents } from '../ogc/fixtures.ts'
import { TEST_KIND } from '../testing/db.ts'
import { startTestServer, type TestServer } from '../testing/harness.ts'
import { LAYERS } from './layers.ts'
import { decodeTile, tileAt } from './testing.ts'

const run = promisify(execFile)
const env = { ...process.env, NO_PROXY: '127.0.0.1,localhost', no_proxy: '127.0.0.1,localhost' }

interface Metadata {
  format: string
  minzoom: string
  maxzoom: string
  bounds: string
  json: string
}

describe(`vector tiles in GDAL's MVT driver (${TEST_KIND})`, () => {
  let s: TestServer
  /** A house, organisation and devices at one address (the full view's layers). */
  let house: [number, number] = [0, 0]
  beforeAll(async () => {
    s = await startTestServer({ seed: 'boundaries', web: false })
    await insertIncidents(s.db.sql, 'mvt-', 400, '2026-10-10T00:00:00+08:00', 3600)
    house = (await loadFixtureBase(s.db.sql)).get('F_R3_2_501')!
    await insertFullView(s.db.sql, 'F_R3_2_501', 'gdal')
  }, 300_000)
  afterAll(async () => {
    await s?.close()
  })

  it('answers metadata.json in the MBTiles form for every layer: zooms, bounds, typed fields', async () => {
    for (const layer of LAYERS) {
      const res = await fetch(`${s.url}/tiles/${layer.name}/metadata.json`)
      expect(res.status, layer.name).toBe(200)
      const m = (await res.json()) as Metadata
      expect(m).toMatchObject({ format: 'pbf', minzoom: String(layer.minzoom), maxzoom: String(layer.maxzoom) })
      const [x0, y0, x1, y1] = m.bounds.split(',').map(Number)
      expect(x0).toBeGreaterThan(119.9)
      expect(x1).toBeLessThan(120.8)
      expect(y0).toBeGreaterThan(29.7)
      expect(y1).toBeLessThan(30.5)
      const json = JSON.parse(m.json) as { vector_layers: { id: string; fields: Record<string, string> }[] }
      expect(json.vector_layers.map((v) => v.id)).toEqual(layer.parts.map((p) => p.name))
      for (const v of json.vector_layers) {
        const part = layer.parts.find((p) => p.name === v.id)!
        expect(Object.keys(v.fields)).toEqual(Object.keys(part.fields))
        for (const t of Object.values(v.fields)) expect(['Number', 'String', 'Boolean']).toContain(t)
      }
    }
    // TileJSON keeps the spec's field descriptions (text), not types.
    const tj = (await (await fetch(`${s.url}/tiles/incidents.json`)).json()) as { vector_layers: { fields: Record<string, string> }[] }
    expect(tj.vector_layers[0]!.fields.count).toMatch(/incidents in the cell/)
  })

  it('lets ogrinfo read every layer with numeric fields typed, as the tiles carry them', async () => {
    for (const layer of LAYERS) {
      const zoom = Math.max(layer.minzoom, 10)
      const info = await run('ogrinfo', ['-ro', '-al', '-so', '-nocount', '-noextent', `MVT:${s.url}/tiles/${layer.name}/${zoom}`], {
        timeout: 60_000,
        env,
      })
      for (const part of layer.parts) expect(info.stdout, layer.name).toContain(`Layer name: ${part.name}`)
      for (const f of ['count', 'population', 'incidents', 'res', 'residents', 'migrants', 'overdue_days', 'days']) {
        if (layer.parts.some((p) => f in p.fields)) expect(info.stdout, `${layer.name}.${f}`).toMatch(new RegExp(`^${f}: Real`, 'm'))
      }
      if (layer.parts.some((p) => 'id' in p.fields)) expect(info.stdout, `${layer.name}.id`).toMatch(/^id: Real/m)
      if (layer.parts.some((p) => 'overdue' in p.fields)) expect(info.stdout).toMatch(/^overdue: Integer\(Boolean\)/m)
      for (const f of ['group_rental', 'alerting'])
        if (layer.parts.some((p) => f in p.fields))
          expect(info.stdout, `${layer.name}.${f}`).toMatch(new RegExp(`^${f}: Integer\\(Boolean\\)`, 'm'))
    }
    // The types declared are the types the tiles carry: every attribute of every feature decoded
    // from a tile over the fixtures is a number, a boolean or text as metadata.json says.
    const seen = new Set<string>()
    const [at] = await s.db.sql<
      { x: number; y: number }[]
    >`SELECT ST_X(geom) AS x, ST_Y(geom) AS y FROM incidents WHERE geom IS NOT NULL ORDER BY id LIMIT 1`
    const [x, y] = [at!.x, at!.y]
    for (const [layer, z] of [
      ['towns', 10],
      ['villages', 10],
      ['incidents', 10],
      ['incidents', 14],
      ['h3', 11],
      ['houses', 15],
      ['organisations', 15],
      ['devices', 15],
    ] as const) {
      const m = JSON.parse(((await (await fetch(`${s.url}/tiles/${layer}/metadata.json`)).json()) as Metadata).json) as {
        vector_layers: { id: string; fields: Record<string, string> }[]
      }
      const t = ['houses', 'organisations', 'devices'].includes(layer) ? tileAt(z, house[0], house[1]) : tileAt(z, x, y)
      const tile = decodeTile(
        new Uint8Array(
          await (
            await fetch(
              `${s.url}/tiles/${layer}/${t.z}/${t.x}/${t.y}.pbf${layer === 'incidents' || layer === 'h3' ? '?from=2026-10-01&to=2026-11-01' : ''}`,
            )
          ).arrayBuffer(),
        ),
      )
      for (const [name, features] of Object.entries(tile)) {
        const fields = m.vector_layers.find((v) => v.id === name)!.fields
        for (const f of features) {
          for (const [k, v] of Object.entries(f.properties)) {
            expect(typeof v, `${name}.${k}`).toBe({ Number: 'number', Boolean: 'boolean', String: 'string' }[fields[k]!])
            seen.add(`${name}.${k}`)
          }
        }
      }
    }
    for (const k of [
      'towns.population',
      'towns.incidents',
      'villages.incidents',
      'incidents.id',
      'incidents.reported_at',
      'houses.residents',
      'houses.group_rental',
      'organisations.overdue_days',
      'devices.alerting',
    ])
      expect(seen, k).toContain(k)
  }, 240_000)
})
