/**
 * Demo data for the full information view (全量信息视图, issue 26; tables of migrations/034):
 * houses and their residents, organisations with their self-checks, disputes with parties and
 * mediation steps, patrols with tracks, IoT devices with their events, and the entered 双十条
 * assessments of every town and village (./assessments.ts) — at addresses of the incident sample,
 * deterministic from the seed string and `end` (the as-of of the demo). Pure: no database code
 * and no sealing here (the loader, ./load-full-view.ts, seals every name, phone and ID number).
 *
 * Shares planted (docs/operations.md, "Seeding"): houses 自住 most, then 出租, 空置, 经营, 1–6
 * rooms, at most 5 current residents; migrants' 居住登记 so every village but two is ≥ 98 %
 * registered (the district ~98–99 %); ~0.4 % key persons, at homes no recent incident is near;
 * organisations on time with their self-checks and passing; mediation success ~99 %, ODR ~64 %;
 * every grid patrolled at least every 5 days; cylinders filled every expected ±15 % and delivered
 * to their registered customer. Against that background, the planted patterns of the seven
 * full-view warning models (FullViewPatterns below; the issue-26 brief names them).
 */
import type { AddressRow } from '../addresses/schema.ts'
import { checklistOf } from '../hazards/checklists.ts'
import { shanghaiDay } from '../shared/time.ts'
import { type AssessmentSeedRow, generateAssessments } from './assessments.ts'
import { idNumber, LOCAL_REGIONS, MIGRANT_REGIONS, mobile, personName } from './people.ts'
import { chance, deriveRng, pick, randInt, type Rng, shuffle, uniform, weightedPick } from './rng.ts'
import type { AreaRow, IncidentRow } from './types.ts'

const DAY = 86_400_000
const M_PER_DEG_LAT = 110_854
const M_PER_DEG_LNG = 96_388

// ── Rows ────────────────────────────────────────────────────────────────────────────────────

/** Where a record is: an address of the base (its point, codes and text). */
export interface SeedPlace {
  addressId: string
  address: string
  lng: number
  lat: number
  townCode: string
  villageCode: string
  gridCode: string
  microgridCode: string
  /** The finest part of the address: 'room' or 'door' (geocode_level). */
  level: 'room' | 'door' | 'group'
}

export type HouseUse = 'self_occupied' | 'rented' | 'vacant' | 'commercial'
export interface HouseSeedRow {
  houseId: string
  room: string | null
  use: HouseUse
  groupRental: boolean
  rooms: number
  floorAreaM2: number
  ownerName: string
  ownerPhone: string
  place: SeedPlace
}

export type KeyCategory = 'community_correction' | 'released_prisoner' | 'drug' | 'mental_illness' | 'petition' | 'juvenile' | 'other'
export interface ResidentSeedRow {
  personId: string
  houseId: string
  residence: 'registered' | 'migrant'
  /** YYYY-MM-DD (local) or null. */
  registeredOn: string | null
  registrationExpires: string | null
  movedIn: string
  movedOut: string | null
  keyCategories: KeyCategory[]
  name: string
  idNumber: string
  phone: string
  place: SeedPlace
}

export type OrgType = 'enterprise' | 'shop' | 'venue'
export type RiskCategory =
  'catering' | 'gas' | 'hazardous_chemicals' | 'rental' | 'ebike_charging' | 'crowded_venue' | 'production' | 'warehouse' | 'other'
export type Checklist = 'fire' | 'production_safety' | 'gas_cylinder' | 'ebike_charging' | 'hazardous_chemicals' | 'other'
export interface SelfCheckSeedRow {
  checkedAt: Date
  items: number
  failedItems: string[]
  actor: string
}
export interface OrgSeedRow {
  orgId: string
  name: string
  type: OrgType
  riskCategories: RiskCategory[]
  responsibleName: string
  responsiblePhone: string
  selfCheckEveryDays: number | null
  selfCheckChecklist: Checklist | null
  createdAt: Date
  place: SeedPlace
  selfChecks: SelfCheckSeedRow[]
}

export type DisputeLevel = 'village' | 'town' | 'district' | 'odr'
export type DisputeStatus = 'open' | 'mediating' | 'resolved' | 'failed' | 'withdrawn'
export type DisputeType = 'neighbour' | 'family' | 'marriage' | 'property' | 'labour' | 'land' | 'debt' | 'consumer' | 'traffic' | 'other'
export interface DisputePartySeed {
  partyId: string
  role: 'applicant' | 'respondent' | 'other'
  name: string
  phone: string
}
export interface DisputeStepSeed {
  at: Date
  level: DisputeLevel
  action: 'registered' | 'mediation' | 'escalated' | 'agreement' | 'failed' | 'judicial_confirmation' | 'withdrawn' | 'note'
  note: string | null
  actor: string
}
export interface DisputeSeedRow {
  caseId: string
  type: DisputeType
  summary: string
  reportedAt: Date
  level: DisputeLevel
  status: DisputeStatus
  outcomeAt: Date | null
  judicialConfirmation: boolean
  incidentIds: string[]
  partyKey: string
  parties: DisputePartySeed[]
  steps: DisputeStepSeed[]
  place: SeedPlace
}

export interface PatrolSeedRow {
  patrolId: string
  team: string
  members: number
  startedAt: Date
  endedAt: Date
  /** [lng, lat] vertices (≥ 2), all inside the patrol's grid. */
  track: [number, number][]
  lengthM: number
  townCodes: string[]
  villageCodes: string[]
  gridCodes: string[]
}

export type DeviceKind = 'smoke_detector' | 'gas_alarm' | 'gas_cylinder' | 'ebike_charger'
export interface DeviceEventSeed {
  at: Date
  kind: 'alarm' | 'fault' | 'online' | 'test' | 'filling' | 'delivery'
  station: string | null
  /** Where a delivery went (null for other events). */
  place: SeedPlace | null
}
export interface DeviceSeedRow {
  deviceId: string
  kind: DeviceKind
  name: string
  installedAt: string
  /** The registered customer / where installed: an organisation's orgId or a house's houseId. */
  orgRef: string | null
  houseRef: string | null
  expectedRefillDays: number | null
  place: SeedPlace
  events: DeviceEventSeed[]
}

/** The planted patterns, by the ids the rows carry (null when the sample was too small to plant one). */
export interface FullViewPatterns {
  /** group_rental: 3 rented houses with 12–16 current migrants in 3 rooms. */
  groupRentalHouses: string[]
  /** registration_gap: [village ~80 %, village ~93 %], with their migrants and registered counts. */
  registrationGapVillages: { villageCode: string; migrants: number; registered: number }[]
  /** dispute_recurrence: a chain of 4 (same parties and address, the second failed) and one of 2. */
  disputeChains: { partyKey: string; addressId: string; caseIds: string[] }[]
  /** key_person_incident: residents (person ids) with 3 and 1 incidents within 50 m in the last 7 days. */
  keyPersons: { personId: string; category: KeyCategory; incidents: string[] }[]
  /** self_check_overdue: 40 days overdue, 10 days overdue, 3 failing checks in a row. */
  selfChecks: { overdue40: string | null; overdue10: string | null; failStreak: string | null }
  /** gas_cylinder: the unregistered point (address id) with 8 deliveries from 3 cylinders; the fast cylinder. */
  gas: { point: string | null; pointCylinders: string[]; fastCylinder: string | null }
  /** patrol_gap: a grid unpatrolled 30 days with incidents doubling, one unpatrolled 10 days with a rise. */
  patrolGaps: { gridCode: string; daysUnpatrolled: number; incidents: string[] }[]
}

export interface FullViewData {
  houses: HouseSeedRow[]
  residents: ResidentSeedRow[]
  organisations: OrgSeedRow[]
  disputes: DisputeSeedRow[]
  patrols: PatrolSeedRow[]
  devices: DeviceSeedRow[]
  /** Incidents planted for the key-person and patrol-gap patterns (source 'demo-patterns'). */
  incidents: IncidentRow[]
  /** The entered 双十条 assessments of every town and village (./assessments.ts). */
  assessments: AssessmentSeedRow[]
  patterns: FullViewPatterns
}

// ── What the generator knows of the incidents (tapped from the incident stream) ───────────────

/** A summary of the demo's incidents near the end, gathered while they stream into the database. */
export interface RecentIncidents {
  /** Per grid: incidents in the 14 days before the end, and in the 14 days before those. */
  grids: Map<string, { last14: number; prev14: number }>
  /** Points of the incidents of the last 10 days. */
  points: [number, number][]
  /** Dispute incidents (0401–0404) of the last 365 days, as [incidentId, addressId, reportedAt ms, category]. */
  disputes: [string, string, number, string][]
}

/**
 * Watches incidents go by (e.g. into the loader) and summarises the recent ones for the full view.
 * @example const tap = tapRecentIncidents(end); await loadIncidents(db, tap.observe(rows)); tap.recent
 */
export function tapRecentIncidents(end: Date): {
  observe: (rows: Iterable<IncidentRow>) => Generator<IncidentRow>
  recent: RecentIncidents
} {
  const recent: RecentIncidents = { grids: new Map(), points: [], disputes: [] }
  const endMs = end.getTime()
  function* observe(rows: Iterable<IncidentRow>): Generator<IncidentRow> {
    for (const r of rows) {
      const age = endMs - r.reportedAt.getTime()
      if (age > 0 && age <= 28 * DAY) {
        const g = recent.grids.get(r.gridCode) ?? { last14: 0, prev14: 0 }
        if (age <= 14 * DAY) g.last14++
        else g.prev14++
        recent.grids.set(r.gridCode, g)
      }
      if (age > 0 && age <= 10 * DAY) recent.points.push([r.lng, r.lat])
      if (age > 0 && age <= 365 * DAY && r.categoryCode.startsWith('04'))
        recent.disputes.push([r.incidentId, r.truthAddressId, r.reportedAt.getTime(), r.categoryCode])
      yield r
    }
  }
  return { observe, recent }
}

// ── Options and helpers ────────────────────────────────────────────────────────────────────

export interface FullViewOptions {
  seed: string
  /** The demo's as-of: nothing happens at or after it. */
  end: Date
  /** Houses (a share of the sample's door and room addresses); residents follow (~2.6 a house). */
  houses: number
  organisations: number
  disputes: number
}

/** Metres between two points (equirectangular, good to < 1 % over a district). */
export function metres(a: readonly [number, number], b: readonly [number, number]): number {
  return Math.hypot((a[0] - b[0]) * M_PER_DEG_LNG, (a[1] - b[1]) * M_PER_DEG_LAT)
}

/** A spatial hash of points in ~100 m cells, to ask "anything within r ≤ 100 m?". */
class PointIndex {
  private cells = new Map<string, [number, number][]>()
  private key = (lng: number, lat: number) => `${Math.floor(lng / 0.001)}|${Math.floor(lat / 0.001)}`
  add(p: [number, number]): void {
    const k = this.key(p[0], p[1])
    const list = this.cells.get(k)
    if (list) list.push(p)
    else this.cells.set(k, [p])
  }
  /** True when a point lies within `r` metres (r ≤ 90). */
  near(p: readonly [number, number], r: number): boolean {
    const cx = Math.floor(p[0] / 0.001)
    const cy = Math.floor(p[1] / 0.001)
    for (let dx = -1; dx <= 1; dx++)
      for (let dy = -1; dy <= 1; dy++) for (const q of this.cells.get(`${cx + dx}|${cy + dy}`) ?? []) if (metres(p, q) <= r) return true
    return false
  }
}

const placeOf = (a: AddressRow): SeedPlace => ({
  addressId: a.addressId,
  address: a.address,
  lng: a.lng,
  lat: a.lat,
  townCode: a.townCode,
  villageCode: a.villageCode,
  gridCode: a.gridCode,
  microgridCode: a.microgridCode,
  level: a.room !== null ? 'room' : a.doorNo !== null ? 'door' : 'group',
})

const day = (ms: number) => shanghaiDay(new Date(ms))
/** A time `back` days before `endMs` at a daytime hour (09–18 local). */
const daytime = (rng: Rng, endMs: number, back: number) => {
  const local = Math.floor((endMs + 8 * 3_600_000) / DAY) * DAY - 8 * 3_600_000
  return new Date(local - back * DAY + randInt(rng, 9 * 3600, 18 * 3600) * 1000)
}

/** Pseudonymous ids: a prefix and 10 base-32 characters from the stream (never from personal data). */
function idMaker(rng: Rng, prefix: string): () => string {
  const seen = new Set<string>()
  const alphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'
  return () => {
    for (;;) {
      let s = prefix
      for (let i = 0; i < 10; i++) s += alphabet[Math.floor(rng() * 32)]
      if (!seen.has(s)) {
        seen.add(s)
        return s
      }
    }
  }
}

/** The registration-gap model's minimum of migrants in a village (params.minMigrants). */
export const REGISTRATION_MIN_MIGRANTS = 20

const KEY_CATEGORIES: readonly KeyCategory[] = [
  'community_correction',
  'released_prisoner',
  'drug',
  'mental_illness',
  'petition',
  'juvenile',
  'other',
]
const KEY_WEIGHTS = [20, 20, 15, 20, 15, 5, 5]
export const KEY_CATEGORY_ZH: Record<KeyCategory, string> = {
  community_correction: '社区矫正',
  released_prisoner: '刑满释放',
  drug: '吸毒',
  mental_illness: '严重精神障碍',
  petition: '信访',
  juvenile: '重点青少年',
  other: '其他',
}

/** Planted incident rows ('WF' ids), source 'demo-patterns' like ./demo-patterns.ts. */
function plantedIncident(id: string, at: Date, category: string, a: AddressRow, description: string): IncidentRow {
  return {
    incidentId: id,
    reportedAt: at,
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

// ── The generator ─────────────────────────────────────────────────────────────────────────

/**
 * The full view's demo rows and the patterns planted in them.
 * @example const fv = generateFullView(sample, areas, tap.recent, { seed: 'xiaoshan', end, houses: 8_000, organisations: 1_200, disputes: 900 })
 */
export function generateFullView(
  addresses: readonly AddressRow[],
  areas: readonly AreaRow[],
  recent: RecentIncidents,
  opts: FullViewOptions,
): FullViewData {
  const endMs = opts.end.getTime()
  const patterns: FullViewPatterns = {
    groupRentalHouses: [],
    registrationGapVillages: [],
    disputeChains: [],
    keyPersons: [],
    selfChecks: { overdue40: null, overdue10: null, failStreak: null },
    gas: { point: null, pointCylinders: [], fastCylinder: null },
    patrolGaps: [],
  }
  const incidents: IncidentRow[] = []
  let wf = 0
  const wfId = () => `WF${String(++wf).padStart(4, '0')}`
  // Addresses used by a record that must stand alone (planted points, disputes).
  const reserved = new Set<string>()

  const byGrid = new Map<string, AddressRow[]>()
  for (const a of addresses) {
    const list = byGrid.get(a.gridCode)
    if (list) list.push(a)
    else byGrid.set(a.gridCode, [a])
  }

  // 1. Patrol gaps: two grids with (almost) no incidents in the last 28 days get a planted rise.
  const prng = deriveRng(opts.seed, 'full-view', 'patrol-gap')
  const quiet = [...byGrid.entries()]
    .filter(([, as]) => as.length >= 6)
    .map(([g, as]) => ({ g, as, c: recent.grids.get(g) ?? { last14: 0, prev14: 0 } }))
    .sort((x, y) => x.c.last14 + x.c.prev14 - (y.c.last14 + y.c.prev14) || (x.g < y.g ? -1 : 1))
  const gapPlans = [
    { days: 30, ratio: 2 },
    { days: 10, ratio: 1.6 },
  ]
  const quietPick = shuffle(prng, quiet.slice(0, Math.max(2, Math.min(40, quiet.length))))
  gapPlans.forEach((plan, k) => {
    const q = quietPick[k]
    if (!q) return
    const prevAdd = 3
    const prev = q.c.prev14 + prevAdd
    const lastTarget = Math.max(6, Math.ceil(plan.ratio * prev) + 1)
    const lastAdd = Math.max(0, lastTarget - q.c.last14)
    const ids: string[] = []
    for (let i = 0; i < prevAdd; i++) {
      const id = wfId()
      ids.push(id)
      incidents.push(
        plantedIncident(
          id,
          daytime(prng, endMs, randInt(prng, 17, 26)),
          pick(prng, ['0103', '0105', '0205']),
          pick(prng, q.as),
          '（演示）网格治安警情',
        ),
      )
    }
    for (let i = 0; i < lastAdd; i++) {
      const id = wfId()
      ids.push(id)
      incidents.push(
        plantedIncident(
          id,
          daytime(prng, endMs, randInt(prng, 2, 12)),
          pick(prng, ['0103', '0104', '0105', '0205']),
          pick(prng, q.as),
          '（演示）网格治安警情上升，近期无巡防',
        ),
      )
    }
    patterns.patrolGaps.push({ gridCode: q.g, daysUnpatrolled: plan.days, incidents: ids })
  })
  const gapGrids = new Set(patterns.patrolGaps.map((p) => p.gridCode))

  // Recent incidents (background, ./demo-patterns.ts and the rise above) for keeping key persons clear.
  const recentIndex = new PointIndex()
  for (const p of recent.points) recentIndex.add(p)
  for (const i of incidents) recentIndex.add([i.lng, i.lat])

  // 2. Houses and residents.
  const hrng = deriveRng(opts.seed, 'full-view', 'houses')
  const homeable = addresses.filter((a) => a.room !== null || a.doorNo !== null || a.groupNo !== null)
  const houseAddresses = shuffle(hrng, homeable).slice(0, Math.min(opts.houses, homeable.length))
  const houses: HouseSeedRow[] = []
  const residents: ResidentSeedRow[] = []
  const personId = idMaker(hrng, 'RK')
  const houseAddr = new Map<string, AddressRow>()
  const plantedHouses = new Set<string>()
  const resident = (
    rng: Rng,
    h: HouseSeedRow,
    residence: 'registered' | 'migrant',
    movedIn: number,
    movedOut: number | null,
    age?: number,
  ): ResidentSeedRow => {
    const years = age ?? randInt(rng, 1, 86)
    const birth = new Date(endMs - years * 365.25 * DAY - randInt(rng, 0, 364) * DAY)
    const region = residence === 'migrant' ? pick(rng, MIGRANT_REGIONS) : pick(rng, LOCAL_REGIONS)
    let registeredOn: string | null = null
    let registrationExpires: string | null = null
    if (residence === 'migrant') {
      // 居住证: renewed yearly; the latest registration within the last ~11 months.
      const on = Math.max(movedIn + randInt(rng, 0, 20) * DAY, endMs - randInt(rng, 5, 330) * DAY)
      registeredOn = day(Math.min(on, endMs - DAY))
      registrationExpires = day(Date.parse(`${registeredOn}T00:00:00+08:00`) + 365 * DAY)
    }
    return {
      personId: personId(),
      houseId: h.houseId,
      residence,
      registeredOn,
      registrationExpires,
      movedIn: day(movedIn),
      movedOut: movedOut === null ? null : day(movedOut),
      keyCategories: [],
      name: personName(rng),
      idNumber: idNumber(rng, region, birth, chance(rng, 0.52) ? 'm' : 'f'),
      phone: mobile(rng),
      place: h.place,
    }
  }
  houseAddresses.forEach((a, i) => {
    const use = weightedPick(hrng, ['self_occupied', 'rented', 'vacant', 'commercial'] as const, [58, 27, 9, 6])
    const rooms = a.room !== null ? randInt(hrng, 1, 4) : randInt(hrng, 2, 6)
    const h: HouseSeedRow = {
      houseId: `DEMO-FW-${String(i + 1).padStart(6, '0')}`,
      room: a.room,
      use,
      groupRental: use === 'rented' && chance(hrng, 0.04),
      rooms,
      floorAreaM2: Math.round(rooms * uniform(hrng, 18, 35)),
      ownerName: personName(hrng),
      ownerPhone: mobile(hrng),
      place: placeOf(a),
    }
    houses.push(h)
    houseAddr.set(h.houseId, a)
    const n =
      use === 'vacant' ? 0 : use === 'commercial' ? randInt(hrng, 0, 2) : Math.min(5, Math.max(1, Math.round(uniform(hrng, 0.6, 5.4))))
    const migrantShare = use === 'self_occupied' ? 0.2 : 0.92
    for (let k = 0; k < n; k++) {
      const movedIn = endMs - randInt(hrng, 20, 3_000) * DAY
      residents.push(
        resident(
          hrng,
          h,
          chance(hrng, migrantShare) ? 'migrant' : 'registered',
          movedIn,
          null,
          k === 0 ? randInt(hrng, 20, 80) : undefined,
        ),
      )
    }
    // A few who have moved out (history; not current).
    if (n > 0 && chance(hrng, 0.12)) {
      const movedIn = endMs - randInt(hrng, 400, 3_000) * DAY
      residents.push(resident(hrng, h, use === 'self_occupied' ? 'registered' : 'migrant', movedIn, movedIn + randInt(hrng, 60, 360) * DAY))
    }
  })

  // Group rental: 3 rented houses (two flagged by inspection, one not) with 12–16 migrants in 3 rooms.
  const grng = deriveRng(opts.seed, 'full-view', 'group-rental')
  const grCandidates = houses.filter((h) => h.use === 'rented' && h.place.level !== 'group' && !gapGrids.has(h.place.gridCode))
  for (const h of shuffle(grng, grCandidates).slice(0, grCandidates.length >= 10 ? 3 : 0)) {
    h.rooms = 3
    h.groupRental = patterns.groupRentalHouses.length < 2
    h.floorAreaM2 = randInt(grng, 60, 90)
    const current = residents.filter((r) => r.houseId === h.houseId && r.movedOut === null)
    const target = randInt(grng, 12, 16)
    for (const r of current) r.residence = 'migrant'
    for (const r of current)
      if (r.registeredOn === null) Object.assign(r, registration(grng, endMs, Date.parse(`${r.movedIn}T00:00:00+08:00`)))
    for (let k = current.length; k < target; k++)
      residents.push(resident(grng, h, 'migrant', endMs - randInt(grng, 20, 400) * DAY, null, randInt(grng, 18, 50)))
    plantedHouses.add(h.houseId)
    patterns.groupRentalHouses.push(h.houseId)
  }

  // 3. Key persons: two planted with incidents near home; the rest where no recent incident is near.
  const krng = deriveRng(opts.seed, 'full-view', 'key-persons')
  const current = residents.filter((r) => r.movedOut === null && !plantedHouses.has(r.houseId))
  const clear = (r: ResidentSeedRow) => !recentIndex.near([r.place.lng, r.place.lat], 80)
  const kpCandidates = shuffle(
    krng,
    current.filter((r) => r.residence === 'registered' && clear(r) && !gapGrids.has(r.place.gridCode)),
  )
  const plantedKp: { counts: number; category: KeyCategory; back: number[] }[] = [
    { counts: 3, category: 'community_correction', back: [6, 4, 2] },
    { counts: 1, category: 'drug', back: [3] },
  ]
  const kpHomes: [number, number][] = []
  for (const plan of plantedKp) {
    const r = kpCandidates.find((c) => kpHomes.every((p) => metres(p, [c.place.lng, c.place.lat]) > 500))
    if (!r || addresses.length < 50) break
    r.keyCategories = [plan.category]
    kpHomes.push([r.place.lng, r.place.lat])
    const a = houseAddr.get(r.houseId)!
    const ids: string[] = []
    for (const back of plan.back) {
      const id = wfId()
      ids.push(id)
      const inc = plantedIncident(id, daytime(krng, endMs, back), pick(krng, ['0104', '0105', '0402']), a, '（演示）重点人员住所周边警情')
      incidents.push(inc)
      recentIndex.add([inc.lng, inc.lat])
    }
    patterns.keyPersons.push({ personId: r.personId, category: plan.category, incidents: ids })
  }
  const plantedKpIds = new Set(patterns.keyPersons.map((k) => k.personId))
  for (const r of current) {
    if (plantedKpIds.has(r.personId) || !chance(krng, 0.004) || !clear(r)) continue
    r.keyCategories = [weightedPick(krng, KEY_CATEGORIES, KEY_WEIGHTS)]
  }

  // 4. Registration gaps: every village ≥ 98 % registered, except two planted at ~80 % and ~93 %.
  const rrng = deriveRng(opts.seed, 'full-view', 'registration')
  const migrantsByVillage = new Map<string, ResidentSeedRow[]>()
  for (const r of residents) {
    if (r.residence !== 'migrant' || r.movedOut !== null) continue
    const list = migrantsByVillage.get(r.place.villageCode)
    if (list) list.push(r)
    else migrantsByVillage.set(r.place.villageCode, [r])
  }
  const villages = [...migrantsByVillage.entries()].sort((x, y) => y[1].length - x[1].length || (x[0] < y[0] ? -1 : 1))
  const planted = villages.length >= 6 && villages[1]![1].length >= 40 ? [villages[0]!, villages[1]!] : []
  for (const [code, list] of villages) {
    const k = planted.findIndex(([c]) => c === code)
    // At most 2 % where the model looks (≥ 20 migrants); below that, 2 % on average (never a warning).
    const m = list.length
    const noise = m >= REGISTRATION_MIN_MIGRANTS ? Math.floor(m * 0.02) : Math.floor(m * 0.02 + rrng())
    const gaps = k === 0 ? Math.round(m * 0.2) : k === 1 ? Math.ceil(m * 0.07) : noise
    const pool = shuffle(
      rrng,
      list.filter((r) => !plantedHouses.has(r.houseId)),
    )
    for (const r of pool.slice(0, gaps)) {
      if (chance(rrng, 0.6)) {
        r.registeredOn = null
        r.registrationExpires = null
      } else {
        // Registered once, expired 5–200 days ago.
        const expires = endMs - randInt(rrng, 5, 200) * DAY
        r.registrationExpires = day(expires)
        r.registeredOn = day(expires - 365 * DAY)
        r.movedIn = day(Math.min(Date.parse(`${r.movedIn}T00:00:00+08:00`), expires - 400 * DAY))
      }
    }
    if (k >= 0) {
      const registered = list.filter((r) => isRegistered(r, opts.end)).length
      patterns.registrationGapVillages.push({ villageCode: code, migrants: list.length, registered })
    }
  }

  // 5. Organisations and self-checks.
  const orgs = generateOrganisations(addresses, reserved, opts, patterns)
  // 6. Devices and their events.
  const devices = generateDevices(addresses, houses, orgs, reserved, opts, patterns)
  // 7. Disputes.
  const disputes = generateDisputes(addresses, recent, reserved, opts, patterns)
  // 8. Patrols.
  const patrols = generatePatrols(areas, opts, patterns)

  return {
    houses,
    residents,
    organisations: orgs,
    disputes,
    patrols,
    devices,
    incidents: incidents.sort((a, b) => a.reportedAt.getTime() - b.reportedAt.getTime()),
    assessments: generateAssessments(areas, { seed: opts.seed, end: opts.end }),
    patterns,
  }
}

/** A fresh, valid 居住登记 for a migrant who moved in at `movedIn` (ms). */
function registration(rng: Rng, endMs: number, movedIn: number): { registeredOn: string; registrationExpires: string } {
  const on = Math.min(Math.max(movedIn + randInt(rng, 0, 20) * DAY, endMs - randInt(rng, 5, 330) * DAY), endMs - DAY)
  return { registeredOn: day(on), registrationExpires: day(on + 365 * DAY) }
}

/**
 * Whether a migrant counts as registered at `asOf`: registered, and the registration not expired.
 * @example isRegistered({ registeredOn: '2026-01-01', registrationExpires: '2027-01-01' }, new Date('2026-11-01')) // true
 */
export function isRegistered(r: Pick<ResidentSeedRow, 'registeredOn' | 'registrationExpires'>, asOf: Date): boolean {
  return (
    r.registeredOn !== null && (r.registrationExpires === null || Date.parse(`${r.registrationExpires}T23:59:59+08:00`) >= asOf.getTime())
  )
}

// ── Organisations ─────────────────────────────────────────────────────────────────────────

interface OrgKind {
  type: OrgType
  kinds: readonly string[]
  risks: readonly RiskCategory[]
  checklist: Checklist | null
  every: readonly number[]
  weight: number
}
const ORG_KINDS: readonly OrgKind[] = [
  {
    type: 'shop',
    kinds: ['面馆', '快餐店', '烧烤店', '早餐店', '饭店', '小吃店'],
    risks: ['catering', 'gas'],
    checklist: 'gas_cylinder',
    every: [7, 14],
    weight: 24,
  },
  {
    type: 'shop',
    kinds: ['百货超市', '五金店', '服装店', '水果店', '药店', '理发店'],
    risks: ['other'],
    checklist: 'fire',
    every: [30],
    weight: 22,
  },
  { type: 'shop', kinds: ['电动车行', '电动车维修店'], risks: ['ebike_charging'], checklist: 'ebike_charging', every: [14], weight: 5 },
  {
    type: 'enterprise',
    kinds: ['纺织有限公司', '机械厂', '五金加工厂', '汽配有限公司', '羽绒制品厂'],
    risks: ['production', 'warehouse'],
    checklist: 'production_safety',
    every: [14, 30],
    weight: 20,
  },
  {
    type: 'enterprise',
    kinds: ['化工有限公司', '油漆经营部'],
    risks: ['hazardous_chemicals'],
    checklist: 'hazardous_chemicals',
    every: [7],
    weight: 4,
  },
  { type: 'enterprise', kinds: ['物流仓储中心', '仓储有限公司'], risks: ['warehouse'], checklist: 'fire', every: [30], weight: 5 },
  {
    type: 'venue',
    kinds: ['KTV', '网吧', '棋牌室', '足浴店', '小旅馆'],
    risks: ['crowded_venue'],
    checklist: 'fire',
    every: [14, 30],
    weight: 12,
  },
  {
    type: 'venue',
    kinds: ['出租公寓', '员工宿舍'],
    risks: ['rental', 'ebike_charging'],
    checklist: 'ebike_charging',
    every: [14],
    weight: 8,
  },
]
const BRANDS = [
  '恒达',
  '鑫源',
  '兴旺',
  '永盛',
  '华丰',
  '宏运',
  '顺发',
  '金马',
  '天成',
  '瑞丰',
  '聚福',
  '万家',
  '东方',
  '新达',
  '利民',
  '佳和',
]

function generateOrganisations(
  addresses: readonly AddressRow[],
  reserved: Set<string>,
  opts: FullViewOptions,
  patterns: FullViewPatterns,
): OrgSeedRow[] {
  const rng = deriveRng(opts.seed, 'full-view', 'organisations')
  const endMs = opts.end.getTime()
  const doors = addresses.filter((a) => a.room === null && (a.doorNo !== null || a.groupNo !== null))
  const pool = shuffle(rng, doors.length > 0 ? doors : addresses).slice(0, opts.organisations)
  const orgs: OrgSeedRow[] = pool.map((a, i) => {
    const k = weightedPick(
      rng,
      ORG_KINDS,
      ORG_KINDS.map((x) => x.weight),
    )
    const kind = pick(rng, k.kinds)
    const name = `${chance(rng, 0.3) ? `${a.village}` : ''}${pick(rng, BRANDS)}${kind}`
    const duty = k.checklist !== null && chance(rng, 0.8)
    const every = duty ? pick(rng, k.every) : null
    const org: OrgSeedRow = {
      orgId: `DEMO-QY-${String(i + 1).padStart(5, '0')}`,
      name,
      type: k.type,
      riskCategories: [...k.risks],
      responsibleName: personName(rng),
      responsiblePhone: mobile(rng),
      selfCheckEveryDays: every,
      selfCheckChecklist: duty ? k.checklist : null,
      createdAt: new Date(endMs - randInt(rng, 200, 900) * DAY),
      place: placeOf(a),
      selfChecks: [],
    }
    if (every !== null) {
      // On time: the last check within the last (every − 1) days, earlier ones every 0.8–1 × every.
      const items = checklistOf(k.checklist!).map((x) => x.id)
      let t = endMs - uniform(rng, 0.1, Math.max(0.2, every - 1.2)) * DAY
      let lastFailed = false
      while (t > endMs - 120 * DAY) {
        const fail: boolean = !lastFailed && chance(rng, 0.05)
        org.selfChecks.push({
          checkedAt: new Date(Math.floor(t / 1000) * 1000),
          items: items.length,
          failedItems: fail ? [pick(rng, items)] : [],
          actor: `${name}（企业自查）`,
        })
        lastFailed = fail
        t -= every * uniform(rng, 0.8, 1) * DAY
      }
      org.selfChecks.reverse()
    }
    return org
  })
  // Planted: 40 days overdue, 10 days overdue, 3 failing checks in a row (on time).
  const withDuty = orgs.filter((o) => o.selfCheckEveryDays !== null && o.selfChecks.length >= 4)
  if (withDuty.length >= 6) {
    const [o40, o10, oFail] = shuffle(rng, withDuty).slice(0, 3) as [OrgSeedRow, OrgSeedRow, OrgSeedRow]
    const items = (o: OrgSeedRow) => checklistOf(o.selfCheckChecklist!).map((x) => x.id)
    const overdue = (o: OrgSeedRow, daysOver: number) => {
      const every = o.selfCheckEveryDays!
      // On the local day `every + daysOver` before the end's day: due `daysOver` calendar days ago.
      const last = daytime(rng, endMs, every + daysOver).getTime()
      o.selfChecks = []
      for (let t = last, n = 0; n < 6; n++, t -= every * DAY)
        o.selfChecks.unshift({
          checkedAt: new Date(Math.floor(t / 1000) * 1000),
          items: items(o).length,
          failedItems: [],
          actor: `${o.name}（企业自查）`,
        })
    }
    overdue(o40, 40)
    overdue(o10, 10)
    const n = oFail.selfChecks.length
    oFail.selfChecks.forEach((c, i) => {
      c.failedItems = i >= n - 3 ? shuffle(rng, items(oFail)).slice(0, randInt(rng, 1, 2)) : []
    })
    patterns.selfChecks = { overdue40: o40.orgId, overdue10: o10.orgId, failStreak: oFail.orgId }
  }
  for (const o of orgs) reserved.add(o.place.addressId)
  return orgs
}

// ── Devices ───────────────────────────────────────────────────────────────────────────────

const STATIONS = ['萧山区瓜沥液化气充装站', '萧山区临浦液化气充装站', '萧山区新街液化气充装站', '萧山区义蓬液化气充装站']

/** A cylinder's fillings (each followed by a delivery to `to`) every `every` days ± `spread`, back from the end over `days`. */
function cylinderEvents(
  rng: Rng,
  endMs: number,
  every: number,
  spread: number,
  days: number,
  to: SeedPlace,
  station: string,
): DeviceEventSeed[] {
  const events: DeviceEventSeed[] = []
  let t = endMs - uniform(rng, 0.3, every * 0.9) * DAY
  while (t > endMs - days * DAY) {
    const filled = new Date(Math.floor(t / 1000) * 1000)
    const delivered = new Date(filled.getTime() + randInt(rng, 1, 6) * 3_600_000)
    if (delivered.getTime() < endMs) {
      events.push({ at: filled, kind: 'filling', station, place: null })
      events.push({ at: delivered, kind: 'delivery', station: null, place: to })
    }
    t -= every * uniform(rng, 1 - spread, 1 + spread) * DAY
  }
  return events.sort((a, b) => a.at.getTime() - b.at.getTime())
}

function generateDevices(
  addresses: readonly AddressRow[],
  houses: readonly HouseSeedRow[],
  orgs: readonly OrgSeedRow[],
  reserved: Set<string>,
  opts: FullViewOptions,
  patterns: FullViewPatterns,
): DeviceSeedRow[] {
  const rng = deriveRng(opts.seed, 'full-view', 'devices')
  const endMs = opts.end.getTime()
  const devices: DeviceSeedRow[] = []
  let n = 0
  const add = (
    kind: DeviceKind,
    name: string,
    place: SeedPlace,
    owner: { org?: string; house?: string },
    refill: number | null,
    events: DeviceEventSeed[],
  ) => {
    const d: DeviceSeedRow = {
      deviceId: `DEMO-IOT-${String(++n).padStart(6, '0')}`,
      kind,
      name,
      installedAt: day(endMs - randInt(rng, 120, 1_000) * DAY),
      orgRef: owner.org ?? null,
      houseRef: owner.house ?? null,
      expectedRefillDays: refill,
      place,
      events,
    }
    devices.push(d)
    return d
  }
  /** Rare alarms and faults over the last 90 days (each followed by recovery). */
  const rare = (): DeviceEventSeed[] => {
    const out: DeviceEventSeed[] = []
    if (chance(rng, 0.02)) out.push({ at: daytime(rng, endMs, randInt(rng, 1, 90)), kind: 'alarm', station: null, place: null })
    if (chance(rng, 0.03)) {
      const at = daytime(rng, endMs, randInt(rng, 2, 90))
      out.push(
        { at, kind: 'fault', station: null, place: null },
        { at: new Date(at.getTime() + randInt(rng, 2, 30) * 3_600_000), kind: 'online', station: null, place: null },
      )
    }
    return out.filter((e) => e.at.getTime() < endMs).sort((a, b) => a.at.getTime() - b.at.getTime())
  }
  const cylinders: DeviceSeedRow[] = []
  for (const o of orgs) {
    if (o.riskCategories.includes('gas')) {
      add('gas_alarm', `${o.name}可燃气体报警器`, o.place, { org: o.orgId }, null, rare())
      for (let k = 0, c = randInt(rng, 1, 3); k < c; k++) {
        const every = randInt(rng, 7, 20)
        cylinders.push(
          add(
            'gas_cylinder',
            `${o.name}液化气钢瓶${k + 1}`,
            o.place,
            { org: o.orgId },
            every,
            cylinderEvents(rng, endMs, every, 0.15, 100, o.place, pick(rng, STATIONS)),
          ),
        )
      }
    }
    if (chance(rng, 0.6)) add('smoke_detector', `${o.name}烟感`, o.place, { org: o.orgId }, null, rare())
    if (o.riskCategories.includes('ebike_charging')) add('ebike_charger', `${o.name}电动车充电桩`, o.place, { org: o.orgId }, null, rare())
  }
  for (const h of houses) {
    if (h.use === 'rented' && chance(rng, 0.3)) add('smoke_detector', '出租房独立式烟感', h.place, { house: h.houseId }, null, rare())
    if (h.use === 'self_occupied' && h.place.level !== 'room' && chance(rng, 0.04)) {
      const every = randInt(rng, 30, 60)
      cylinders.push(
        add(
          'gas_cylinder',
          '居民液化气钢瓶',
          h.place,
          { house: h.houseId },
          every,
          cylinderEvents(rng, endMs, every, 0.15, 100, h.place, pick(rng, STATIONS)),
        ),
      )
    }
  }

  // Planted: an unregistered point receiving 8 deliveries from 3 cylinders; a cylinder filled every 5 days against 30.
  const orgCyl = cylinders.filter((c) => c.orgRef !== null && c.expectedRefillDays! <= 12)
  const homes = new Set(houses.map((h) => h.place.addressId))
  const candidates = addresses.filter((a) => a.room === null && a.doorNo !== null && !reserved.has(a.addressId) && !homes.has(a.addressId))
  if (orgCyl.length >= 3 && candidates.length > 0) {
    const point = pick(rng, candidates)
    const far = shuffle(
      rng,
      orgCyl.filter((c) => metres([c.place.lng, c.place.lat], [point.lng, point.lat]) > 300),
    ).slice(0, 3)
    if (far.length === 3) {
      reserved.add(point.addressId)
      const to = placeOf(point)
      const quota = [3, 3, 2]
      far.forEach((c, i) => {
        // The most recent deliveries within the last 80 days go to the point instead of the customer.
        const deliveries = c.events.filter((e) => e.kind === 'delivery' && e.at.getTime() > endMs - 80 * DAY)
        let moved = 0
        for (const e of deliveries.reverse()) {
          if (moved >= quota[i]!) break
          e.place = to
          moved++
        }
        // Too few recent fillings: add fillings and deliveries to the point.
        for (let k = moved; k < quota[i]!; k++) {
          const at = daytime(rng, endMs, 10 + 20 * k + i)
          c.events.push(
            { at, kind: 'filling', station: pick(rng, STATIONS), place: null },
            { at: new Date(at.getTime() + 3_600_000 * 2), kind: 'delivery', station: null, place: to },
          )
        }
        c.events.sort((a, b) => a.at.getTime() - b.at.getTime())
      })
      patterns.gas = { ...patterns.gas, point: point.addressId, pointCylinders: far.map((c) => c.deviceId) }
    }
  }
  const houseCyl = cylinders.filter((c) => c.houseRef !== null && !patterns.gas.pointCylinders.includes(c.deviceId))
  const fast = houseCyl[0] ?? cylinders.find((c) => !patterns.gas.pointCylinders.includes(c.deviceId))
  if (fast) {
    fast.expectedRefillDays = 30
    fast.events = cylinderEvents(rng, endMs, 5, 0.1, 90, fast.place, pick(rng, STATIONS))
    patterns.gas.fastCylinder = fast.deviceId
  }
  return devices
}

// ── Disputes ──────────────────────────────────────────────────────────────────────────────

const DISPUTE_TYPES: readonly DisputeType[] = [
  'neighbour',
  'family',
  'marriage',
  'property',
  'labour',
  'land',
  'debt',
  'consumer',
  'traffic',
  'other',
]
const DISPUTE_WEIGHTS = [24, 14, 8, 10, 12, 6, 10, 7, 6, 3]
const DISPUTE_SUMMARY: Record<DisputeType, readonly string[]> = {
  neighbour: ['邻居因漏水问题发生纠纷', '邻里因楼道堆物发生争执', '邻居因噪音问题多次争吵', '邻里因停车位发生纠纷'],
  family: ['兄弟因赡养老人问题发生纠纷', '家庭成员因房屋分割发生争执'],
  marriage: ['夫妻因离婚财产分割发生纠纷', '婚约彩礼返还纠纷'],
  property: ['业主与物业因物业费发生纠纷', '租客与房东因押金退还发生纠纷'],
  labour: ['工人讨要拖欠工资', '员工与企业因工伤赔偿发生纠纷'],
  land: ['村民因宅基地界址发生纠纷', '土地承包经营权纠纷'],
  debt: ['民间借贷欠款未还', '货款结算纠纷'],
  consumer: ['消费者与商家因预付卡退款发生纠纷', '装修质量纠纷'],
  traffic: ['交通事故赔偿纠纷'],
  other: ['其他矛盾纠纷'],
}
/** Level → (share, mediation success). ODR's ~64 % against ~99.5 % elsewhere gives the district's ~99 %. */
const LEVELS: readonly DisputeLevel[] = ['village', 'town', 'district', 'odr']
const LEVEL_WEIGHTS = [62, 26, 10, 2]
const LEVEL_SUCCESS: Record<DisputeLevel, number> = { village: 0.996, town: 0.995, district: 0.99, odr: 0.64 }
const LEVEL_ACTOR = (l: DisputeLevel, a: AddressRow) =>
  l === 'village'
    ? `${a.village}人民调解委员会`
    : l === 'town'
      ? `${a.town}矛盾纠纷调处化解中心`
      : l === 'district'
        ? '萧山区社会治理中心'
        : '在线矛盾纠纷多元化解平台（ODR）'

interface DisputeSpec {
  a: AddressRow
  type: DisputeType
  reportedAt: number
  level: DisputeLevel
  /** Forced outcome (planted), else drawn by level. */
  outcome?: 'resolved' | 'failed' | 'mediating'
  incidentIds: string[]
  parties: DisputePartySeed[]
}

function buildDispute(rng: Rng, caseId: string, s: DisputeSpec, endMs: number): DisputeSeedRow {
  const path: DisputeLevel[] = s.level === 'odr' ? ['odr'] : LEVELS.slice(0, LEVELS.indexOf(s.level) + 1)
  const steps: DisputeStepSeed[] = []
  let t = s.reportedAt
  steps.push({ at: new Date(t), level: path[0]!, action: 'registered', note: null, actor: LEVEL_ACTOR(path[0]!, s.a) })
  path.forEach((l, i) => {
    if (i > 0) {
      t += uniform(rng, 1, 6) * DAY
      steps.push({ at: new Date(t), level: l, action: 'escalated', note: '调解未果，提级调处', actor: LEVEL_ACTOR(path[i - 1]!, s.a) })
    }
    t += uniform(rng, 0.2, 3) * DAY
    steps.push({ at: new Date(t), level: l, action: 'mediation', note: null, actor: LEVEL_ACTOR(l, s.a) })
  })
  t += uniform(rng, 0.5, 8) * DAY
  let status: DisputeStatus
  let outcomeAt: Date | null = null
  let judicial = false
  const drawn = s.outcome ?? (chance(rng, 0.015) ? 'withdrawn' : chance(rng, LEVEL_SUCCESS[s.level]) ? 'resolved' : 'failed')
  const kept = steps.filter((x) => x.at.getTime() < endMs)
  if (drawn === 'mediating' || t >= endMs) status = kept.some((x) => x.action === 'mediation') ? 'mediating' : 'open'
  else {
    status = drawn
    outcomeAt = new Date(Math.floor(t / 1000) * 1000)
    const action = drawn === 'resolved' ? 'agreement' : drawn
    kept.push({
      at: outcomeAt,
      level: s.level,
      action,
      note: drawn === 'resolved' ? '达成调解协议' : drawn === 'failed' ? '调解不成，告知诉讼途径' : '申请人撤回',
      actor: LEVEL_ACTOR(s.level, s.a),
    })
    const jc = t + uniform(rng, 2, 12) * DAY
    if (drawn === 'resolved' && s.outcome === undefined && chance(rng, 0.15) && jc < endMs) {
      judicial = true
      kept.push({ at: new Date(jc), level: s.level, action: 'judicial_confirmation', note: '经人民法院司法确认', actor: '萧山区人民法院' })
    }
  }
  for (const x of kept) x.at = new Date(Math.floor(x.at.getTime() / 1000) * 1000)
  return {
    caseId,
    type: s.type,
    summary: pick(rng, DISPUTE_SUMMARY[s.type]),
    reportedAt: new Date(Math.floor(s.reportedAt / 1000) * 1000),
    level: s.level,
    status,
    outcomeAt,
    judicialConfirmation: judicial,
    incidentIds: s.incidentIds,
    partyKey: s.parties
      .map((p) => p.partyId)
      .sort()
      .join(','),
    parties: s.parties,
    steps: kept,
    place: placeOf(s.a),
  }
}

function generateDisputes(
  addresses: readonly AddressRow[],
  recent: RecentIncidents,
  reserved: Set<string>,
  opts: FullViewOptions,
  patterns: FullViewPatterns,
): DisputeSeedRow[] {
  const rng = deriveRng(opts.seed, 'full-view', 'disputes')
  const endMs = opts.end.getTime()
  const partyId = idMaker(rng, 'DP')
  const party = (role: DisputePartySeed['role']): DisputePartySeed => ({
    partyId: partyId(),
    role,
    name: personName(rng),
    phone: mobile(rng),
  })
  const byId = new Map(addresses.map((a) => [a.addressId, a]))
  // Every dispute at its own address (repeats are only the deliberate ones below).
  const used = new Set(reserved)
  const free = shuffle(
    rng,
    addresses.filter((a) => !used.has(a.addressId)),
  )
  let freeAt = 0
  const nextFree = (): AddressRow | null => {
    while (freeAt < free.length) {
      const a = free[freeAt++]!
      if (!used.has(a.addressId)) {
        used.add(a.addressId)
        return a
      }
    }
    return null
  }
  const specs: DisputeSpec[] = []
  const typeOf: Record<string, DisputeType> = { '0401': 'family', '0402': 'neighbour', '0403': 'labour', '0404': 'debt' }
  // About a third come from dispute incidents (at most one per address).
  const linked = shuffle(rng, recent.disputes).slice(0, Math.round(opts.disputes * 0.6))
  for (const [incidentId, addressId, at, category] of linked) {
    if (specs.length >= opts.disputes / 3) break
    const a = byId.get(addressId)
    if (!a || used.has(addressId) || at + DAY >= endMs) continue
    used.add(addressId)
    specs.push({
      a,
      type: typeOf[category] ?? 'other',
      reportedAt: at + uniform(rng, 0.05, 1) * DAY,
      level: weightedPick(rng, LEVELS, LEVEL_WEIGHTS),
      incidentIds: [incidentId],
      parties: [party('applicant'), party('respondent')],
    })
  }
  while (specs.length < opts.disputes) {
    const a = nextFree()
    if (!a) break
    const parties = [party('applicant'), party('respondent'), ...(chance(rng, 0.1) ? [party('other')] : [])]
    specs.push({
      a,
      type: weightedPick(rng, DISPUTE_TYPES, DISPUTE_WEIGHTS),
      reportedAt: endMs - uniform(rng, 0.2, 400) * DAY,
      level: weightedPick(rng, LEVELS, LEVEL_WEIGHTS),
      incidentIds: [],
      parties,
    })
  }
  // Noise: the same parties again, every mediation successful (no chain to warn of).
  const repeats = Math.min(5, Math.floor(specs.length / 50))
  for (let k = 0; k < repeats; k++) {
    const base = specs[specs.length - 1 - k]!
    base.outcome = 'resolved'
    specs.push({ ...base, reportedAt: base.reportedAt + uniform(rng, 20, 120) * DAY, outcome: 'resolved', incidentIds: [] })
    if (specs.at(-1)!.reportedAt >= endMs - DAY) specs.at(-1)!.reportedAt = endMs - uniform(rng, 2, 5) * DAY
  }
  const out = specs.map((s, i) => buildDispute(rng, `DEMO-MD-${String(i + 1).padStart(5, '0')}`, s, endMs))
  // Noise guard: a failed mediation whose case is a repeat would make a chain; none are (all repeats resolved).

  // Planted chains: 4 cases (same parties, same address; the second failed) and 2 (the first failed).
  const chains: { back: number[]; outcomes: DisputeSpec['outcome'][]; type: DisputeType }[] = [
    { back: [300, 210, 120, 25], outcomes: ['resolved', 'failed', 'resolved', 'mediating'], type: 'neighbour' },
    { back: [150, 40], outcomes: ['failed', 'resolved'], type: 'land' },
  ]
  let caseNo = out.length
  for (const c of chains) {
    const a = nextFree()
    if (!a || out.length < 20) break
    const parties = [party('applicant'), party('respondent')]
    const rows = c.back.map((back, i) =>
      buildDispute(
        rng,
        `DEMO-MD-${String(++caseNo).padStart(5, '0')}`,
        {
          a,
          type: c.type,
          reportedAt: endMs - back * DAY + randInt(rng, 9, 17) * 3_600_000,
          level: i === 0 ? 'village' : 'town',
          outcome: c.outcomes[i],
          incidentIds: [],
          parties,
        },
        endMs,
      ),
    )
    out.push(...rows)
    patterns.disputeChains.push({ partyKey: rows[0]!.partyKey, addressId: a.addressId, caseIds: rows.map((r) => r.caseId) })
  }
  return out
}

// ── Patrols ───────────────────────────────────────────────────────────────────────────────

/** Days of patrol history (the patrol-gap model looks back 60; every grid is seen within 5). */
const PATROL_DAYS = 40

function generatePatrols(areas: readonly AreaRow[], opts: FullViewOptions, patterns: FullViewPatterns): PatrolSeedRow[] {
  const rng = deriveRng(opts.seed, 'full-view', 'patrols')
  const endMs = opts.end.getTime()
  const byCode = new Map(areas.map((a) => [a.code, a]))
  const micro = new Map<string, [number, number][]>()
  for (const a of areas) {
    if (a.level !== 'microgrid' || a.parentCode === null) continue
    const list = micro.get(a.parentCode)
    if (list) list.push(a.labelPoint)
    else micro.set(a.parentCode, [a.labelPoint])
  }
  const gaps = new Map(patterns.patrolGaps.map((g) => [g.gridCode, g.daysUnpatrolled]))
  const patrols: PatrolSeedRow[] = []
  const grids = areas.filter((a) => a.level === 'grid').sort((a, b) => (a.code < b.code ? -1 : 1))
  for (const g of grids) {
    const village = byCode.get(g.parentCode ?? '')
    const town = byCode.get(village?.parentCode ?? '')
    if (!village || !town) continue
    const stops = micro.get(g.code) ?? []
    const base: [number, number][] = stops.length >= 2 ? stops : [g.labelPoint, [g.labelPoint[0] + 0.0003, g.labelPoint[1] + 0.0002]]
    const gap = gaps.get(g.code)
    // Back from the end: the last round within 3.5 days, then every 1.5–4.5 days (never 5).
    let t = gap !== undefined ? endMs - (gap + uniform(rng, 0.2, 0.6)) * DAY : endMs - uniform(rng, 0.2, 3.5) * DAY
    let k = 0
    while (t > endMs - PATROL_DAYS * DAY) {
      const brigade = chance(rng, 0.2)
      const route = shuffle(rng, base).slice(0, Math.max(2, Math.min(base.length, randInt(rng, 3, 8))))
      const track: [number, number][] = route.map(([x, y]) => [Math.round(x * 1e6) / 1e6, Math.round(y * 1e6) / 1e6])
      let lengthM = 0
      for (let i = 1; i < track.length; i++) lengthM += metres(track[i - 1]!, track[i]!)
      const startedAt = new Date(Math.floor((t - 2 * 3_600_000) / 60_000) * 60_000)
      patrols.push({
        patrolId: `DEMO-XF-${g.code}-${String(++k).padStart(3, '0')}`,
        team: brigade ? `${town.name}平安巡防大队` : `${village.name}平安巡防队`,
        members: brigade ? randInt(rng, 4, 10) : randInt(rng, 2, 5),
        startedAt,
        endedAt: new Date(startedAt.getTime() + randInt(rng, 40, 150) * 60_000),
        track,
        lengthM: Math.round(lengthM),
        townCodes: [town.code],
        villageCodes: [village.code],
        gridCodes: [g.code],
      })
      t -= uniform(rng, 1.5, 4.5) * DAY
    }
  }
  return patrols
}
