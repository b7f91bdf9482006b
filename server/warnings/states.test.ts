import fs from 'node:fs'

import { describe, expect, it } from 'vitest'

import { OPEN_STATUSES } from './states.ts'

/** The statuses of every `status IN ('…', …)` in a text. */
const inLists = (text: string) => [...text.matchAll(/status IN \(([^)]*)\)/g)].map((m) => [...m[1]!.matchAll(/'(\w+)'/g)].map((q) => q[1]))

describe('open warnings', () => {
  it('are the same statuses in the domain list, the partial unique index and the query that uses it', () => {
    // One open warning per (model, subject) is held by the index; the raise query spells the list out so
    // that the planner can use it (server/warnings/store.ts). If the list changes, both must follow.
    const index = fs.readFileSync(new URL('../../migrations/015_warnings.sql', import.meta.url), 'utf8')
    expect(inLists(index.slice(index.indexOf('warnings_open_subject_idx')))[0]).toEqual([...OPEN_STATUSES])
    const store = fs.readFileSync(new URL('./store.ts', import.meta.url), 'utf8')
    const raise = store.slice(store.indexOf('warnings_open_subject_idx'))
    expect(inLists(raise)[0]).toEqual([...OPEN_STATUSES])
  })
})
