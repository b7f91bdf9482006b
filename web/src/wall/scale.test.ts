import { describe, expect, it } from 'vitest'

import { fitStage, stageTransform } from './scale.ts'

describe('fitStage', () => {
  it('scales 16:9 viewports exactly, with no letterbox', () => {
    expect(fitStage(1920, 1080)).toEqual({ scale: 1, left: 0, top: 0 })
    expect(fitStage(3840, 2160)).toEqual({ scale: 2, left: 0, top: 0 })
    const small = fitStage(1280, 720)
    expect(small.scale).toBeCloseTo(2 / 3, 10)
    expect(small.left).toBeCloseTo(0, 10)
    expect(small.top).toBeCloseTo(0, 10)
  })

  it('letterboxes other shapes, centred', () => {
    // A 2×2 panel wall of 1920×1080 panels is 16:9 again; a wide 3×1 wall is not.
    expect(fitStage(5760, 1080)).toEqual({ scale: 1, left: 1920, top: 0 })
    expect(fitStage(1920, 1200)).toEqual({ scale: 1, left: 0, top: 60 })
  })

  it('survives a viewport of zero size (a hidden tab)', () => {
    expect(fitStage(0, 0)).toEqual({ scale: 1, left: 0, top: 0 })
  })

  it('writes the CSS transform', () => {
    expect(stageTransform({ scale: 0.5, left: 10, top: 0 })).toBe('translate(10px, 0px) scale(0.5)')
  })
})
