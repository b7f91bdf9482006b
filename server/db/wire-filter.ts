/**
 * Keeps PGlite's wire protocol output in step with what clients expect.
 *
 * When PostGIS raises an error (invalid WKT, ST_AsMVT without protobuf…), PGlite 0.5.8 answers
 * the failing extended-protocol message with ErrorResponse, a burst of ParameterStatus and an
 * extra ReadyForQuery, and then another ReadyForQuery at Sync. postgres.js takes the extra
 * ReadyForQuery as the end of the *next* query, and every later result is off by one. The
 * filter restores PostgreSQL's rules: after an error, extended-protocol messages are discarded
 * until Sync, and exactly one ReadyForQuery answers each Sync or simple Query.
 */

const READY_FOR_QUERY = 0x5a // 'Z'
const ERROR_RESPONSE = 0x45 // 'E'
const SYNC = 0x53 // 'S'
const SIMPLE_QUERY = 0x51 // 'Q'
/** Parse, Bind, Describe, Execute, Close, Flush: skipped after an error until Sync. */
const EXTENDED = new Set([0x50, 0x42, 0x44, 0x45, 0x43, 0x48])

/**
 * Splits a buffer of backend messages (type byte + int32 length) into [start, end) ranges.
 * @example splitMessages(Uint8Array.of(0x5a, 0, 0, 0, 5, 0x49)) // [[0, 6]]
 */
export function splitMessages(buf: Uint8Array): [number, number][] {
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength)
  const out: [number, number][] = []
  let at = 0
  while (at + 5 <= buf.length) {
    const end = at + 1 + view.getInt32(at + 1)
    if (end > buf.length || end <= at) break
    out.push([at, end])
    at = end
  }
  if (at !== buf.length) out.push([at, buf.length]) // not a whole message: pass it on untouched
  return out
}

/**
 * Joins byte arrays into one.
 * @example concatBytes([Uint8Array.of(1), Uint8Array.of(2, 3)]) // Uint8Array [1, 2, 3]
 */
export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  const total = parts.reduce((n, p) => n + p.length, 0)
  const out = new Uint8Array(total)
  let at = 0
  for (const p of parts) {
    out.set(p, at)
    at += p.length
  }
  return out
}

export interface WireFilter {
  /** False when PostgreSQL would discard this frontend message (after an error, before Sync). */
  shouldExecute(frontendType: number): boolean
  /** The backend output to forward for one frontend message. */
  filter(frontendType: number, output: Uint8Array): Uint8Array
}

/**
 * Creates the filter for one backend session.
 * @example
 * const f = createWireFilter()
 * f.filter(0x45, errorThenReady) // the ErrorResponse only; later Bind/Execute are skipped until Sync
 */
export function createWireFilter(): WireFilter {
  let discardUntilSync = false
  return {
    shouldExecute(type) {
      return !(discardUntilSync && EXTENDED.has(type))
    },
    filter(type, output) {
      const ranges = splitMessages(output)
      const keep: Uint8Array[] = []
      if (type === SYNC || type === SIMPLE_QUERY) {
        if (type === SYNC) discardUntilSync = false
        let lastReady: Uint8Array | null = null
        for (const [s, e] of ranges) {
          if (output[s] === READY_FOR_QUERY) lastReady = output.subarray(s, e)
          else keep.push(output.subarray(s, e))
        }
        if (lastReady) keep.push(lastReady)
        return concatBytes(keep)
      }
      if (!EXTENDED.has(type)) return output // startup and anything else: untouched
      for (const [s, e] of ranges) {
        if (output[s] === READY_FOR_QUERY) continue
        keep.push(output.subarray(s, e))
        if (output[s] === ERROR_RESPONSE) {
          discardUntilSync = true
          break
        }
      }
      return concatBytes(keep)
    },
  }
}
