import { describe, expect, it } from 'vitest'

import { distanceText, metresBetween, orderTasks } from './geo.ts'

describe('the order of a grid worker’s tasks', () => {
  const here: [number, number] = [120.27, 30.18]
  const t = (id: number, overdue: boolean, dueDate: string, dLng: number) => ({ id, overdue, dueDate, lng: here[0] + dLng, lat: here[1] })
  it('puts the longest overdue first, then the nearest, then the earliest due', () => {
    const tasks = [
      t(1, false, '2026-12-20', 0.02),
      t(2, true, '2026-12-01', 0.03),
      t(3, false, '2026-12-08', 0.001),
      t(4, true, '2026-11-20', 0.05),
    ]
    expect(orderTasks(tasks, here).map((x) => x.id)).toEqual([4, 2, 3, 1])
  })
  it('orders by due date when the phone does not know where it is', () => {
    const tasks = [t(1, false, '2026-12-20', 0), t(3, false, '2026-12-08', 0.01)]
    expect(orderTasks(tasks, null).map((x) => x.id)).toEqual([3, 1])
  })
  it('measures metres on the ground', () => {
    expect(Math.round(metresBetween([120, 30], [120, 30.001]))).toBe(111)
    expect(Math.round(metresBetween([120, 30], [120.001, 30]))).toBe(96)
    expect(distanceText(343)).toEqual({ m: 340 })
    expect(distanceText(2345)).toEqual({ km: '2.3' })
  })
})
