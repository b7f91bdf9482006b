import { describe, expect, it } from 'vitest'

import { pgArrayLiteral, toCopyCsv } from './copy-csv.ts'

describe('toCopyCsv', () => {
  it('keeps NULL and empty strings apart and quotes text', () => {
    expect(toCopyCsv([[1, 'a', null, '', undefined]])).toBe('1,"a",,"",\n')
  })
  it('escapes quotes, commas and newlines in text', () => {
    expect(toCopyCsv([['萧山区,"城厢"\n1号']])).toBe('"萧山区,""城厢""\n1号"\n')
  })
  it('writes dates as ISO 8601, booleans as t/f, bigints in full', () => {
    const d = new Date('2025-01-02T03:04:05.000Z')
    expect(toCopyCsv([[d, true, false, 612345678901234567n]])).toBe('2025-01-02T03:04:05.000Z,t,f,612345678901234567\n')
  })
  it('writes arrays as PostgreSQL array literals', () => {
    expect(toCopyCsv([[['金色家园', 'a"b']]])).toBe('"{""金色家园"",""a\\""b""}"\n')
  })
})

describe('pgArrayLiteral', () => {
  it('quotes every element and escapes backslashes', () => {
    expect(pgArrayLiteral(['x\\y', 2])).toBe('{"x\\\\y","2"}')
    expect(pgArrayLiteral([])).toBe('{}')
  })
})
