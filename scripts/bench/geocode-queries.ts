/**
 * The geocoding benchmark's query set: noisy renderings of addresses from the base, one noise
 * kind at a time (so each kind's accuracy shows), a realistic mix, and queries that must come
 * back coarse or `none` — each with its ground truth.
 */
import { fromWgs84 } from '../../server/geo/crs.ts'
import type { MatchLevel } from '../../server/geocode/schema.ts'
import {
  type AddressParts,
  type AddressStyle,
  CANONICAL_STYLE,
  formatAddress,
  randomNoiseStyle,
  randomSuffix,
  typo,
} from '../../server/seed/address-text.ts'
import { chance, pick, type Rng } from '../../server/seed/rng.ts'

/** An address of the base as the benchmark reads it. */
export interface BaseRow {
  address_id: string
  town: string
  village: string | null
  group_no: string | null
  road: string | null
  door_no: string | null
  compound: string | null
  building: string | null
  unit: string | null
  room: string | null
  aliases: string[]
  town_code: string
  village_code: string
  lng: number
  lat: number
  /** For rooms behind a compound gate: the gate's own door address, if the base has one. */
  gate_id: string | null
}

export interface BenchQuery {
  kind: string
  /** Kinds whose truth is one address (top-1 / false matches), or a coarse level. */
  coarse: boolean
  text: string
  lng?: number
  lat?: number
  crs?: 'gcj02'
  expect: { level: MatchLevel; addressId: string | null; townCode: string | null }
}

const partsOf = (r: BaseRow): AddressParts => ({
  town: r.town,
  village: r.village,
  groupNo: r.group_no,
  road: r.road,
  doorNo: r.door_no,
  compound: r.compound,
  building: r.building,
  unit: r.unit,
  room: r.room,
})

const ownLevel = (r: BaseRow): MatchLevel => (r.room ? 'room' : r.unit ? 'unit' : r.building ? 'building' : 'door')
const exact = (r: BaseRow) => ({ level: ownLevel(r), addressId: r.address_id, townCode: r.town_code })
const styled = (r: BaseRow, s: Partial<AddressStyle>) => formatAddress(partsOf(r), { ...CANONICAL_STYLE, ...s })
const isRoom = (r: BaseRow) => r.compound !== null && r.building !== null && r.room !== null
const isStreetDoor = (r: BaseRow) => r.road !== null && r.door_no !== null && r.compound === null && r.group_no === null

type Maker = (r: BaseRow, rng: Rng) => Omit<BenchQuery, 'kind' | 'coarse'> | null

/** Noise kinds of issue 3, each alone (prefix dropped unless the kind is about the prefix). */
const KINDS: Record<string, Maker> = {
  canonical: (r) => ({ text: styled(r, {}), expect: exact(r) }),
  no_prefix: (r) => ({ text: styled(r, { prefix: 'none' }), expect: exact(r) }),
  short_town: (r) => ({ text: styled(r, { prefix: 'none', town: 'short' }), expect: exact(r) }),
  no_town: (r) => ({ text: styled(r, { prefix: 'district', town: 'none' }), expect: exact(r) }),
  building_word: (r, rng) =>
    isRoom(r) ? { text: styled(r, { prefix: 'none', buildingWord: pick(rng, ['栋', '座', '号楼'] as const) }), expect: exact(r) } : null,
  room_word: (r, rng) =>
    isRoom(r) ? { text: styled(r, { prefix: 'none', roomWord: pick(rng, ['房', ''] as const) }), expect: exact(r) } : null,
  dash: (r) => (isRoom(r) && r.unit ? { text: styled(r, { prefix: 'none', dash: true, roomWord: '' }), expect: exact(r) } : null),
  chinese_numerals: (r) => ({ text: styled(r, { prefix: 'none', numerals: 'chinese' }), expect: exact(r) }),
  fullwidth: (r) => ({ text: styled(r, { prefix: 'none', numerals: 'fullwidth' }), expect: exact(r) }),
  suffix: (r, rng) => ({ text: styled(r, { prefix: 'none', suffix: randomSuffix(rng) }), expect: exact(r) }),
  spaces: (r) => ({
    text: styled(r, { prefix: 'city' })
      .replace(/(街道|镇|路|号|幢|单元)/g, '$1 ')
      .replace(/萧山区/, '萧山区，'),
    expect: exact(r),
  }),
  alias: (r, rng) =>
    r.compound && r.building && r.aliases.length > 0
      ? { text: styled(r, { prefix: 'none', parts: 'compound', compoundName: pick(rng, r.aliases) }), expect: exact(r) }
      : null,
  typo_road: (r, rng) => {
    if (!isStreetDoor(r)) return null
    const name = typo(r.road!, rng)
    return name === r.road ? null : { text: styled(r, { prefix: 'none', town: 'short', roadName: name }), expect: exact(r) }
  },
  typo_compound: (r, rng) => {
    if (!isRoom(r)) return null
    const name = typo(r.compound!, rng)
    return name === r.compound
      ? null
      : { text: styled(r, { prefix: 'none', town: 'short', parts: 'compound', compoundName: name }), expect: exact(r) }
  },
  road_and_door_only: (r) =>
    r.compound && r.building && r.road && r.door_no
      ? { text: styled(r, { prefix: 'none', parts: 'road' }), expect: { level: 'door', addressId: r.gate_id, townCode: r.town_code } }
      : null,
  compound_only: (r) => (isRoom(r) ? { text: styled(r, { prefix: 'none', parts: 'compound' }), expect: exact(r) } : null),
  gcj02_coords: (r) => {
    const [lng, lat] = fromWgs84(r.lng, r.lat, 'gcj02')
    return { text: styled(r, { prefix: 'none', town: 'none' }), lng, lat, crs: 'gcj02', expect: exact(r) }
  },
  realistic_mix: (r, rng) => {
    const s = randomNoiseStyle(rng, partsOf(r), r.aliases)
    // Written as road + door, a room or building of a compound is its gate door.
    if (s.parts === 'road' && r.compound && r.building)
      return { text: formatAddress(partsOf(r), s), expect: { level: 'door', addressId: r.gate_id, townCode: r.town_code } }
    return { text: formatAddress(partsOf(r), s), expect: exact(r) }
  },
}

const OUTSIDE = [
  '杭州市滨江区江南大道100号',
  '杭州市西湖区文三路478号',
  '上海市浦东新区世纪大道100号',
  '绍兴市柯桥区金柯桥大道1号',
  '浙江省宁波市海曙区中山西路1号',
  '江苏省苏州市姑苏区人民路1号',
  '余杭区文一西路1号',
  '北京市朝阳区建国路88号',
]

/** Queries that must come back coarse (or none), with the level they must give. */
const COARSE: Record<string, Maker> = {
  missing_door: (r) =>
    isStreetDoor(r) && /^\d+$/.test(r.door_no!)
      ? { text: `${r.town}${r.road}${Number(r.door_no) + 20_001}号`, expect: { level: 'road', addressId: null, townCode: r.town_code } }
      : null,
  missing_room: (r) =>
    isRoom(r)
      ? {
          text: styled(r, { prefix: 'none', parts: 'compound' })
            .replace(/\d+室$/, '9901室')
            .replace(/\d+单元/, '9单元'),
          expect: { level: 'building', addressId: null, townCode: r.town_code },
        }
      : null,
  village_only: (r) =>
    r.group_no && r.village
      ? { text: `${r.town}${r.village}`, expect: { level: 'village', addressId: null, townCode: r.town_code } }
      : null,
  town_only: (r, rng) => ({
    text: chance(rng, 0.5) ? r.town : `萧山区${r.town}`,
    expect: { level: 'town', addressId: null, townCode: r.town_code },
  }),
  unknown_compound: (r) => ({
    text: `${r.town}不存在的小区1幢1单元101室`,
    expect: { level: 'town', addressId: null, townCode: r.town_code },
  }),
  outside: (_r, rng) => ({ text: pick(rng, OUTSIDE), expect: { level: 'none', addressId: null, townCode: null } }),
  gibberish: (_r, rng) => ({
    text: pick(rng, ['随便写的一些字', '不知道在哪里', 'asdf1234', '你好世界', '电话13800138000']),
    expect: { level: 'none', addressId: null, townCode: null },
  }),
}

/**
 * Up to `perKind` queries of every kind from the sampled rows (rows a kind does not apply to are
 * skipped).
 * @example buildQueries(rows, rng, 1000).filter((q) => q.kind === 'dash')
 */
export function buildQueries(rows: readonly BaseRow[], rng: Rng, perKind: number): BenchQuery[] {
  const out: BenchQuery[] = []
  for (const [kinds, coarse] of [
    [KINDS, false],
    [COARSE, true],
  ] as const) {
    for (const [kind, make] of Object.entries(kinds)) {
      let n = 0
      for (const r of rows) {
        if (n >= perKind) break
        const q = make(r, rng)
        if (!q) continue
        out.push({ kind, coarse, ...q })
        n++
      }
    }
  }
  return out
}

/**
 * Whether a result is right: the expected address for address kinds; for coarse kinds, the
 * expected level (and town) with no address. A result with a different address is a false match.
 */
export function judge(
  q: BenchQuery,
  r: { level: MatchLevel; addressId: string | null; townCode: string | null },
): { correct: boolean; falseMatch: boolean } {
  // A missing room's building may be an address of its own: that is the right answer, not a false one.
  const ownBuilding = q.kind === 'missing_room' && r.level === 'building'
  const falseMatch = r.addressId !== null && r.addressId !== q.expect.addressId && !ownBuilding
  if (!q.coarse && q.expect.addressId !== null) return { correct: r.addressId === q.expect.addressId, falseMatch }
  const townOk = q.expect.townCode === null || r.townCode === q.expect.townCode
  // A missing room may honestly come back as its building or its unit (both exist).
  const levelOk = q.kind === 'missing_room' ? r.level === 'building' || r.level === 'unit' : r.level === q.expect.level
  return { correct: levelOk && townOk && (r.addressId === q.expect.addressId || ownBuilding), falseMatch }
}
