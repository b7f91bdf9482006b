/**
 * Deterministic demo-data generators for Ping'an OneMap (Xiaoshan District, Hangzhou). Pure
 * functions of a seed string (and, for incidents, the window end): no database code here.
 *
 * Real: the names and 9/12-digit codes of the district, its 27 town-level units (10 街道, 12 镇,
 * 5 statistics-only units) and 585 villages/communities (NBS division codes 2023, data/xiaoshan);
 * 18 town seat points from GeoNames; the incident category catalogue (migrations/002); road names
 * of the urban core (as names only).
 * Synthetic (and marked so): every boundary (`properties.synthetic_boundary`), the 9 remaining
 * seats, all populations, grid/microgrid names and codes, road geometry and door numbers, compound
 * names and layouts, every address point, and every incident.
 *
 * Typical use (memory stays bounded at full size):
 *   const areas = generateBoundaries(seed)                       // ~18,600 rows, a few seconds
 *   const sample = sampleForIncidents({ seed, count })           // ≤ 300,000 addresses kept
 *   load(sample.observe(generateAddresses(areas, { seed, count })))
 *   load(generateIncidents(sample.addresses(), { seed, count: n, end }))
 */
export type { AddressParts, AddressStyle } from './address-text.ts'
export {
  addNoise,
  CANONICAL_STYLE,
  CONFUSABLES,
  formatAddress,
  randomNoiseStyle,
  randomSuffix,
  toChineseDigits,
  toChineseNumber,
  toFullWidth,
  typo,
} from './address-text.ts'
export type { AddressOptions, AddressSample } from './addresses.ts'
export { generateAddresses, INCIDENT_SAMPLE_MAX, sampleEvery, sampleForIncidents, tapSample } from './addresses.ts'
export type { BoundaryOptions } from './boundaries.ts'
export {
  DISTRICT_CODE,
  DISTRICT_NAME,
  districtOutline,
  generateBoundaries,
  GRID_COUNT,
  MICROGRID_COUNT,
  planPopulation,
  subdivide,
  TOTAL_POPULATION,
} from './boundaries.ts'
export type { HotSpot, IncidentOptions, IncidentPlan, RepeatAddress } from './incidents.ts'
export { CATEGORY_PROFILES, generateIncidents, planIncidents, reportedAddress } from './incidents.ts'
export { compoundAliases, compoundName, roadNames, TOWN_ROADS } from './names.ts'
export type { LngLat, Reference, TownRecord, VillageRecord } from './reference.ts'
export { loadReference, parseTowns, parseVillages, SYNTHETIC_SEATS, townShortName, villageNames } from './reference.ts'
export type { Rng } from './rng.ts'
export { createRng, deriveRng } from './rng.ts'
export type { AreaLevel, AreaRow, IncidentRow } from './types.ts'
