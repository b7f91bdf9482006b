import { describe, expect, it } from 'vitest'

import { importKinds, importOptions, jobCounts, jobEnded, progressShare, rememberJob } from './imports.ts'

describe('the imports page', () => {
  it('offers the kinds the caller’s permissions allow', () => {
    expect(importKinds((p) => p === 'ingest')).toEqual([
      'addresses',
      'incidents',
      'hazards',
      'houses',
      'residents',
      'organisations',
      'disputes',
      'patrols',
      'devices',
      'device_events',
      'gazetteer',
    ])
    expect(importKinds((p) => p === 'ingest' || p === 'settings')).toContain('boundaries')
  })
  it('sends a boundary import its level and field names, other kinds only a source', () => {
    expect(importOptions('boundaries', { level: 'town', crs: '', codeField: ' XZQDM ', source: '' })).toEqual({
      level: 'town',
      codeField: 'XZQDM',
    })
    expect(importOptions('incidents', { source: '110', level: 'town', crs: 'gcj02' })).toEqual({ source: '110' })
    expect(importOptions('hazards', {})).toEqual({})
  })
  it('measures progress within a phase, unknown while its size is', () => {
    expect(progressShare({ phase: 'load', done: 50, total: 200 })).toBe(0.25)
    expect(progressShare({ phase: 'load', done: 300, total: 200 })).toBe(1)
    expect(progressShare({ phase: 'read', done: 10, total: 0 })).toBeNull()
    expect(progressShare(null)).toBeNull()
  })
  it('stops polling when a job is done or failed', () => {
    expect(['queued', 'running', 'done', 'failed'].map((s) => jobEnded(s as 'done'))).toEqual([false, false, true, true])
  })
  it('takes the counts of any kind’s summary in one order', () => {
    expect(jobCounts({ rejected: 1, read: 3, inserted: 2, runId: 9, warnings: [] })).toEqual([
      ['read', 3],
      ['inserted', 2],
      ['rejected', 1],
    ])
    expect(jobCounts(null)).toEqual([])
  })
  it('remembers the newest jobs first, each once', () => {
    const a = { id: 'a', kind: 'incidents', file: 'x.csv', at: '' }
    const b = { id: 'b', kind: 'hazards', file: 'y.csv', at: '' }
    expect(rememberJob([a, b], b).map((j) => j.id)).toEqual(['b', 'a'])
    expect(rememberJob([a, b], { ...b, id: 'c' }, 2).map((j) => j.id)).toEqual(['c', 'a'])
  })
})
