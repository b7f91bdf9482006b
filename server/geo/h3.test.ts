import { cellToLatLng, getResolution, latLngToCell } from 'h3-js'
import { describe, expect, it } from 'vitest'

import { bigintToH3, h3Cells, h3ToBigintString } from './h3.ts'

describe('h3 cells', () => {
  it('round-trips between hex and bigint strings', () => {
    const cell = latLngToCell(30.1617, 120.2645, 10)
    expect(bigintToH3(h3ToBigintString(cell))).toBe(cell)
    // H3 indexes have the high bit clear, so they fit PostgreSQL's signed bigint.
    expect(BigInt(h3ToBigintString(cell)) < 2n ** 63n).toBe(true)
  })

  it('gives nested cells at resolutions 7 to 10 that contain the point', () => {
    const cells = h3Cells(120.2645, 30.1617)
    const hex = [cells.r7, cells.r8, cells.r9, cells.r10].map(bigintToH3)
    expect(hex.map(getResolution)).toEqual([7, 8, 9, 10])
    expect(hex[3]).toBe(latLngToCell(30.1617, 120.2645, 10))
    const [lat, lng] = cellToLatLng(hex[3]!)
    // A res-10 cell is ~66 m across: its centre is within ~100 m of the point.
    expect(Math.abs(lat - 30.1617)).toBeLessThan(0.001)
    expect(Math.abs(lng - 120.2645)).toBeLessThan(0.001)
  })
})
