import { describe, expect, it } from 'vitest'
import { z } from 'zod'

import { featurePageSchema, PLACED_PROPERTIES, placedPoint, placedProperties, type PlacedRow, pointFeatureSchema } from './placed.ts'

const ROW: PlacedRow = {
  address: '北干街道金城路438号',
  address_id: 'A00000001',
  geocode_level: 'door',
  approximate: false,
  town_code: '330109001',
  village_code: '330109001001',
  grid_code: '330109001001001',
  microgrid_code: null,
  lng: 120.27,
  lat: 30.18,
}

describe('placed records', () => {
  it('gives a point, or null for an unplaced row', () => {
    expect(placedPoint(ROW)).toEqual({ type: 'Point', coordinates: [120.27, 30.18] })
    expect(placedPoint({ lng: null, lat: null })).toBeNull()
    expect(placedPoint({ lng: 120.27, lat: null })).toBeNull()
  })

  it('names the placement in the answer', () => {
    expect(placedProperties(ROW)).toEqual({
      address: '北干街道金城路438号',
      addressId: 'A00000001',
      geocodeLevel: 'door',
      approximate: false,
      townCode: '330109001',
      villageCode: '330109001001',
      gridCode: '330109001001001',
      microgridCode: null,
    })
  })

  it('checks a page of features built from a row', () => {
    const page = featurePageSchema(pointFeatureSchema(z.object({ id: z.number(), ...PLACED_PROPERTIES })))
    const feature = { type: 'Feature', id: 1, geometry: placedPoint(ROW), properties: { id: 1, ...placedProperties(ROW) } }
    expect(page.safeParse({ type: 'FeatureCollection', features: [feature], next: null }).success).toBe(true)
    expect(page.safeParse({ type: 'FeatureCollection', features: [{ ...feature, geometry: null }], next: 'x' }).success).toBe(true)
    const bad = { ...feature, geometry: { type: 'Point', coordinates: [1] } }
    expect(page.safeParse({ type: 'FeatureCollection', features: [bad], next: null }).success).toBe(false)
  })
})
