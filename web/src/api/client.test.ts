import { describe, expect, it } from 'vitest'

import { csrfToken, loginUrl, parseConfig } from './client.ts'

describe('parseConfig', () => {
  const district = { code: '330109', name: '萧山区', bbox: [120.1, 29.9, 120.7, 30.4] }

  it('accepts the server config and normalises an empty basemap to null', () => {
    expect(parseConfig({ basemapTileUrl: null, district })).toEqual({
      basemapTileUrl: null,
      district: { ...district, illustrative: false },
      home: null,
      timeZone: 'Asia/Shanghai',
      scope: null,
    })
    expect(parseConfig({ basemapTileUrl: '', district }).basemapTileUrl).toBeNull()
    expect(parseConfig({ district }).basemapTileUrl).toBeNull()
    expect(parseConfig({ basemapTileUrl: 'http://127.0.0.1/{z}/{x}/{y}.png', district }).basemapTileUrl).toContain('{z}')
  })

  it('names what is wrong', () => {
    expect(() => parseConfig(null)).toThrow(/config: \(root\)/)
    expect(() => parseConfig({ district: null })).toThrow(/config: district/)
    expect(() => parseConfig({ district: { ...district, bbox: [1, 2, 3] } })).toThrow(/bbox/)
    expect(() => parseConfig({ basemapTileUrl: 5, district })).toThrow(/basemapTileUrl/)
  })
})

describe('loginUrl', () => {
  it('comes back to the page, query and hash included', () => {
    expect(loginUrl({ pathname: '/', search: '?z=12&l=h3', hash: '#town' })).toBe('/login?next=%2F%3Fz%3D12%26l%3Dh3%23town')
    expect(loginUrl({ pathname: '/wall', search: '', hash: '' })).toBe('/login?next=%2Fwall')
  })
})

describe('csrfToken', () => {
  it('reads the token the login set, among other cookies', () => {
    expect(csrfToken('a=1; onemap_csrf=abc%2Fdef; b=2')).toBe('abc/def')
    expect(csrfToken('onemap_csrf=xyz')).toBe('xyz')
    expect(csrfToken('other_onemap_csrf=no')).toBe('')
    expect(csrfToken('')).toBe('')
  })
})
