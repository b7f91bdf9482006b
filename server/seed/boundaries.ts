/**
 * Synthetic administrative boundaries for Xiaoshan: district › 27 towns › 585 villages/communities
 * (real names and codes) › ~2,035 grids › ~16,000 microgrids (synthetic names and codes).
 *
 * Shapes are invented (no open boundary data exists offline): a hand-drawn district outline with a
 * seeded fractal edge; towns and villages grown organically from seats/seeds over a Voronoi mesh;
 * grids and microgrids are Voronoi cells of spread-out seeds. Every level tiles its parent exactly
 * (see geometry.ts). Populations are plausible but synthetic (total 2.7 M).
 */
import type { MultiPolygon, Position } from 'geojson'

import {
  distanceToRing,
  isSimpleRing,
  pointInRing,
  project,
  type Ring,
  ringArea,
  ringBBox,
  ringCentroid,
  unproject,
  type XY,
} from './geometry.ts'
import { loadReference, type Reference, type TownRecord, type VillageRecord } from './reference.ts'
import { aliasSampler, apportion, deriveRng, normal, type Rng } from './rng.ts'
import { growthPartition, jitteredPoints, type PartitionResult, valueNoise, voronoiPartition } from './tiling.ts'
import type { AreaRow } from './types.ts'

export const DISTRICT_CODE = '330109'
export const DISTRICT_NAME = '萧山区'
export const TOTAL_POPULATION = 2_700_000
export const GRID_COUNT = 2035
export const MICROGRID_COUNT = 16_000

/**
 * Hand-drawn outline of Xiaoshan (lng, lat; ~1,440 km²): the Fuchun/Qiantang river on the west
 * and north, the reclaimed land (围垦) in the north-east, Shaoxing to the east and Zhuji to the south.
 */
const OUTLINE: [number, number][] = [
  [120.14, 30.1],
  [120.15, 30.135],
  [120.168, 30.165],
  [120.19, 30.2],
  [120.21, 30.23],
  [120.235, 30.252],
  [120.262, 30.262],
  [120.29, 30.265],
  [120.33, 30.27],
  [120.37, 30.278],
  [120.41, 30.288],
  [120.45, 30.305],
  [120.49, 30.326],
  [120.53, 30.346],
  [120.575, 30.362],
  [120.625, 30.372],
  [120.675, 30.365],
  [120.712, 30.338],
  [120.7, 30.3],
  [120.668, 30.262],
  [120.638, 30.225],
  [120.616, 30.19],
  [120.588, 30.164],
  [120.545, 30.152],
  [120.5, 30.141],
  [120.46, 30.131],
  [120.425, 30.122],
  [120.393, 30.106],
  [120.362, 30.08],
  [120.341, 30.048],
  [120.329, 30.01],
  [120.311, 29.976],
  [120.287, 29.947],
  [120.258, 29.918],
  [120.228, 29.89],
  [120.196, 29.861],
  [120.16, 29.842],
  [120.122, 29.842],
  [120.094, 29.858],
  [120.078, 29.887],
  [120.084, 29.925],
  [120.101, 29.962],
  [120.115, 30.002],
  [120.128, 30.042],
  [120.136, 30.072],
]

/** The built-up core (城厢/北干/蜀山/宁围/新塘/盈丰…), where the town mesh is finer. */
const CORE: [number, number, number, number] = [120.2, 30.11, 120.35, 30.26]

/** Per town: plausible resident population (before jitter) and relative land area. */
const TOWN_PROFILE: Record<string, { pop: number; area: number }> = {
  '330109001': { pop: 210_000, area: 30 }, // 城厢
  '330109002': { pop: 240_000, area: 22 }, // 北干
  '330109003': { pop: 150_000, area: 40 }, // 蜀山
  '330109004': { pop: 160_000, area: 38 }, // 新塘
  '330109005': { pop: 75_000, area: 34 }, // 靖江
  '330109006': { pop: 80_000, area: 45 }, // 南阳
  '330109012': { pop: 85_000, area: 32 }, // 闻堰
  '330109013': { pop: 220_000, area: 38 }, // 宁围
  '330109014': { pop: 170_000, area: 40 }, // 新街
  '330109015': { pop: 95_000, area: 20 }, // 盈丰
  '330109100': { pop: 38_000, area: 78 }, // 楼塔
  '330109101': { pop: 45_000, area: 100 }, // 河上
  '330109102': { pop: 62_000, area: 115 }, // 戴村
  '330109103': { pop: 55_000, area: 85 }, // 浦阳
  '330109104': { pop: 60_000, area: 110 }, // 进化
  '330109105': { pop: 125_000, area: 78 }, // 临浦
  '330109106': { pop: 95_000, area: 75 }, // 义桥
  '330109107': { pop: 78_000, area: 68 }, // 所前
  '330109108': { pop: 72_000, area: 34 }, // 衙前
  '330109113': { pop: 270_000, area: 125 }, // 瓜沥
  '330109115': { pop: 58_000, area: 58 }, // 益农
  '330109120': { pop: 66_000, area: 55 }, // 党湾
  '330109401': { pop: 60_000, area: 24 }, // 经济技术开发区
  '330109403': { pop: 18_000, area: 7 }, // 商业城
  '330109501': { pop: 9_000, area: 110 }, // 围垦区
  '330109503': { pop: 12_000, area: 10 }, // 红山农场
  '330109505': { pop: 48_000, area: 20 }, // 钱江世纪城
}

/** Options for `generateBoundaries`. */
export interface BoundaryOptions {
  /** Only generate villages, grids and microgrids for these town codes (district and towns always). */
  towns?: readonly string[]
  /** Reference data (default: data/xiaoshan). */
  reference?: Reference
}

/**
 * Generates all admin areas (parents before children), deterministically from the seed. With
 * `towns`, the villages/grids/microgrids of other towns are skipped; the ones generated are the
 * same as in a full run (every town, village and grid has its own random stream).
 * @example const areas = generateBoundaries('demo') // 1 + 27 + 585 + 2,035 + 16,000 rows
 */
export function generateBoundaries(seed: string, opts: BoundaryOptions = {}): AreaRow[] {
  const ref = opts.reference ?? loadReference()
  const only = opts.towns ? new Set(opts.towns) : null
  const plan = planPopulation(seed, ref)
  const outline = districtOutline(seed, ref.towns)
  const towns = townRings(seed, outline, ref.towns)

  const rows: AreaRow[] = []
  rows.push({
    code: DISTRICT_CODE,
    name: DISTRICT_NAME,
    level: 'district',
    parentCode: null,
    geometry: toMultiPolygon([outline]),
    labelPoint: labelPoint(outline, project([120.35, 30.1])),
    population: TOTAL_POPULATION,
    properties: { synthetic_boundary: true, area_km2: round3(ringArea(outline)) },
  })
  ref.towns.forEach((t, i) => {
    const ring = towns[i] as Ring
    rows.push({
      code: t.code,
      name: t.name,
      level: 'town',
      parentCode: DISTRICT_CODE,
      geometry: toMultiPolygon([ring]),
      labelPoint: labelPoint(ring, project(t.seat)),
      population: plan.town.get(t.code) as number,
      properties: {
        type: t.type,
        kind: t.kind,
        short_name: t.shortName,
        seat: t.seat,
        seat_synthetic: t.seatSynthetic,
        synthetic_boundary: true,
        synthetic_population: true,
        area_km2: round3(ringArea(ring)),
      },
    })
  })

  const villageRows: AreaRow[] = []
  const gridRows: AreaRow[] = []
  const microRows: AreaRow[] = []
  ref.towns.forEach((t, ti) => {
    if (only && !only.has(t.code)) return
    const villages = ref.villages.filter((v) => v.townCode === t.code)
    const vRings = villageRings(seed, towns[ti] as Ring, t, villages)
    villages.forEach((v, vi) => {
      const vRing = vRings.rings[vi] as Ring
      villageRows.push({
        code: v.code,
        name: v.name,
        level: 'village',
        parentCode: t.code,
        geometry: toMultiPolygon([vRing]),
        labelPoint: labelPoint(vRing, vRings.seeds[vi] as XY),
        population: plan.village.get(v.code) as number,
        properties: {
          type: v.type,
          kind: villageKind(t, v),
          short_name: v.shortName,
          synthetic_boundary: true,
          synthetic_population: true,
          area_km2: round3(ringArea(vRing)),
        },
      })
      const grids = plan.grids.get(v.code) as GridPlan[]
      const gRings = subdivide(deriveRng(seed, 'grids', v.code), vRing, grids.length)
      grids.forEach((g, gi) => {
        const gRing = gRings.rings[gi] as Ring
        const gCode = `${v.code}${String(gi + 1).padStart(3, '0')}`
        const gName = `${v.shortName}第${gi + 1}网格`
        gridRows.push({
          code: gCode,
          name: gName,
          level: 'grid',
          parentCode: v.code,
          geometry: toMultiPolygon([gRing]),
          labelPoint: labelPoint(gRing, gRings.seeds[gi] as XY),
          population: g.population,
          properties: { synthetic: true, synthetic_boundary: true, synthetic_population: true },
        })
        const mRings = subdivide(deriveRng(seed, 'micro', gCode), gRing, g.micro.length)
        g.micro.forEach((pop, mi) => {
          const mRing = mRings.rings[mi] as Ring
          microRows.push({
            code: `${gCode}${String(mi + 1).padStart(2, '0')}`,
            name: `${gName}第${mi + 1}微网格`,
            level: 'microgrid',
            parentCode: gCode,
            geometry: toMultiPolygon([mRing]),
            labelPoint: labelPoint(mRing, mRings.seeds[mi] as XY),
            population: pop,
            properties: { synthetic: true, synthetic_boundary: true, synthetic_population: true },
          })
        })
      })
    })
  })
  return [...rows, ...villageRows, ...gridRows, ...microRows]
}

/** A village's kind: communities in 街道 and urban units are urban, so are town-centre communities. */
function villageKind(t: TownRecord, v: VillageRecord): 'urban' | 'rural' {
  if (v.type === '村') return 'rural'
  return t.kind === 'urban' || v.type === '社区' ? 'urban' : 'rural'
}

interface GridPlan {
  population: number
  micro: number[]
}

interface PopulationPlan {
  town: Map<string, number>
  village: Map<string, number>
  grids: Map<string, GridPlan[]>
}

/**
 * Populations and grid/microgrid counts for every area, computed without geometry so that a town
 * subset gets the same numbers: towns from TOWN_PROFILE ± 8 %, scaled to 2.7 M; villages by type;
 * grids ∝ population (≥ 1 per village, 2,035 in all); microgrids ∝ grid population (16,000).
 * @example planPopulation('demo', loadReference()).town.get('330109001') // ≈ 214,000
 */
export function planPopulation(seed: string, ref: Reference): PopulationPlan {
  const rng = deriveRng(seed, 'population')
  const townWeights = ref.towns.map((t) => (TOWN_PROFILE[t.code]?.pop ?? 50_000) * Math.exp(normal(rng, 0, 0.08)))
  const townPops = apportion(TOTAL_POPULATION, townWeights)
  const town = new Map(ref.towns.map((t, i) => [t.code, townPops[i] as number]))
  const village = new Map<string, number>()
  const villageList: VillageRecord[] = []
  for (const t of ref.towns) {
    const vs = ref.villages.filter((v) => v.townCode === t.code)
    const weights = vs.map((v) => {
      const base = v.name.includes('虚拟')
        ? 0.25
        : v.type === '社区'
          ? t.kind === 'urban'
            ? 1
            : 0.9
          : v.type === '村'
            ? t.kind === 'urban'
              ? 0.55
              : 0.6
            : 0.3
      return base * Math.exp(normal(rng, 0, 0.3))
    })
    apportion(town.get(t.code) as number, weights).forEach((p, i) => village.set(vs[i]!.code, p))
    villageList.push(...vs)
  }
  const gridCounts = apportion(
    GRID_COUNT,
    villageList.map((v) => village.get(v.code) as number),
    1,
  )
  const gridPops: { village: string; pop: number }[] = []
  villageList.forEach((v, i) => {
    const n = gridCounts[i] as number
    const pops = apportion(
      village.get(v.code) as number,
      Array.from({ length: n }, () => Math.exp(normal(rng, 0, 0.2))),
    )
    for (const pop of pops) gridPops.push({ village: v.code, pop })
  })
  const microCounts = apportion(
    MICROGRID_COUNT,
    gridPops.map((g) => g.pop),
    1,
  )
  const grids = new Map<string, GridPlan[]>()
  gridPops.forEach((g, i) => {
    const n = Math.min(99, microCounts[i] as number)
    const micro = apportion(
      g.pop,
      Array.from({ length: n }, () => Math.exp(normal(rng, 0, 0.25))),
    )
    const list = grids.get(g.village) ?? []
    list.push({ population: g.pop, micro })
    grids.set(g.village, list)
  })
  return { town, village, grids }
}

/**
 * The district outline (km, counter-clockwise): OUTLINE with a seeded fractal edge (midpoint
 * displacement), kept simple and ≥ 1.5 km from every seat.
 * @example ringArea(districtOutline('demo', towns)) // ≈ 1,440 km²
 */
export function districtOutline(seed: string, towns: readonly TownRecord[]): Ring {
  let base = OUTLINE.map((p) => project(p))
  if (ringArea(base) < 0) base = base.reverse()
  const seats = towns.map((t) => project(t.seat))
  for (let attempt = 0; attempt < 8; attempt++) {
    const rng = deriveRng(seed, 'outline', attempt)
    const amp = 0.16 * 0.75 ** attempt
    let ring = base
    for (let level = 0; level < 4; level++) {
      const next: Ring = []
      for (let i = 0; i < ring.length; i++) {
        const a = ring[i] as XY
        const b = ring[(i + 1) % ring.length] as XY
        next.push(a)
        const dx = b[0] - a[0]
        const dy = b[1] - a[1]
        // Offset the midpoint perpendicular to the edge by up to amp × its length.
        const off = (rng() * 2 - 1) * amp * (level === 0 ? 1 : 0.8)
        next.push([(a[0] + b[0]) / 2 - dy * off, (a[1] + b[1]) / 2 + dx * off])
      }
      ring = next
    }
    if (isSimpleRing(ring) && seats.every((s) => pointInRing(s, ring) && distanceToRing(s, ring) >= 1.5)) return ring
  }
  return base
}

/**
 * Town polygons (km), in reference order: grown from the seats over a ~0.65 km mesh (0.33 km in
 * the urban core) with a meandering cost field, calibrated to TOWN_PROFILE areas. Retries with a
 * fresh field if any town comes out with a hole or in pieces.
 */
function townRings(seed: string, outline: Ring, towns: readonly TownRecord[]): Ring[] {
  const core = [project([CORE[0], CORE[1]]), project([CORE[2], CORE[3]])] as const
  const inCore = (x: number, y: number) => x >= core[0][0] && x <= core[1][0] && y >= core[0][1] && y <= core[1][1]
  const seats = towns.map((t) => project(t.seat))
  const targets = towns.map((t) => TOWN_PROFILE[t.code]?.area ?? 50)
  let last: PartitionResult | null = null
  for (let attempt = 0; attempt < 6; attempt++) {
    const rng = deriveRng(seed, 'towns', attempt)
    const atoms = jitteredPoints(rng, outline, (x, y) => (inCore(x, y) ? 0.33 : 0.65), 1.3).filter((p) =>
      seats.every((s) => Math.hypot(p[0] - s[0], p[1] - s[1]) > 0.15),
    )
    const sites = [...seats, ...atoms]
    const bb = ringBBox(outline)
    const coarse = valueNoise(rng, bb, 7)
    const fine = valueNoise(rng, bb, 2.5)
    const result = growthPartition(
      outline,
      sites,
      seats.map((_, i) => i),
      {
        targets,
        cost: (x, y) => 1 + 0.45 * coarse(x, y) + 0.2 * fine(x, y),
        iterations: 24,
      },
    )
    last = result
    if (result.irregular.length === 0) return result.regions.map((r) => r[0] as Ring)
  }
  throw new Error(`towns: irregular regions after retries: ${last?.irregular.join(', ')}`)
}

/**
 * Village polygons of one town, grown from seeds: communities cluster towards the town seat,
 * villages spread out and get more room (calibrated target areas).
 */
function villageRings(seed: string, townRing: Ring, town: TownRecord, villages: readonly VillageRecord[]) {
  const n = villages.length
  if (n === 1) return { rings: [townRing], seeds: [project(town.seat)] }
  const area = ringArea(townRing)
  const radius = Math.sqrt(area / Math.PI)
  const seat = project(town.seat)
  for (let attempt = 0; attempt < 6; attempt++) {
    const rng = deriveRng(seed, 'villages', town.code, attempt)
    const spacing = Math.sqrt(area / (n * 26))
    const sites = jitteredPoints(rng, townRing, () => spacing)
    if (sites.length < n * 4) continue
    const seedIdx = chooseVillageSeeds(rng, sites, townRing, seat, radius, town, villages)
    const bb = ringBBox(townRing)
    const field = valueNoise(rng, bb, spacing * 7)
    const targets = villages.map((v) =>
      v.type === '村' ? (town.kind === 'urban' ? 2.2 : 2.5) : v.name.includes('虚拟') ? 0.6 : v.type === '社区' ? 1 : 1.2,
    )
    const result = growthPartition(townRing, sites, seedIdx, {
      targets,
      cost: (x, y) => 1 + 0.4 * field(x, y),
      iterations: 8,
    })
    if (result.irregular.length === 0) {
      return { rings: result.regions.map((r) => r[0] as Ring), seeds: seedIdx.map((i) => sites[i] as XY) }
    }
  }
  throw new Error(`villages of ${town.name}: irregular regions after retries`)
}

/** Picks one mesh site per village: best-of-6 candidates, communities drawn towards the seat. */
function chooseVillageSeeds(
  rng: Rng,
  sites: readonly XY[],
  townRing: Ring,
  seat: XY,
  radius: number,
  town: TownRecord,
  villages: readonly VillageRecord[],
): number[] {
  const d2 = sites.map((p) => (p[0] - seat[0]) ** 2 + (p[1] - seat[1]) ** 2)
  const sigmaCommunity = (town.kind === 'urban' ? 0.6 : 0.25) * radius
  const sigmaCentre = 0.25 * radius
  const hasCommunities = villages.some((v) => v.type !== '村')
  const nearSeat = aliasSampler(d2.map((d) => Math.exp(-d / (2 * sigmaCommunity ** 2)) + 1e-6))
  const spread = aliasSampler(d2.map((d) => (hasCommunities ? 1 - 0.7 * Math.exp(-d / (2 * sigmaCentre ** 2)) : 1)))
  const boundaryDist = new Map<number, number>()
  const distToBoundary = (i: number) => {
    let d = boundaryDist.get(i)
    if (d === undefined) {
      d = distanceToRing(sites[i] as XY, townRing)
      boundaryDist.set(i, d)
    }
    return d
  }
  const chosen: number[] = []
  const used = new Set<number>()
  // Communities first (they sit near the centre), then villages.
  const order = villages.map((v, i) => ({ v, i })).sort((a, b) => Number(a.v.type === '村') - Number(b.v.type === '村'))
  const result = new Array<number>(villages.length)
  for (const { v, i } of order) {
    const draw = v.type === '村' ? spread : nearSeat
    let best = -1
    let bestScore = -Infinity
    for (let k = 0; k < 6; k++) {
      const c = draw(rng)
      if (used.has(c)) continue
      const p = sites[c] as XY
      let nearest = Infinity
      for (const s of chosen) nearest = Math.min(nearest, Math.hypot(p[0] - sites[s]![0], p[1] - sites[s]![1]))
      const score = Math.min(nearest, 2 * distToBoundary(c))
      if (score > bestScore) {
        best = c
        bestScore = score
      }
    }
    if (best < 0) best = sites.findIndex((_, k) => !used.has(k))
    used.add(best)
    chosen.push(best)
    result[i] = best
  }
  return result
}

/**
 * Splits a ring into n Voronoi regions around spread-out seeds (best-of-8 candidates, kept away
 * from the boundary). Retries with new seeds if a region comes out irregular.
 * @example subdivide(rng, villageRing, 4).rings.length // 4
 */
export function subdivide(rng: Rng, ring: Ring, n: number): { rings: Ring[]; seeds: XY[] } {
  if (n === 1) return { rings: [ring], seeds: [interiorPoint(ring)] }
  const [x0, y0, x1, y1] = ringBBox(ring)
  for (let attempt = 0; attempt < 6; attempt++) {
    const seeds: XY[] = []
    for (let s = 0; s < n; s++) {
      let best: XY | null = null
      let bestScore = -Infinity
      for (let k = 0, tries = 0; k < 8 && tries < 400; tries++) {
        const p: XY = [x0 + rng() * (x1 - x0), y0 + rng() * (y1 - y0)]
        if (!pointInRing(p, ring)) continue
        k++
        let nearest = Infinity
        for (const q of seeds) nearest = Math.min(nearest, Math.hypot(p[0] - q[0], p[1] - q[1]))
        const score = Math.min(nearest, 1.5 * distanceToRing(p, ring))
        if (score > bestScore) {
          best = p
          bestScore = score
        }
      }
      if (!best || bestScore <= 0) break
      seeds.push(best)
    }
    if (seeds.length < n) continue
    const result = voronoiPartition(ring, seeds)
    if (result.irregular.length === 0) return { rings: result.regions.map((r) => r[0] as Ring), seeds }
  }
  throw new Error('subdivide: could not split ring')
}

/** A point well inside a ring: its centroid if inside, else the best of a few interior samples. */
function interiorPoint(ring: Ring): XY {
  const c = ringCentroid(ring)
  if (pointInRing(c, ring)) return c
  const [x0, y0, x1, y1] = ringBBox(ring)
  let best: XY = ring[0] as XY
  let bestD = -1
  for (let i = 1; i < 40; i++) {
    for (let j = 1; j < 40; j++) {
      const p: XY = [x0 + ((x1 - x0) * i) / 40, y0 + ((y1 - y0) * j) / 40]
      if (!pointInRing(p, ring)) continue
      const d = distanceToRing(p, ring)
      if (d > bestD) {
        best = p
        bestD = d
      }
    }
  }
  return best
}

/** Label point: the centroid when it is comfortably inside, else the seed (inside by construction). */
function labelPoint(ring: Ring, fallback: XY): [number, number] {
  const c = ringCentroid(ring)
  const scale = Math.sqrt(Math.abs(ringArea(ring)))
  const p =
    pointInRing(c, ring) && distanceToRing(c, ring) > 0.05 * scale ? c : pointInRing(fallback, ring) ? fallback : interiorPoint(ring)
  return unproject(p)
}

/** Rings (km) → a GeoJSON MultiPolygon in WGS84, closed rings, exterior counter-clockwise. */
function toMultiPolygon(rings: readonly Ring[]): MultiPolygon {
  const close = (r: Ring): Position[] => {
    const coords = r.map((p) => unproject(p) as Position)
    coords.push(coords[0] as Position)
    return coords
  }
  return { type: 'MultiPolygon', coordinates: rings.map((r) => [close(r)]) }
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000
}
