/**
 * Types of the independent evaluation set. Re-declared here on purpose: this folder shares no
 * code with the project's demo generator or geocoder (see README.md).
 */
import type { MultiPolygon } from 'geojson'

/** One administrative area handed to the generator (towns and villages only). */
export interface IndepArea {
  code: string
  name: string
  level: 'town' | 'village'
  parentCode: string | null
  /** WGS84 lng/lat. */
  geometry: MultiPolygon
}

/** The levels the geocoder answers with, finest first. */
export type GeoLevel = 'room' | 'unit' | 'building' | 'door' | 'compound' | 'road' | 'village' | 'town' | 'district' | 'none'

/** Which structure a base row describes. */
export type RowType = 'room' | 'door' | 'house'

/** One generated address row (the CSV line plus what the query builder needs to know). */
export interface BaseRow {
  addressId: string
  address: string
  lng: number
  lat: number
  /** `|`-separated alternative compound names ('' for none). */
  aliases: string
  type: RowType
  /** The town written in the address text. */
  townCode: string
  town: string
  /** The town whose polygon holds the point (differs from townCode on border rows). */
  pointTownCode: string
  border: boolean
  village: string
  villageId: number | null
  groupNo: number | null
  road: string
  roadId: number | null
  doorNo: number | null
  compound: string
  compoundId: number | null
  building: number | null
  unit: number | null
  room: number | null
  /** Whether the CSV line carries the parsed part columns (else the importer parses the text). */
  withParts: boolean
}

/** The query classes; each is produced at least `perKind` times when its material exists. */
export const ADDRESS_KINDS = [
  'door_plain',
  'room_plain',
  'short_town',
  'no_town',
  'no_road',
  'spoken_numerals',
  'dash_notation',
  'variants',
  'trailing_words',
  'reporter_phrase',
  'punct_spaces',
  'mix',
  'village_group',
  'wrong_compound_guard',
  'text_town_border',
  'homophone_tone',
  'compound_alias',
  'old_name_address',
] as const

/** Query classes whose truth is coarser than a door (no address id expected). */
export const COARSE_KINDS = [
  'village_group_only',
  'intersection',
  'landmark',
  'old_name',
  'missing_door',
  'unknown_place',
  'garbage',
] as const

/**
 * Harder address classes (real-world messy input; see README.md), produced after the kinds above
 * from their own forked random streams, so adding them shifts no earlier query.
 */
export const HARD_ADDRESS_KINDS = [
  'combo_noise',
  'typo_town',
  'typo_no_town',
  'village_slip',
  'compound_xiaoqu',
  'compound_short',
  'door_no_hao',
  'room_floor_words',
  'room_forms',
  'room_no_unit',
  'town_after',
  'dup_district',
  'inner_spaces',
  'traditional',
  'coord_gcj02',
  'coord_bd09',
  'coord_disambig',
] as const

/** Harder coarse classes: texts that cannot name one row (the truth is coarser) or name none. */
export const HARD_COARSE_KINDS = [
  'building_no_unit',
  'ambiguous_road_door',
  'ambiguous_compound',
  'other_district',
  'other_city_phone',
  'emoji_punct',
] as const

export type AddressKind = (typeof ADDRESS_KINDS)[number] | (typeof HARD_ADDRESS_KINDS)[number]
export type CoarseKind = (typeof COARSE_KINDS)[number] | (typeof HARD_COARSE_KINDS)[number]
export type QueryKind = AddressKind | CoarseKind

/** Every kind in generation order: the original kinds first, then the harder ones. */
export const ALL_KINDS: readonly QueryKind[] = [...ADDRESS_KINDS, ...COARSE_KINDS, ...HARD_ADDRESS_KINDS, ...HARD_COARSE_KINDS]

/**
 * Whether a kind's truth is coarser than a row (no address id expected).
 * @example isCoarseKind('garbage') // true
 */
export function isCoarseKind(kind: QueryKind): boolean {
  return (COARSE_KINDS as readonly string[]).includes(kind) || (HARD_COARSE_KINDS as readonly string[]).includes(kind)
}

/** What a correct answer looks like. */
export interface IndepExpect {
  level: GeoLevel
  /** The row's id for address kinds, null for coarse kinds. */
  addressId: string | null
  /** The written town (for border rows: the town in the text, not the polygon's). */
  townCode: string | null
  /** The village polygon the truth belongs to, when known. */
  villageCode?: string
  /** Every village code accepted for a village-level truth (see judge.ts). */
  villageCodes?: string[]
  /** Truth point [lng, lat] (WGS84). */
  point?: [number, number]
  /** Tolerance around `point` for point-judged kinds. */
  radiusM?: number
  /** For border rows: the town whose polygon holds the point. */
  pointTownCode?: string
  /**
   * Coarse truths only: every answer level accepted (default `[level]`). When set, an answer that
   * carries an addressId is never correct (the text cannot name one row). See judge.ts.
   */
  acceptLevels?: GeoLevel[]
  /** Coarse truths only: the answer's point must lie within this many metres of `point`. */
  maxDistM?: number
}

/** One evaluation query. */
export interface IndepQuery {
  id: string
  kind: QueryKind
  coarse: boolean
  text: string
  lng?: number
  lat?: number
  crs?: string
  expect: IndepExpect
  /** Free-form notes for reading failures (e.g. the homophone slip made). */
  meta?: Record<string, string>
}

/** The part of a geocoder answer the judge reads (shape of the batch endpoint's results). */
export interface GeocodeAnswer {
  id?: string
  addressId: string | null
  address: string | null
  level: GeoLevel
  score: number
  lng: number | null
  lat: number | null
  townCode: string | null
  villageCode: string | null
  gridCode: string | null
  h3: string | null
}

/** The judge's verdict on one answer. */
export interface Verdict {
  correct: boolean
  /** An address id that is not the expected one (any id for coarse queries). */
  falseDoor: boolean
  /** Intersections: a confident (score > 0.8) road answer farther than the radius. */
  falsePrecision: boolean
}
