import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { TEST_KIND } from '../testing/db.ts'
import { startTestServer, type TestServer } from '../testing/harness.ts'
import { MAP_AREA_TILES, MAP_OVERLAY_TILES, WALL_TOWN_TILES } from './page-sources.ts'
import { decodeTile, tileAt } from './testing.ts'
import { WarmupStatusSchema } from './warmup.ts'

describe(`tile warm-up at start-up (${TEST_KIND})`, () => {
  let s: TestServer
  beforeAll(async () => {
    s = await startTestServer({ seed: 'boundaries', web: false, env: { TILE_WARMUP: 'true' } })
  }, 900_000)
  afterAll(async () => {
    await s?.close()
  })

  const status = async () => WarmupStatusSchema.parse(await (await fetch(`${s.url}/api/tiles/warmup`)).json())

  it("renders the pages' tile sets over the district, then serves them from the cache", async () => {
    let w = await status()
    for (let i = 0; w.state === 'running' && i < 600; i++) {
      await new Promise((ok) => setTimeout(ok, 200))
      w = await status()
    }
    expect(w.state).toBe('done')
    // Three sets over z8–z11 of the district: dozens of tiles.
    expect(w.total).toBeGreaterThan(30)
    expect(w.tiles).toBe(w.total)

    // The district's centre at z9 and z10: the map's and the wall's first tiles.
    const [c] = await s.db.sql<{ lng: number; lat: number }[]>`
      SELECT ST_X(ST_Centroid(geom)) AS lng, ST_Y(ST_Centroid(geom)) AS lat FROM admin_areas WHERE level = 'district'`
    const tileOf = (z: number) => {
      const t = tileAt(z, c!.lng, c!.lat)
      return `${t.z}/${t.x}/${t.y}`
    }
    for (const [set, z, layer] of [
      [MAP_AREA_TILES, 9, 'villages'],
      [MAP_OVERLAY_TILES, 10, null],
      [WALL_TOWN_TILES, 10, 'towns'],
    ] as const) {
      const res = await fetch(`${s.url}/tiles/${set}/${tileOf(z)}.mvt`)
      expect(res.status, set).toBe(200)
      expect(res.headers.get('x-tile-cache'), set).toBe('hit')
      if (layer) expect(decodeTile(new Uint8Array(await res.arrayBuffer()))[layer]?.length, set).toBeGreaterThan(0)
    }
    // Deeper zooms are rendered on demand.
    const deep = await fetch(`${s.url}/tiles/${MAP_AREA_TILES}/${tileOf(13)}.mvt`)
    expect(deep.headers.get('x-tile-cache')).toBe('miss')
  })

  it("is off unless configured (the test runner's default)", async () => {
    const other = await startTestServer({ seed: 'none', web: false })
    try {
      expect(WarmupStatusSchema.parse(await (await fetch(`${other.url}/api/tiles/warmup`)).json()).state).toBe('off')
    } finally {
      await other.close()
    }
  })
})
