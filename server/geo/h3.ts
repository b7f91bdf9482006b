import { cellToParent, latLngToCell } from 'h3-js'

/** The H3 resolutions stored on every address and incident (columns h3_r7 … h3_r10). */
export const STORED_H3_RESOLUTIONS = [7, 8, 9, 10] as const

/**
 * An H3 index as the decimal string of its 64-bit integer (how PostgreSQL's bigint stores it).
 * @example h3ToBigintString('8a309a453857fff') // '622351774887804927'
 */
export function h3ToBigintString(cell: string): string {
  return BigInt(`0x${cell}`).toString()
}

/**
 * The H3 index (hex string, as h3-js and deck.gl use it) of a bigint from the database.
 * @example bigintToH3('622351774887804927') // '8a309a453857fff'
 */
export function bigintToH3(value: string | bigint): string {
  return BigInt(value).toString(16)
}

export interface StoredCells {
  r7: string
  r8: string
  r9: string
  r10: string
}

/**
 * The cells containing a WGS84 point at the stored resolutions, as bigint strings.
 * @example h3Cells(120.2645, 30.1617).r10 // decimal string of the res-10 cell
 */
export function h3Cells(lng: number, lat: number): StoredCells {
  const r10 = latLngToCell(lat, lng, 10)
  return {
    r7: h3ToBigintString(cellToParent(r10, 7)),
    r8: h3ToBigintString(cellToParent(r10, 8)),
    r9: h3ToBigintString(cellToParent(r10, 9)),
    r10: h3ToBigintString(r10),
  }
}
