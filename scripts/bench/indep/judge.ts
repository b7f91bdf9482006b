/**
 * Judges geocoder answers against the independent set's truth, and tallies verdicts by kind.
 *
 * Rules:
 * - Address kinds (expect.addressId set): correct iff the answer's addressId is the expected one.
 * - Coarse kinds: correct iff the level is the expected one and, when a town is expected, the
 *   townCode matches. Village truth also needs the villageCode to be one of expect.villageCodes:
 *   the polygon holding the village's houses, and (for an invented village name the geocoder can
 *   only know from its rows) the polygon holding the houses' centroid.
 * - intersection: correct iff level is road and (the point lies within radiusM, default 250 m, of
 *   the junction, or the score is ≤ 0.8, i.e. the geocoder did not claim precision). A road answer
 *   with score > 0.8 farther than that is a falsePrecision.
 * - landmark: correct iff the level is compound or finer and the point lies within radiusM
 *   (default 300 m) of the landmark.
 * - old_name: level town and the right townCode (the generic coarse rule).
 * - acceptLevels (optional, coarse truths of the harder kinds): the answer's level must be one of
 *   them instead of equal to expect.level (ambiguous texts: ['district']; a building without its
 *   unit: ['building']; 'none' truths: ['none']), and an answer carrying an addressId is never
 *   correct (it claims a row the text cannot name). Queries without acceptLevels are judged as before.
 * - maxDistM (optional, with expect.point): the answer's point must also lie that close to the truth.
 * - falseDoor: any addressId other than the expected one (for coarse kinds: any addressId at all),
 *   counted whether or not the answer was otherwise judged correct.
 */
import { distanceM } from './geo.ts'
import type { GeocodeAnswer, GeoLevel, IndepQuery, QueryKind, Verdict } from './types.ts'

/** Levels, finest first. */
export const LEVEL_ORDER: readonly GeoLevel[] = [
  'room',
  'unit',
  'building',
  'door',
  'compound',
  'road',
  'village',
  'town',
  'district',
  'none',
]

/** Intersection answers above this score claim a precise junction. */
export const PRECISE_SCORE = 0.8
const DEFAULT_JUNCTION_RADIUS_M = 250
const DEFAULT_LANDMARK_RADIUS_M = 300

/**
 * Judges one answer.
 * @example judge(query, { ...answer, addressId: query.expect.addressId }).correct // true
 */
export function judge(q: IndepQuery, a: GeocodeAnswer): Verdict {
  const e = q.expect
  const falseDoor = a.addressId !== null && a.addressId !== e.addressId
  if (e.addressId !== null) return { correct: a.addressId === e.addressId, falseDoor, falsePrecision: false }
  if (q.kind === 'intersection') {
    const near = within(a, e.point, e.radiusM ?? DEFAULT_JUNCTION_RADIUS_M)
    const road = a.level === 'road'
    return {
      correct: road && (near || a.score <= PRECISE_SCORE),
      falseDoor,
      falsePrecision: road && a.score > PRECISE_SCORE && !near,
    }
  }
  if (q.kind === 'landmark') {
    const fine = LEVEL_ORDER.indexOf(a.level) <= LEVEL_ORDER.indexOf('compound')
    return { correct: fine && within(a, e.point, e.radiusM ?? DEFAULT_LANDMARK_RADIUS_M), falseDoor, falsePrecision: false }
  }
  const levelOk = e.acceptLevels ? e.acceptLevels.includes(a.level) && a.addressId === null : a.level === e.level
  let correct = levelOk && (e.townCode === null || a.townCode === e.townCode)
  if (correct && e.maxDistM !== undefined) correct = within(a, e.point, e.maxDistM)
  if (correct && e.level === 'village') {
    const accepted = e.villageCodes ?? (e.villageCode ? [e.villageCode] : null)
    correct = accepted === null || (a.villageCode !== null && accepted.includes(a.villageCode))
  }
  return { correct, falseDoor, falsePrecision: false }
}

/**
 * Whether an answer's point lies within r metres of a truth point (false without either point).
 * @example within({ lng: 120, lat: 30 }, [120, 30.001], 200) // true
 */
function within(a: Pick<GeocodeAnswer, 'lng' | 'lat'>, p: readonly [number, number] | undefined, r: number): boolean {
  if (!p || a.lng === null || a.lat === null) return false
  return distanceM([a.lng, a.lat], p) <= r
}

/** Tallies of one kind. */
export interface KindScore {
  n: number
  correct: number
  falseDoor: number
  falsePrecision: number
  /** Queries without an answer (counted wrong). */
  missing: number
}

/**
 * Judges answers (matched to queries by id) and tallies them by kind; a query without an answer
 * counts as wrong.
 * @example scoreByKind(queries, answers).door_plain // { n: 300, correct: 297, … }
 */
export function scoreByKind(queries: readonly IndepQuery[], answers: readonly GeocodeAnswer[]): Partial<Record<QueryKind, KindScore>> {
  const byId = new Map<string, GeocodeAnswer>()
  for (const a of answers) if (a.id !== undefined) byId.set(a.id, a)
  const out: Partial<Record<QueryKind, KindScore>> = {}
  for (const q of queries) {
    const s = (out[q.kind] ??= { n: 0, correct: 0, falseDoor: 0, falsePrecision: 0, missing: 0 })
    s.n++
    const a = byId.get(q.id)
    if (!a) {
      s.missing++
      continue
    }
    const v = judge(q, a)
    if (v.correct) s.correct++
    if (v.falseDoor) s.falseDoor++
    if (v.falsePrecision) s.falsePrecision++
  }
  return out
}
