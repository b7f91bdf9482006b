import { describe, expect, it } from 'vitest'

import { pagedList } from './paged.ts'

interface Page {
  /** Which request this answers (1 for the first). */
  n: number
  rows: string[]
  next: string | null
  numberMatched?: number
}

/** A server of `all` in pages of 2, answering when `release` says (to overtake one answer with another). */
function server(all: string[]) {
  const asked: (string | null)[] = []
  const waiting: (() => void)[] = []
  const fetchPage = (cursor: string | null): Promise<Page> => {
    asked.push(cursor)
    const from = cursor ? Number(cursor) : 0
    const page: Page = { n: asked.length, rows: all.slice(from, from + 2), next: from + 2 < all.length ? String(from + 2) : null }
    if (cursor === null) page.numberMatched = all.length
    return new Promise((resolve) => waiting.push(() => resolve(page)))
  }
  return { asked, fetchPage, release: (i: number) => waiting[i]!() }
}

describe('pagedList', () => {
  it('loads the first page with its count, then appends the next ones from their cursors', async () => {
    const s = server(['a', 'b', 'c', 'd', 'e'])
    const rows = pagedList(s.fetchPage, (p) => p.rows)
    const first = rows.load()
    s.release(0)
    expect(await first).toBe(true)
    expect([rows.items, rows.next, rows.total]).toEqual([['a', 'b'], '2', 5])
    const more = rows.load(true)
    s.release(1)
    await more
    const last = rows.load(true)
    s.release(2)
    await last
    expect([rows.items, rows.next, rows.total]).toEqual([['a', 'b', 'c', 'd', 'e'], null, 5])
    expect(s.asked).toEqual([null, '2', '4'])
  })

  it('drops an answer a newer load overtook, whichever arrives first', async () => {
    const s = server(['a', 'b', 'c'])
    const rows = pagedList(s.fetchPage, (p) => p.rows.map((r) => `${r}${p.n}`))
    const old = rows.load()
    const fresh = rows.load()
    s.release(1)
    expect(await fresh).toBe(true)
    s.release(0)
    expect(await old).toBe(false)
    expect(rows.items).toEqual(['a2', 'b2'])
  })

  it("an overtaken load's failure is dropped too; the current one's is thrown", async () => {
    let calls = 0
    const fails = (fail: boolean, after: number) =>
      new Promise<Page>((resolve, reject) =>
        setTimeout(() => (fail ? reject(new Error('503')) : resolve({ n: 0, rows: ['x'], next: null, numberMatched: 1 })), after),
      )
    const rows = pagedList(
      () => fails(++calls === 1, calls === 1 ? 20 : 0),
      (p) => p.rows,
    )
    const old = rows.load()
    expect(await rows.load()).toBe(true)
    expect(await old).toBe(false)
    expect(rows.items).toEqual(['x'])
    await expect(
      pagedList(
        () => fails(true, 0),
        (p: Page) => p.rows,
      ).load(),
    ).rejects.toThrow('503')
  })

  it('a new load starts over: rows replaced, count from its own first page', async () => {
    const s = server(['a', 'b', 'c'])
    const rows = pagedList(s.fetchPage, (p) => p.rows)
    for (let i = 0; i < 3; i++) {
      const p = rows.load(i === 1)
      s.release(i)
      await p
    }
    expect([rows.items, rows.next, rows.total]).toEqual([['a', 'b'], '2', 3])
  })
})
