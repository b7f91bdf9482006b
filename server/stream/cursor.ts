/**
 * Where a client of the live stream stands, as a snapshot of the database's transactions rather
 * than a change number: change numbers are taken at write time, so they commit out of order, and
 * "everything up to the highest number sent" would skip a change still being written. The cursor
 * travels as the event id (and Last-Event-ID), so a reconnect resumes exactly.
 *
 * Text forms (digits, `:`, `,`, `/` and `.` only):
 * - `xmin:xmax:xip,…` — every change of a transaction visible in that snapshot was sent;
 * - `N` — an id from before migration 027: every change numbered up to N was sent;
 * - `<either>/<snapshot>/<xid>.<seq>` — also the changes visible in the second snapshot up to
 *   (xid, seq) in sending order, where a batch was cut short or a client left in the middle of one.
 */

/** A PostgreSQL snapshot (pg_snapshot): transactions below xmin have ended, from xmax on had not begun, xip were in flight. */
export interface Snapshot {
  xmin: bigint
  xmax: bigint
  /** Ascending. */
  xip: readonly bigint[]
}

/** A change's place in sending order: the transaction that wrote it, then its change number. */
export interface Position {
  xid: bigint
  seq: bigint
}

export interface Cursor {
  /** Every change of a transaction visible in `snapshot` was sent, or (legacy ids) every change numbered up to `seq`. */
  seen: { snapshot: Snapshot } | { seq: bigint }
  /** A batch in progress: the changes visible in `snapshot` up to `after` were sent too. */
  batch?: { snapshot: Snapshot; after: Position }
}

/** Ids longer than this are refused (a snapshot lists at most one id per open connection). */
export const MAX_CURSOR_LENGTH = 16_384
const MAX_INT8 = 2n ** 63n - 1n
const NUMBER = /^\d{1,19}$/

function int8(text: string): bigint | null {
  if (!NUMBER.test(text)) return null
  const n = BigInt(text)
  return n <= MAX_INT8 ? n : null
}

/**
 * Reads pg_snapshot's text form; null unless PostgreSQL would take it (xip ascending, within [xmin, xmax)).
 * @example parseSnapshot('740:745:741,743') // { xmin: 740n, xmax: 745n, xip: [741n, 743n] }
 */
export function parseSnapshot(text: string): Snapshot | null {
  const parts = text.split(':')
  if (parts.length !== 3) return null
  const xmin = int8(parts[0]!)
  const xmax = int8(parts[1]!)
  if (xmin === null || xmax === null || xmin < 1n || xmax < xmin) return null
  const xip: bigint[] = []
  for (const p of parts[2] === '' ? [] : parts[2]!.split(',')) {
    const x = int8(p)
    if (x === null || x < xmin || x >= xmax || (xip.length > 0 && x <= xip[xip.length - 1]!)) return null
    xip.push(x)
  }
  return { xmin, xmax, xip }
}

/**
 * pg_snapshot's text form.
 * @example formatSnapshot({ xmin: 740n, xmax: 745n, xip: [741n] }) // '740:745:741'
 */
export function formatSnapshot(s: Snapshot): string {
  return `${s.xmin}:${s.xmax}:${s.xip.join(',')}`
}

/**
 * Whether a transaction's writes are visible in a snapshot (pg_visible_in_snapshot, for one that committed).
 * @example visibleIn(742n, parseSnapshot('740:745:741,743')!) // true
 */
export function visibleIn(xid: bigint, s: Snapshot): boolean {
  if (xid < s.xmin) return true
  if (xid >= s.xmax) return false
  return !s.xip.includes(xid)
}

/**
 * Orders positions as the stream sends them: by transaction, then by change number.
 * @example comparePositions({ xid: 7n, seq: 90n }, { xid: 8n, seq: 12n }) // -1
 */
export function comparePositions(a: Position, b: Position): -1 | 0 | 1 {
  if (a.xid !== b.xid) return a.xid < b.xid ? -1 : 1
  if (a.seq !== b.seq) return a.seq < b.seq ? -1 : 1
  return 0
}

/**
 * Whether the change at `p` was already sent to a client at `cursor`.
 * @example wasSent(parseCursor('740:745:741')!, { xid: 741n, seq: 9n }) // false: 741 was in flight
 */
export function wasSent(cursor: Cursor, p: Position): boolean {
  const seen = 'snapshot' in cursor.seen ? visibleIn(p.xid, cursor.seen.snapshot) : p.seq <= cursor.seen.seq
  if (seen) return true
  return cursor.batch !== undefined && visibleIn(p.xid, cursor.batch.snapshot) && comparePositions(p, cursor.batch.after) <= 0
}

/**
 * A snapshot that sees no transaction some of `snapshots` do not: one look from it finds what
 * each of them still needs (and a little more, which each client's own cursor filters out).
 * @example commonFloor([parseSnapshot('740:745:741')!, parseSnapshot('742:744:')!]) // 740:744:741
 */
export function commonFloor(snapshots: readonly Snapshot[]): Snapshot {
  let xmin = snapshots[0]!.xmin
  let xmax = snapshots[0]!.xmax
  for (const s of snapshots) {
    if (s.xmin < xmin) xmin = s.xmin
    if (s.xmax < xmax) xmax = s.xmax
  }
  // Visible in the floor: below every xmin, or below every xmax and in flight in none.
  const xip = new Set<bigint>()
  for (const s of snapshots) for (const x of s.xip) if (x >= xmin && x < xmax) xip.add(x)
  return { xmin, xmax, xip: [...xip].sort((a, b) => (a < b ? -1 : 1)) }
}

/**
 * Whether a cursor names transactions this database has not begun yet: an id from another
 * database (a backup restored onto a new server starts its transaction ids lower), which would
 * count every new change as already sent.
 * @example isAhead(parseCursor('900:905:')!, parseSnapshot('740:745:')!) // true
 */
export function isAhead(cursor: Cursor, current: Snapshot): boolean {
  if ('snapshot' in cursor.seen && cursor.seen.snapshot.xmax > current.xmax) return true
  return cursor.batch !== undefined && cursor.batch.snapshot.xmax > current.xmax
}

/**
 * Reads an event id (or `since`) as a cursor; null if it is not one.
 * @example parseCursor('740:745:741/750:750:/741.9') // { seen: { snapshot: … }, batch: { snapshot: …, after: { xid: 741n, seq: 9n } } }
 */
export function parseCursor(text: string): Cursor | null {
  if (text.length > MAX_CURSOR_LENGTH) return null
  const parts = text.split('/')
  if (parts.length !== 1 && parts.length !== 3) return null
  let seen: Cursor['seen']
  if (parts[0]!.includes(':')) {
    const snapshot = parseSnapshot(parts[0]!)
    if (!snapshot) return null
    seen = { snapshot }
  } else {
    const seq = int8(parts[0]!)
    if (seq === null) return null
    seen = { seq }
  }
  if (parts.length === 1) return { seen }
  const snapshot = parseSnapshot(parts[1]!)
  const at = parts[2]!.split('.')
  const xid = at.length === 2 ? int8(at[0]!) : null
  const seq = at.length === 2 ? int8(at[1]!) : null
  if (!snapshot || xid === null || seq === null) return null
  return { seen, batch: { snapshot, after: { xid, seq } } }
}

/**
 * A cursor's text form (see the top of this file).
 * @example formatCursor({ seen: { seq: 1042n } }) // '1042'
 */
export function formatCursor(c: Cursor): string {
  const seen = 'snapshot' in c.seen ? formatSnapshot(c.seen.snapshot) : String(c.seen.seq)
  return c.batch ? `${seen}/${formatSnapshot(c.batch.snapshot)}/${c.batch.after.xid}.${c.batch.after.seq}` : seen
}
