import { describe, expect, it } from 'vitest'

import {
  exportHref,
  houseQuery,
  houseSummary,
  keyText,
  PAGE_SIZE,
  peopleRecord,
  peopleTab,
  registrationText,
  residentColour,
  residentQuery,
} from './people.ts'

describe('the people page addresses', () => {
  it('shows residents unless the houses tab is asked for', () => {
    expect(peopleTab(new URLSearchParams(''))).toBe('residents')
    expect(peopleTab(new URLSearchParams('tab=houses'))).toBe('houses')
    expect(peopleTab(new URLSearchParams('tab=nonsense'))).toBe('residents')
  })
  it('tells a house address from a resident one', () => {
    expect(peopleRecord(null)).toBeNull()
    expect(peopleRecord('12')).toEqual({ kind: 'resident', id: '12' })
    expect(peopleRecord('P-001')).toEqual({ kind: 'resident', id: 'P-001' })
    expect(peopleRecord('house-12')).toEqual({ kind: 'house', id: '12' })
    expect(peopleRecord('house-H-BG-1')).toEqual({ kind: 'house', id: 'H-BG-1' })
    // "house-" alone names no house: it is looked up (and not found) as a resident.
    expect(peopleRecord('house-')).toEqual({ kind: 'resident', id: 'house-' })
  })
})

describe('the list queries', () => {
  it('passes the residents filters the API knows, and nothing else', () => {
    const q = residentQuery(new URLSearchParams('tab=residents&area=330109001&residence=migrant&registration=expired&key=drug&x=1'))
    expect(Object.fromEntries(q)).toEqual({
      area: '330109001',
      residence: 'migrant',
      registration: 'expired',
      key: 'drug',
      limit: String(PAGE_SIZE),
    })
    expect(Object.fromEntries(residentQuery(new URLSearchParams('residence=外地&registration=maybe&key=any')))).toEqual({
      key: 'any',
      limit: String(PAGE_SIZE),
    })
    expect(residentQuery(new URLSearchParams(''), '57').get('cursor')).toBe('57')
  })
  it('passes the houses filters the API knows', () => {
    expect(Object.fromEntries(houseQuery(new URLSearchParams('tab=houses&area=330109001&use=rented&groupRental=true')))).toEqual({
      area: '330109001',
      use: 'rented',
      groupRental: 'true',
      limit: String(PAGE_SIZE),
    })
    expect(Object.fromEntries(houseQuery(new URLSearchParams('use=出租&groupRental=false'), '9'))).toEqual({
      limit: String(PAGE_SIZE),
      cursor: '9',
    })
  })
  it('exports what the list shows (its filters, not its paging or tab), and never asks for unmasked values', () => {
    expect(exportHref(new URLSearchParams(''))).toBe('/api/export/residents.csv')
    expect(exportHref(new URLSearchParams('tab=residents&cursor=99'))).toBe('/api/export/residents.csv')
    const href = exportHref(
      new URLSearchParams('area=330109001&residence=migrant&registration=expired&key=any&unmasked=true&tab=residents'),
    )
    expect(href).toBe('/api/export/residents.csv?area=330109001&residence=migrant&registration=expired&key=any')
    expect(href).not.toContain('unmasked')
  })
})

describe('a resident in words', () => {
  it("says a migrant's registration with its day, and that a registered resident needs none", () => {
    expect(registrationText({ residence: 'migrant', registration: 'valid', registrationExpires: '2027-01-09' }, 'zh')).toBe(
      '居住登记有效，至 2027-01-09',
    )
    expect(registrationText({ residence: 'migrant', registration: 'valid', registrationExpires: null }, 'zh')).toBe('居住登记有效')
    expect(registrationText({ residence: 'migrant', registration: 'expired', registrationExpires: '2025-02-28' }, 'zh')).toBe(
      '居住登记已于 2025-02-28 过期',
    )
    expect(registrationText({ residence: 'migrant', registration: 'none', registrationExpires: null }, 'zh')).toBe('未办理居住登记')
    expect(registrationText({ residence: 'registered', registration: 'none', registrationExpires: null }, 'zh')).toBe('户籍人口')
    expect(registrationText({ residence: 'migrant', registration: 'expired', registrationExpires: '2025-02-28' }, 'en')).toBe(
      'Registration expired on 2025-02-28',
    )
  })
  it('names key-person categories', () => {
    expect(keyText([], 'zh')).toBe('')
    expect(keyText(['drug', 'petition'], 'zh')).toBe('吸毒、重点信访')
    expect(keyText(['community_correction'], 'en')).toBe('Community correction')
  })
  it('marks a migrant without a valid registration, and a key person, in red', () => {
    const red = residentColour({ residence: 'migrant', registration: 'expired', keyCategories: [] })
    expect(residentColour({ residence: 'migrant', registration: 'none', keyCategories: [] })).toBe(red)
    expect(residentColour({ residence: 'registered', registration: 'none', keyCategories: ['drug'] })).toBe(red)
    expect(residentColour({ residence: 'migrant', registration: 'valid', keyCategories: [] })).not.toBe(red)
    expect(residentColour({ residence: 'registered', registration: 'none', keyCategories: [] })).not.toBe(red)
  })
})

describe('a house in words', () => {
  it('gives its use, group rental, rooms and who lives there now', () => {
    expect(houseSummary({ use: 'rented', groupRental: true, rooms: 3, currentResidents: 5 }, 'zh')).toBe('出租 · 群租房 · 3 间 · 在住 5 人')
    expect(houseSummary({ use: 'vacant', groupRental: false, rooms: null, currentResidents: 0 }, 'zh')).toBe('空置 · 在住 0 人')
    expect(houseSummary({ use: 'self_occupied', groupRental: false, rooms: 2, currentResidents: 1 }, 'en')).toBe(
      'Owner-occupied · 2 rooms · 1 living there',
    )
  })
})
