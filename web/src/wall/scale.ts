/** The wall is designed on a fixed 1920×1080 stage; any screen shows it scaled to fit. */
export const STAGE = { width: 1920, height: 1080 } as const

export interface StageFit {
  /** The uniform scale factor applied to the stage. */
  scale: number
  /** Offsets (CSS px) that centre the scaled stage; non-zero only when the viewport is not 16:9. */
  left: number
  top: number
}

/**
 * How to fit the fixed stage into a viewport: one uniform scale (so the layout never reflows) and
 * letterbox offsets that centre it. A 3840×2160 wall gets scale 2, a 1280×720 screen 2/3.
 * @example fitStage(3840, 2160) // { scale: 2, left: 0, top: 0 }
 */
export function fitStage(viewportWidth: number, viewportHeight: number, stage = STAGE): StageFit {
  if (!(viewportWidth > 0) || !(viewportHeight > 0)) return { scale: 1, left: 0, top: 0 }
  const scale = Math.min(viewportWidth / stage.width, viewportHeight / stage.height)
  return {
    scale,
    left: (viewportWidth - stage.width * scale) / 2,
    top: (viewportHeight - stage.height * scale) / 2,
  }
}

/**
 * The CSS transform for a fit (with `transform-origin: 0 0`).
 * @example stageTransform({ scale: 0.5, left: 10, top: 0 }) // 'translate(10px, 0px) scale(0.5)'
 */
export function stageTransform(fit: StageFit): string {
  return `translate(${fit.left}px, ${fit.top}px) scale(${fit.scale})`
}
