/** The map page's layout by screen width: where the panels lie over the map. */

/** Pixels kept clear on each side of the map when fitting a view. */
export interface Padding {
  top: number
  bottom: number
  left: number
  right: number
}

/** Screens narrower than this are phones: the panels lie over the map's top and bottom (styles.css). */
export const PHONE_MAX_WIDTH = 640

/**
 * The room the panels take on a map `width` pixels wide: beside it on a desk, above and below it
 * on a phone (where the desk's 260 + 60 px would leave a 390 px screen a 70 px map).
 * @example layoutPadding(390).view // { top: 24, bottom: 150, left: 16, right: 16 }
 */
export function layoutPadding(width: number): { view: Padding; drill: Padding } {
  if (width > PHONE_MAX_WIDTH)
    return { view: { top: 24, bottom: 140, left: 260, right: 60 }, drill: { top: 40, bottom: 150, left: 270, right: 330 } }
  return { view: { top: 24, bottom: 150, left: 16, right: 16 }, drill: { top: 24, bottom: 150, left: 16, right: 16 } }
}
