/**
 * Patterns planted in the demo data for the warning models to find on the first start: in the
 * last week before the seed's end, a surge in one grid, a tight hot spot of thefts, a repeat
 * address with escalating disputes, and a near-repeat burglary series (5 within ~150 m and 6 days).
 * Deterministic from the seed; added to the generated incidents (source 'demo-patterns'), at
 * addresses of the same sample so the geocoder and the address models see real address ids.
 */
import type { AddressRow } from '../addresses/schema.ts'
import { deriveRng, pick, randInt, type Rng } from './rng.ts'
import type { IncidentRow } from './types.ts'

const DAY_MS = 86_400_000
const M_PER_DEG_LAT = 110_854
const M_PER_DEG_LNG = 96_388

/** A time within day `back` before `end` (1 = the last day), at a daytime hour, deterministic. */
function timeBack(rng: Rng, end: Date, back: number): Date {
  return new Date(end.getTime() - back * DAY_MS + randInt(rng, 8 * 3600, 20 * 3600) * 1000)
}

/**
 * Addresses within `metres` of `a` (a included), nearest first.
 * @example near(sample, sample[0], 150).length // ≥ 1
 */
function near(addresses: readonly AddressRow[], a: AddressRow, metres: number): AddressRow[] {
  const d = (b: AddressRow) => Math.hypot((b.lng - a.lng) * M_PER_DEG_LNG, (b.lat - a.lat) * M_PER_DEG_LAT)
  return addresses.filter((b) => d(b) <= metres).sort((x, y) => d(x) - d(y))
}

function incident(id: string, t: Date, category: string, a: AddressRow, description: string): IncidentRow {
  return {
    incidentId: id,
    reportedAt: t,
    categoryCode: category,
    address: a.address,
    description,
    source: 'demo-patterns',
    status: 'open',
    lng: a.lng,
    lat: a.lat,
    truthAddressId: a.addressId,
    townCode: a.townCode,
    villageCode: a.villageCode,
    gridCode: a.gridCode,
    microgridCode: a.microgridCode,
  }
}

/**
 * The planted incidents (about 60), all in the 7 days before `end`.
 * @example plantWarningPatterns(sample, { seed: 'xiaoshan', end }).length // ≈ 60
 */
export function plantWarningPatterns(addresses: readonly AddressRow[], opts: { seed: string; end: Date }): IncidentRow[] {
  if (addresses.length < 50) return []
  const rng = deriveRng(opts.seed, 'warning-patterns')
  const out: IncidentRow[] = []
  const used = new Set<string>()
  let n = 0
  const id = () => `WP${String(++n).padStart(4, '0')}`
  const byGrid = new Map<string, AddressRow[]>()
  for (const a of addresses) {
    const g = byGrid.get(a.gridCode)
    if (g) g.push(a)
    else byGrid.set(a.gridCode, [a])
  }
  // Grids with enough addresses to carry a pattern, in a stable order.
  const grids = [...byGrid.entries()].filter(([, as]) => as.length >= 12).sort((a, b) => (a[0] < b[0] ? -1 : 1))
  if (grids.length < 4) return []

  // 1. Surge: 16 public-order incidents over the last 6 days in one grid.
  const [surgeGrid, surgeAddresses] = pick(rng, grids)
  used.add(surgeGrid)
  for (let i = 0; i < 16; i++) {
    out.push(
      incident(
        id(),
        timeBack(rng, opts.end, randInt(rng, 1, 6)),
        pick(rng, ['0103', '0104', '0105']),
        pick(rng, surgeAddresses),
        '（演示）网格内治安警情短期激增',
      ),
    )
  }

  // 2. Hot spot: 30 thefts over the last 4 weeks within 300 m of one address.
  const hotGrid = grids.find(([g]) => !used.has(g))!
  used.add(hotGrid[0])
  const hotCentre = pick(rng, hotGrid[1])
  const hotAround = near(addresses, hotCentre, 300)
  for (let i = 0; i < 30; i++) {
    out.push(incident(id(), timeBack(rng, opts.end, randInt(rng, 1, 27)), '0103', pick(rng, hotAround), '（演示）商圈扒窃集中'))
  }

  // 3. Repeat address with escalating disputes: 5 neighbour disputes, 1 noise report, 1 fight.
  const repeatGrid = grids.find(([g]) => !used.has(g))!
  used.add(repeatGrid[0])
  const home = pick(
    rng,
    repeatGrid[1].filter((a) => a.room !== null).length > 0 ? repeatGrid[1].filter((a) => a.room !== null) : repeatGrid[1],
  )
  const repeatDays = [20, 15, 11, 8, 5, 3, 1]
  repeatDays.forEach((back, i) => {
    const cat = i === 2 ? '0105' : i === 6 ? '0104' : '0402'
    out.push(incident(id(), timeBack(rng, opts.end, back), cat, home, '（演示）同一住户反复报警，邻里矛盾升级'))
  })

  // 4. Near-repeat burglary series: 5 within ~150 m over the last 6 days.
  const nrGrid = grids.find(([g]) => !used.has(g))!
  const first = pick(rng, nrGrid[1])
  const series = near(addresses, first, 150)
  ;[6, 5, 4, 2, 1].forEach((back, i) => {
    out.push(incident(id(), timeBack(rng, opts.end, back), '0101', series[i % series.length]!, '（演示）入室盗窃系列案'))
  })
  return out.sort((a, b) => a.reportedAt.getTime() - b.reportedAt.getTime())
}
