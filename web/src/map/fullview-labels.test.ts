import fs from 'node:fs'

import { describe, expect, it } from 'vitest'

import { FULL_VIEW_CODES, type FullViewCodeGroup, fullViewLabel } from './fullview-labels.ts'

/** The codes a CHECK constraint of migration 034 allows for a column (`col IN (…)` or `col <@ ARRAY[…]`). */
function checkCodes(sql: string, table: string, column: string): string[] {
  const body = sql.slice(sql.indexOf(`CREATE TABLE ${table} (`))
  const m = body.match(new RegExp(`\\n\\s+${column}\\s[^\\n]*?(?:IN \\(|ARRAY\\[)([^)\\]]*)`, 's'))
  if (!m) throw new Error(`no check for ${table}.${column}`)
  return [...m[1]!.matchAll(/'(\w+)'/g)].map((x) => x[1]!)
}

describe('full-view code words', () => {
  it('names every code migration 034 allows, in both languages', () => {
    const sql = fs.readFileSync(new URL('../../../migrations/034_full_view.sql', import.meta.url), 'utf8')
    const groups: [FullViewCodeGroup, string, string][] = [
      ['houseUse', 'houses', 'use'],
      ['residence', 'residents', 'residence'],
      ['orgType', 'organisations', 'type'],
      ['orgStatus', 'organisations', 'status'],
      ['disputeType', 'disputes', 'type'],
      ['disputeLevel', 'disputes', 'level'],
      ['disputeStatus', 'disputes', 'status'],
      ['deviceKind', 'devices', 'kind'],
      ['deviceStatus', 'devices', 'status'],
      ['deviceEvent', 'device_events', 'kind'],
    ]
    // Lists continued over lines (risk and key categories) are read whole.
    const risk = [
      ...sql
        .slice(sql.indexOf('risk_categories <@'))
        .split(']::text[]')[0]!
        .matchAll(/'(\w+)'/g),
    ].map((x) => x[1]!)
    const key = [
      ...sql
        .slice(sql.indexOf('key_categories <@'))
        .split(']::text[]')[0]!
        .matchAll(/'(\w+)'/g),
    ].map((x) => x[1]!)
    const all: [FullViewCodeGroup, string[]][] = [
      ...groups.map(([g, table, col]): [FullViewCodeGroup, string[]] => [g, checkCodes(sql, table, col)]),
      ['risk', risk],
      ['keyCategory', key],
    ]
    for (const [group, codes] of all) {
      expect(codes.length, group).toBeGreaterThan(1)
      expect(Object.keys(FULL_VIEW_CODES[group]).sort(), group).toEqual([...codes].sort())
      for (const code of codes) {
        expect(fullViewLabel(group, code, 'zh'), `${group}.${code}`).toMatch(/[\u4e00-\u9fff]/)
        expect(fullViewLabel(group, code, 'en'), `${group}.${code}`).not.toMatch(/_/)
      }
    }
    expect(fullViewLabel('houseUse', 'houseboat', 'zh')).toBe('houseboat')
  })
})
