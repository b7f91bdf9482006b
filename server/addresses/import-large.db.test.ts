import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import v8 from 'node:v8'
import vm from 'node:vm'

import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { generateAddresses } from '../seed/addresses.ts'
import { generateBoundaries } from '../seed/boundaries.ts'
import { loadAreas } from '../seed/load.ts'
import { createTestDb, TEST_KIND, type TestDb } from '../testing/db.ts'
import { addressCsv } from './export.ts'
import { importAddresses, type ImportSummary } from './import.ts'
import type { AddressRow } from './schema.ts'

const COUNT = 200_000
const SEED = 'import-large'

describe(`address import of a large file (${TEST_KIND})`, () => {
  let t: TestDb
  let dir: string
  let file: string
  let summary: ImportSummary
  let growthMb = 0
  /** Every 50th generated row, to compare with what was stored. */
  const sample: AddressRow[] = []

  beforeAll(async () => {
    t = await createTestDb()
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'onemap-import-large-'))
    const areas = generateBoundaries(SEED, { towns: ['330109001', '330109004', '330109105'] })
    await loadAreas(t.db.sql, areas)
    file = path.join(dir, 'addresses.csv')
    let i = 0
    const rows = (function* () {
      for (const a of generateAddresses(areas, { seed: SEED, count: COUNT })) {
        if (i++ % 50 === 0) sample.push(a)
        yield a
      }
    })()
    await pipeline(Readable.from(addressCsv(rows)), fs.createWriteStream(file))

    // Live memory of this thread while importing (JS heap and buffers, after a full GC at every
    // 5th progress step, i.e. between chunks). The file alone is ~30 MB; its rows several times that.
    v8.setFlagsFromString('--expose-gc')
    const gc = vm.runInNewContext('gc') as () => void
    const live = () => {
      gc()
      const m = process.memoryUsage()
      return m.heapUsed + m.external
    }
    const base = live()
    let peak = base
    let step = 0
    const progress = {
      start() {},
      stop() {},
      update() {
        if (step++ % 5 === 0) peak = Math.max(peak, live())
      },
    }
    summary = await importAddresses(t.db, file, { workers: 0, progress })
    growthMb = (peak - base) / 1e6
    console.log(`live memory growth ${growthMb.toFixed(0)} MB importing ${COUNT} rows in ${summary.seconds} s`)
  }, 600_000)
  afterAll(async () => {
    await t?.drop()
    if (dir) fs.rmSync(dir, { recursive: true, force: true })
  })

  it('loads every row', async () => {
    expect(summary).toMatchObject({ mode: 'bulk', read: COUNT, inserted: COUNT, rejected: 0, unlocated: 0 })
    const [r] = await t.db.sql<{ n: string }[]>`SELECT count(*) AS n FROM addresses`
    expect(Number(r!.n)).toBe(COUNT)
  })

  it('streams in bounded memory', () => {
    const fileMb = fs.statSync(file).size / 1e6
    expect(fileMb).toBeGreaterThan(25)
    // What stays: the ids seen (to catch duplicates, ~35 bytes each) and a chunk or two in flight.
    expect(growthMb).toBeLessThan(80)
  })

  it('stores what was generated: parts, and the microgrid the generator put each point in', async () => {
    const stored = await t.db.sql<
      {
        address_id: string
        address: string
        road: string | null
        door_no: string | null
        compound: string | null
        building: string | null
        room: string | null
        microgrid_code: string
        lng: number
        lat: number
      }[]
    >`
      SELECT address_id, address, road, door_no, compound, building, room, microgrid_code, ST_X(geom) AS lng, ST_Y(geom) AS lat
      FROM addresses WHERE address_id IN ${t.db.sql(sample.map((a) => a.addressId))} ORDER BY address_id`
    expect(stored.map((r) => ({ ...r }))).toEqual(
      sample.map((a) => ({
        address_id: a.addressId,
        address: a.address,
        road: a.road,
        door_no: a.doorNo,
        compound: a.compound,
        building: a.building,
        room: a.room,
        microgrid_code: a.microgridCode,
        lng: a.lng,
        lat: a.lat,
      })),
    )
  })
})
