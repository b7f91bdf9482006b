import { describe, expect, it } from 'vitest'

import { startWarmup, type WarmupSteps, warmupTiles } from './warmup.ts'

// Xiaoshan's box, roughly: four z9 tiles (426–427 × 210–211), one z8 tile.
const XIAOSHAN: [number, number, number, number] = [120.1, 29.9, 120.7, 30.4]

describe('warmupTiles', () => {
  it('covers the box at each zoom, zoom by zoom in the order given', () => {
    const tiles = warmupTiles(XIAOSHAN, [9, 8])
    expect(tiles).toEqual([
      { z: 9, x: 426, y: 210 },
      { z: 9, x: 427, y: 210 },
      { z: 9, x: 426, y: 211 },
      { z: 9, x: 427, y: 211 },
      { z: 8, x: 213, y: 105 },
    ])
  })

  it('grows fourfold per zoom over a wide box', () => {
    const n = (z: number) => warmupTiles([119, 29, 121, 31], [z]).length
    expect(n(10)).toBeGreaterThan(3 * n(9))
  })
})

describe('startWarmup', () => {
  const recorder = (fail?: string) => {
    const calls: string[] = []
    const steps: WarmupSteps = {
      extent: async () => XIAOSHAN,
      tile: async (layers, t) => {
        if (fail && layers === fail) throw new Error(`cannot render ${layers}`)
        calls.push(`${layers}/${t.z}/${t.x}/${t.y}`)
      },
      cells: async (res) => {
        calls.push(`cells ${res}`)
      },
    }
    return { calls, steps }
  }

  it('renders every set at the first zoom, then the H3 counts, then the other zooms, and counts progress', async () => {
    const { calls, steps } = recorder()
    const w = startWarmup(steps, ['a', 'b'], [9, 8])
    expect(w.status().state).toBe('running')
    await w.done
    expect(calls).toEqual([
      'a/9/426/210',
      'b/9/426/210',
      'a/9/427/210',
      'b/9/427/210',
      'a/9/426/211',
      'b/9/426/211',
      'a/9/427/211',
      'b/9/427/211',
      'cells 7',
      'a/8/213/105',
      'b/8/213/105',
    ])
    const s = w.status()
    expect(s).toMatchObject({ state: 'done', tiles: 10, total: 10, error: null })
    expect(s.ms).toBeGreaterThanOrEqual(0)
  })

  it('stops after the tile in hand', async () => {
    const { calls, steps } = recorder()
    const w = startWarmup(steps, ['a'], [9])
    w.stop()
    await w.done
    expect(calls.length).toBeLessThanOrEqual(1)
    expect(w.status().state).toBe('stopped')
  })

  it('reports a failure with its cause', async () => {
    const { steps } = recorder('b')
    const w = startWarmup(steps, ['a', 'b'], [9])
    await w.done
    expect(w.status()).toMatchObject({ state: 'failed', tiles: 1, error: 'cannot render b' })
  })

  it('has nothing to do without areas', async () => {
    const w = startWarmup({ ...recorder().steps, extent: async () => null }, ['a'])
    await w.done
    expect(w.status()).toMatchObject({ state: 'done', tiles: 0, total: 0 })
  })
})
