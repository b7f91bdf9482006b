import { describe, expect, it } from 'vitest'

import { createWireFilter, splitMessages } from './wire-filter.ts'

/** A backend message: type byte, int32 length (including itself), body. */
function msg(type: string, body: number[] = []): number[] {
  const len = body.length + 4
  return [type.charCodeAt(0), (len >>> 24) & 255, (len >>> 16) & 255, (len >>> 8) & 255, len & 255, ...body]
}
const bytes = (...parts: number[][]) => Uint8Array.from(parts.flat())
const types = (buf: Uint8Array) =>
  splitMessages(buf)
    .map(([s]) => String.fromCharCode(buf[s]!))
    .join('')
const code = (c: string) => c.charCodeAt(0)

describe('splitMessages', () => {
  it('splits back-to-back messages and keeps a partial tail whole', () => {
    const buf = bytes(msg('1'), msg('Z', [0x49]), [0x44, 0, 0])
    expect(splitMessages(buf)).toEqual([
      [0, 5],
      [5, 11],
      [11, 14],
    ])
  })
})

describe('createWireFilter', () => {
  it('drops the extra ReadyForQuery PGlite sends after a PostGIS error, and skips to Sync', () => {
    const f = createWireFilter()
    // Execute fails: ErrorResponse, ParameterStatus burst, a stray ReadyForQuery.
    const out = f.filter(code('E'), bytes(msg('E', [1, 2]), msg('S', [3]), msg('Z', [0x49])))
    expect(types(out)).toBe('E')
    expect(f.shouldExecute(code('B'))).toBe(false)
    expect(f.shouldExecute(code('S'))).toBe(true)
    expect(types(f.filter(code('S'), bytes(msg('Z', [0x49]))))).toBe('Z')
    expect(f.shouldExecute(code('P'))).toBe(true)
  })

  it('passes ordinary extended-protocol results through', () => {
    const f = createWireFilter()
    const out = f.filter(code('E'), bytes(msg('D', [1]), msg('C', [2])))
    expect(types(out)).toBe('DC')
    expect(f.shouldExecute(code('E'))).toBe(true)
  })

  it('answers a simple Query with exactly one, final ReadyForQuery', () => {
    const f = createWireFilter()
    const out = f.filter(code('Q'), bytes(msg('E'), msg('Z', [0x49]), msg('S'), msg('Z', [0x45])))
    expect(types(out)).toBe('ESZ')
    expect(out[out.length - 1]).toBe(0x45) // the status of the last ReadyForQuery is kept
  })

  it('leaves the startup exchange untouched', () => {
    const f = createWireFilter()
    const out = bytes(msg('R', [0, 0, 0, 0]), msg('Z', [0x49]))
    expect(f.filter(0, out)).toBe(out)
  })
})
