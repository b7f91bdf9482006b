import { describe, expect, it } from 'vitest'

import { layoutPadding, PHONE_MAX_WIDTH } from './layout.ts'

describe('the room panels take around the map', () => {
  it("leaves a phone's width to the map: fitting the district on 390 px keeps most of it", () => {
    const phone = layoutPadding(390)
    for (const p of [phone.view, phone.drill]) expect(390 - p.left - p.right).toBeGreaterThanOrEqual(390 * 0.9)
    // On a desk the layer panel (left) and the area panel and inspector (right) stand beside the map.
    const desk = layoutPadding(1400)
    expect(desk.view.left).toBeGreaterThanOrEqual(250)
    expect(desk.drill.right).toBeGreaterThanOrEqual(300)
    expect(layoutPadding(PHONE_MAX_WIDTH + 1)).toEqual(desk)
  })
})
