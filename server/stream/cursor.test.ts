import { describe, expect, it } from 'vitest'

import { rowsBySeq } from './changes.ts'
import { commonFloor, formatCursor, isAhead, parseCursor, parseSnapshot, type Snapshot, visibleIn, wasSent } from './cursor.ts'

const snap = (text: string): Snapshot => parseSnapshot(text)!

describe('stream cursors', () => {
  it('reads and writes event ids of every form unchanged', () => {
    for (const id of ['740:745:741,743', '745:745:', '1042', '740:745:741/750:752:751/741.9001', '1042/750:750:/748.1043'])
      expect(formatCursor(parseCursor(id)!)).toBe(id)
  })

  it('refuses what PostgreSQL would refuse as a snapshot, and anything else', () => {
    for (const id of [
      '',
      'abc',
      '12:10:',
      '10:20:25',
      '10:20:9',
      '10:20:15,12',
      '10:20:15,15',
      '0:5:',
      '10:20',
      '10:20:/30:30:',
      '10:20:/30:30:/5',
      '1.2',
      '9223372036854775808',
      '-1',
    ])
      expect(parseCursor(id), id).toBeNull()
  })

  it('counts a transaction in flight at the snapshot as not seen, one that ended before it as seen', () => {
    const s = snap('740:745:741,743')
    expect([739n, 740n, 741n, 742n, 743n, 744n, 745n, 900n].map((x) => visibleIn(x, s))).toEqual([
      true,
      true,
      false,
      true,
      false,
      true,
      false,
      false,
    ])
  })

  it('says a change numbered below the highest one sent was not sent while its writer was in flight', () => {
    // T1 (xid 741) took number 100 and is still writing; T2 (xid 742) took 101 and committed.
    const afterT2 = parseCursor('741:743:741')!
    expect(wasSent(afterT2, { xid: 742n, seq: 101n })).toBe(true)
    expect(wasSent(afterT2, { xid: 741n, seq: 100n })).toBe(false)
  })

  it('in a batch cut short, counts as sent exactly the changes of its snapshot up to its place', () => {
    const c = parseCursor('740:740:/745:745:/742.500')!
    expect(wasSent(c, { xid: 741n, seq: 900n })).toBe(true) // an earlier transaction of the batch
    expect(wasSent(c, { xid: 742n, seq: 500n })).toBe(true)
    expect(wasSent(c, { xid: 742n, seq: 501n })).toBe(false) // the same transaction, further on
    expect(wasSent(c, { xid: 743n, seq: 10n })).toBe(false)
    expect(wasSent(c, { xid: 746n, seq: 1n })).toBe(false) // not in the batch's snapshot
    expect(wasSent(c, { xid: 739n, seq: 1n })).toBe(true) // seen before the batch
  })

  it('counts an old numeric id as every change numbered up to it', () => {
    const c = parseCursor('1042')!
    expect(wasSent(c, { xid: 9_999n, seq: 1042n })).toBe(true)
    expect(wasSent(c, { xid: 1n, seq: 1043n })).toBe(false)
  })

  it('tells an id from another database by transactions this one has not begun', () => {
    const now = snap('740:745:741')
    expect(isAhead(parseCursor('738:745:')!, now)).toBe(false)
    expect(isAhead(parseCursor('900:905:')!, now)).toBe(true)
    expect(isAhead(parseCursor('700:700:/900:905:/800.3')!, now)).toBe(true)
    expect(isAhead(parseCursor('1042')!, now)).toBe(false)
  })

  it('finds a floor no client is behind: it sees only what every one of them saw', () => {
    const clients = [snap('740:745:741,743'), snap('742:744:'), snap('738:760:739,750')]
    const floor = commonFloor(clients)
    for (let x = 730n; x < 770n; x++) {
      if (visibleIn(x, floor)) for (const c of clients) expect(visibleIn(x, c), `xid ${x}`).toBe(true)
    }
    // …and no more than needed where they agree.
    expect(commonFloor([snap('740:745:741'), snap('740:745:741')])).toEqual(snap('740:745:741'))
  })
})

describe('rowsBySeq', () => {
  // A table's rows in number order, as a *ChangedSince reader gives them; 5 changed again (now 9).
  const table = [3n, 4n, 6n, 7n, 8n, 9n, 12n].map((n) => ({ seq: String(n) }))
  const reads: [string, number][] = []
  const read = async (since: string, limit: number) => {
    reads.push([since, limit])
    return table.filter((r) => BigInt(r.seq) > BigInt(since)).slice(0, limit)
  }

  it('finds the rows of the numbers asked for, leaves out one changed again, reading little', async () => {
    reads.length = 0
    const found = await rowsBySeq([6n, 7n, 5n, 12n], read)
    expect([...found.keys()].sort()).toEqual(['12', '6', '7'])
    // 5 → reads from 4 (finds 6, 7, 8: 5 is gone), then 12 alone.
    expect(reads).toEqual([
      ['4', 4],
      ['11', 1],
    ])
  })

  it('reads nothing for nothing', async () => {
    reads.length = 0
    expect((await rowsBySeq([], read)).size).toBe(0)
    expect(reads).toEqual([])
  })
})
