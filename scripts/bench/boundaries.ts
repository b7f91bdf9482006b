/**
 * `npm run bench:boundaries`: a district-sized boundary import (Xiaoshan's generated levels:
 * 22 towns … ~16,000 microgrids, written out as GeoJSON) through `npm run import -- boundaries`'s
 * importer, level by level, with every check it makes (repairs, parents by position, gaps and
 * overlaps). Baseline in the same run: the same areas written straight into admin_areas by the
 * seed's loader (no checks), on a second fresh database of the same kind. Then the 德清县
 * fixture onboarded end to end. Native when DATABASE_URL is set, else embedded.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import { importBoundaries } from '../../server/boundaries/import.ts'
import { AREA_LEVELS } from '../../server/boundaries/schema.ts'
import { planOnboarding } from '../../server/onboard/plan.ts'
import { onboard } from '../../server/onboard/run.ts'
import { generateBoundaries } from '../../server/seed/boundaries.ts'
import { loadAreas } from '../../server/seed/load.ts'
import { createTestDb, TEST_KIND } from '../../server/testing/db.ts'
import { ROOT_DIR } from '../../server/web/static.ts'

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'onemap-bench-boundaries-'))
const mb = () => Math.round(process.memoryUsage().rss / 2 ** 20)
let peak = mb()
const watch = setInterval(() => (peak = Math.max(peak, mb())), 100)

try {
  const areas = generateBoundaries('bench-boundaries')
  const files = AREA_LEVELS.map((level) => {
    const rows = areas.filter((a) => a.level === level)
    const file = path.join(tmp, `${level}.geojson`)
    const features = rows.map((a) => ({
      type: 'Feature',
      properties: { code: a.code, name: a.name, population: Math.round(a.population) },
      geometry: a.geometry,
    }))
    fs.writeFileSync(file, JSON.stringify({ type: 'FeatureCollection', features }))
    return { level, file, n: rows.length }
  })
  console.log(`boundaries (${TEST_KIND}): ${files.map((f) => `${f.n} ${f.level}s`).join(', ')}`)

  const base = await createTestDb()
  let t = performance.now()
  await loadAreas(base.db.sql, areas)
  const baseline = (performance.now() - t) / 1000
  await base.drop()
  console.log(`  baseline, seed loader (no checks): ${baseline.toFixed(1)} s, ${Math.round(areas.length / baseline)} areas/s`)

  const db = await createTestDb()
  let total = 0
  for (const f of files) {
    t = performance.now()
    const s = await importBoundaries(db.db, f.file, { level: f.level, reportPath: null })
    const secs = (performance.now() - t) / 1000
    total += secs
    const findings = s.findings.length
    console.log(
      `  import ${f.level.padEnd(9)} ${String(f.n).padStart(6)} areas in ${secs.toFixed(1).padStart(5)} s (${Math.round(f.n / secs)} /s), ${s.rejected} rejected, ${findings} findings`,
    )
  }
  console.log(
    `  importer, all levels: ${total.toFixed(1)} s, ${Math.round(areas.length / total)} areas/s, ${(total / baseline).toFixed(1)}× the baseline`,
  )
  await db.drop()

  const target = await createTestDb()
  t = performance.now()
  const s = await onboard(target.db, planOnboarding(path.join(ROOT_DIR, 'data', 'fixtures', 'second-district')), {
    reportDir: path.join(tmp, 'reports'),
  })
  console.log(
    `  onboard 德清县 fixture end to end: ${((performance.now() - t) / 1000).toFixed(1)} s (${s.steps.map((x) => `${x.step} ${x.seconds} s`).join(', ')})`,
  )
  await target.drop()
  console.log(`  peak RSS ${peak} MB`)
} finally {
  clearInterval(watch)
  fs.rmSync(tmp, { recursive: true, force: true })
}
