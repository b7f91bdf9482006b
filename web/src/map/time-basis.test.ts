import { describe, expect, it } from 'vitest'

import { LAYER_IDS } from '../state/url.ts'
import { LAYER_TIME_BASIS, modelWindows, timeBasisNote } from './time-basis.ts'

describe('time basis of the layers', () => {
  const lastWeek = { from: '2026-10-25', to: '2026-11-01' }
  it('says the incident layers follow the period, naming its first and last day', () => {
    for (const id of ['h3', 'heat', 'incidents'] as const) {
      expect(timeBasisNote(id, lastWeek, '2026-10-31')).toEqual({
        key: 'basis.period',
        params: { from: '2026-10-25', to: '2026-10-31' },
        stressed: false,
      })
    }
    expect(timeBasisNote('grid', lastWeek, '2026-10-31')).toBeNull()
  })
  it("says hot spots, warnings, hazards and tasks are the current state, stressed when the period is not today's", () => {
    for (const id of ['hotspots', 'warnings', 'hazards', 'tasks'] as const) {
      expect(timeBasisNote(id, lastWeek, '2026-10-31')).toMatchObject({ key: 'basis.current', stressed: false })
      // A week a month ago: the layer does not show that week.
      expect(timeBasisNote(id, { from: '2026-10-01', to: '2026-10-08' }, '2026-10-31')).toEqual({
        key: 'basis.currentPast',
        params: { from: '2026-10-01', to: '2026-10-07' },
        stressed: true,
      })
    }
    expect(Object.keys(LAYER_TIME_BASIS).sort()).toEqual([...LAYER_IDS].sort())
  })
})

describe("the hot spots' own period", () => {
  const name = { zh: '热点区域', en: 'Hot spots' }
  const run = (dataFrom: string, dataTo: string, status = 'done') => ({ status, dataFrom, dataTo })
  it("is the data window of each hot-spot model's latest live run, in Shanghai days", () => {
    const models = [
      {
        id: 'hotspot',
        definition: { name },
        lastLiveRun: run('2026-10-03T16:00:00.000Z', '2026-10-31T16:00:00.000Z'),
        lastRun: run('2026-05-01T16:00:00.000Z', '2026-05-29T16:00:00.000Z'),
      },
      { id: 'emerging', definition: { name: { zh: '新兴热点', en: 'Emerging' } }, lastLiveRun: null },
      {
        id: 'surge',
        definition: { name: { zh: '激增', en: 'Surge' } },
        lastLiveRun: run('2026-10-24T16:00:00.000Z', '2026-10-31T16:00:00.000Z'),
      },
      { id: 'off', definition: { name, enabled: false }, lastLiveRun: null },
    ]
    // The preview of May (lastRun) is not what the map shows; a model never run says so.
    expect(modelWindows(models, ['hotspot', 'emerging', 'off'])).toEqual([
      { name, days: { from: '2026-10-04', to: '2026-10-31' } },
      { name: { zh: '新兴热点', en: 'Emerging' }, days: null },
    ])
  })
  it('reads the latest run from a server without previews, and no window from a failed run', () => {
    expect(
      modelWindows(
        [{ id: 'hotspot', definition: { name }, lastRun: run('2026-10-03T16:00:00.000Z', '2026-10-31T16:00:00.000Z') }],
        ['hotspot'],
      )[0]!.days,
    ).toEqual({ from: '2026-10-04', to: '2026-10-31' })
    expect(
      modelWindows(
        [{ id: 'hotspot', definition: { name }, lastLiveRun: run('2026-10-03T16:00:00.000Z', '2026-10-31T16:00:00.000Z', 'failed') }],
        ['hotspot'],
      )[0]!.days,
    ).toBeNull()
  })
})
