/**
 * What a reconciliation run makes of one row of the other table, given what the geocoder says
 * and what is stored from before. Pure: the run (run.ts) feeds it and writes what it returns.
 *
 * Rules for a fresh match (`judge`):
 * - level `none` (outside the district, unreadable) → `unmatched`;
 * - accepted automatically (`matched`) only when all of: an address-level match (room, unit,
 *   building or door) that names a row of the base (`addressId`), score ≥ 0.9, the other row's
 *   point within 100 m of the address, and no rival candidate — another address of the same
 *   level scoring within 0.05 of it (the geocoder only breaks such ties by distance);
 * - everything else → `review`, with every reason that applies, e.g. "仅匹配到道路级",
 *   "匹配分 0.78 < 0.9", "门牌级匹配，坐标相距 230 米", "多个候选（另有 1 个同级地址）".
 *
 * Decisions of a person, on re-runs (`nextPair`):
 * - the row's text and point unchanged: an `accepted` pair stays as it is (its address, even if
 *   the geocoder would now say otherwise), unless its address left the base (→ `review`,
 *   "已确认的地址已不在统一地址库中"); a `rejected` pair stays rejected — the reviewer saw the
 *   candidates and could have accepted one instead, so the run does not pester them with the
 *   next one;
 * - text or point changed: the row is matched afresh and goes to `review` with "原记录已变更"
 *   (or `unmatched` if nothing is found), whatever the automatic rule says: a person had a say.
 *   That hold (`holdReason`) is stored and stays on later runs until a person decides again, so
 *   re-running the same file does not quietly turn it into `matched`;
 * - always: an address rejected for a row is never proposed for it again. If the geocoder still
 *   puts it first, its next candidate is offered instead — for review, never automatically
 *   ("原提议地址已被驳回，改荐下一候选") — or, with no candidate left, nothing (`unmatched`).
 */
import { ADDRESS_LEVELS, type GeocodeResult, type MatchLevel } from '../geocode/schema.ts'
import { AUTO_ACCEPT, type MachineStatus, type PairStatus } from './schema.ts'

/** Level names as reasons show them. */
export const LEVEL_ZH: Record<MatchLevel, string> = {
  room: '房间',
  unit: '单元',
  building: '楼幢',
  door: '门牌',
  compound: '小区',
  road: '道路',
  village: '村（社区）',
  town: '镇街',
  district: '区',
  none: '无',
}

/** Candidates scoring within this much of the proposal are rivals. */
const RIVAL_SCORE = 0.05

export const REASON = {
  unmatched: '未能匹配：地址不在本区或无法识别',
  changed: '原记录已变更',
  acceptedGone: '已确认的地址已不在统一地址库中',
  skippedRejected: '原提议地址已被驳回，改荐下一候选',
} as const

/** What the geocoder said about one row (a MatchOutput without the parse). */
export interface GeocoderAnswer {
  result: GeocodeResult
  candidates: GeocodeResult[]
}

/** A row of the other table, its point in WGS84. */
export interface OtherRow {
  otherId: string
  address: string
  lng: number
  lat: number
}

/** What a run writes for a row (besides the row itself). */
export interface PairState {
  status: PairStatus
  addressId: string | null
  address: string | null
  lng: number | null
  lat: number | null
  level: MatchLevel
  score: number | null
  distanceM: number | null
  reason: string | null
  candidates: GeocodeResult[]
  /** Why the pair waits for a person whatever the automatic rule says (a decided row came back). */
  holdReason: string | null
}

/** A stored pair, as a run needs it. */
export interface StoredPair extends PairState {
  otherAddress: string
  otherLng: number
  otherLat: number
  rejectedIds: string[]
  /** Whether `addressId` (if any) is still in the base. */
  addressExists: boolean
}

/** The geocoder's "nothing found". */
export const NONE_RESULT: GeocodeResult = {
  addressId: null,
  address: null,
  level: 'none',
  score: 0,
  lng: null,
  lat: null,
  townCode: null,
  villageCode: null,
  gridCode: null,
  h3: null,
}

/**
 * The answer without the addresses rejected for the row: the proposal is the geocoder's result,
 * or — when that was rejected — its best remaining candidate (`skipped`), or nothing.
 * @example withoutRejected({ result: a, candidates: [a, b] }, [a.addressId]) // { proposal: b, candidates: [b], skipped: true }
 */
export function withoutRejected(
  answer: GeocoderAnswer,
  rejectedIds: readonly string[],
): { proposal: GeocodeResult; candidates: GeocodeResult[]; skipped: boolean } {
  const rejected = new Set(rejectedIds)
  const keep = (c: GeocodeResult) => c.addressId === null || !rejected.has(c.addressId)
  const candidates = answer.candidates.filter(keep)
  if (keep(answer.result)) return { proposal: answer.result, candidates, skipped: false }
  return { proposal: candidates.find((c) => c.level !== 'none') ?? NONE_RESULT, candidates, skipped: true }
}

/**
 * The automatic rule (module comment): the status of a fresh proposal and why it needs review.
 * @example judge(roomResult, [roomResult]) // { status: 'matched', reasons: [] }
 * @example judge(farDoor, [farDoor]) // { status: 'review', reasons: ['门牌级匹配，坐标相距 230 米'] }
 */
export function judge(proposal: GeocodeResult, candidates: readonly GeocodeResult[]): { status: MachineStatus; reasons: string[] } {
  if (proposal.level === 'none') return { status: 'unmatched', reasons: [REASON.unmatched] }
  const reasons: string[] = []
  const levelName = LEVEL_ZH[proposal.level]
  if (!ADDRESS_LEVELS.has(proposal.level)) reasons.push(`仅匹配到${levelName}级`)
  else if (proposal.addressId === null) reasons.push(`${levelName}级匹配，地址库中没有对应的地址记录`)
  if (proposal.score < AUTO_ACCEPT.minScore) reasons.push(`匹配分 ${proposal.score} < ${AUTO_ACCEPT.minScore}`)
  if (ADDRESS_LEVELS.has(proposal.level)) {
    if (proposal.distanceM === undefined) reasons.push('没有坐标，无法核对距离')
    else if (proposal.distanceM > AUTO_ACCEPT.maxDistanceM)
      reasons.push(`${levelName}级匹配，坐标相距 ${Math.round(proposal.distanceM)} 米`)
  }
  const rivals = candidates.filter(
    (c) =>
      c.addressId !== null && c.addressId !== proposal.addressId && c.level === proposal.level && c.score >= proposal.score - RIVAL_SCORE,
  )
  if (rivals.length > 0) reasons.push(`多个候选（另有 ${rivals.length} 个同级地址）`)
  return { status: reasons.length === 0 ? 'matched' : 'review', reasons }
}

/**
 * Canonical JSON (object keys sorted), to compare values read back from jsonb, which reorders keys.
 * @example stableJson({ b: 1, a: [2] }) // '{"a":[2],"b":1}'
 */
export function stableJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableJson).join(',')}]`
  if (v !== null && typeof v === 'object') {
    const o = v as Record<string, unknown>
    return `{${Object.keys(o)
      .filter((k) => o[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stableJson(o[k])}`)
      .join(',')}}`
  }
  return JSON.stringify(v)
}

/**
 * Whether two pair states are the same (what decides "unchanged").
 * @example samePairState(s, { ...s }) // true
 */
export function samePairState(a: PairState, b: PairState): boolean {
  return (
    a.status === b.status &&
    a.addressId === b.addressId &&
    a.address === b.address &&
    a.lng === b.lng &&
    a.lat === b.lat &&
    a.level === b.level &&
    a.score === b.score &&
    a.distanceM === b.distanceM &&
    a.reason === b.reason &&
    a.holdReason === b.holdReason &&
    stableJson(a.candidates) === stableJson(b.candidates)
  )
}

/** The state of a proposal with its status and reasons. */
function stateOf(
  proposal: GeocodeResult,
  candidates: GeocodeResult[],
  status: MachineStatus,
  reasons: string[],
  holdReason: string | null,
): PairState {
  return {
    status,
    addressId: proposal.addressId,
    address: proposal.address,
    lng: proposal.lng,
    lat: proposal.lat,
    level: proposal.level,
    score: proposal.level === 'none' ? null : proposal.score,
    distanceM: proposal.level === 'none' ? null : (proposal.distanceM ?? null),
    reason: reasons.length > 0 ? reasons.join('；') : null,
    // The "nothing" result says nothing: keep only places.
    candidates: candidates.filter((c) => c.level !== 'none'),
    holdReason,
  }
}

/** The stored part of a pair that a run compares and writes. */
function storedState(s: StoredPair): PairState {
  const { status, addressId, address, lng, lat, level, score, distanceM, reason, candidates, holdReason } = s
  return { status, addressId, address, lng, lat, level, score, distanceM, reason, candidates, holdReason }
}

/**
 * What a run makes of a row (module comment); `write` is false when the stored pair already is
 * exactly that (the row counts as unchanged).
 * @example nextPair(row, answer, null) // { state: { status: 'matched', … }, write: true }
 */
export function nextPair(row: OtherRow, answer: GeocoderAnswer, stored: StoredPair | null): { state: PairState; write: boolean } {
  const changed = stored !== null && (stored.otherAddress !== row.address || stored.otherLng !== row.lng || stored.otherLat !== row.lat)
  if (stored && !changed) {
    if (stored.status === 'rejected' || (stored.status === 'accepted' && stored.addressExists)) {
      return { state: storedState(stored), write: false }
    }
  }
  const { proposal, candidates, skipped } = withoutRejected(answer, stored?.rejectedIds ?? [])
  const judged = judge(proposal, candidates)
  let status: MachineStatus = judged.status
  // A person decided on this row and it came back: it waits for a person until decided again.
  let hold = stored?.holdReason ?? null
  if (stored && (stored.status === 'accepted' || stored.status === 'rejected')) hold = changed ? REASON.changed : REASON.acceptedGone
  else if (hold !== null && changed) hold = REASON.changed
  const reasons: string[] = hold !== null ? [hold] : []
  if (skipped) reasons.push(REASON.skippedRejected)
  if (reasons.length > 0 && status === 'matched') status = 'review'
  const state = stateOf(proposal, candidates, status, [...reasons, ...judged.reasons], hold)
  return { state, write: stored === null || changed || !samePairState(state, storedState(stored)) }
}
