import { describe, expect, it } from 'vitest'

import { mRoute } from './app.ts'

describe('phone app addresses', () => {
  it('reads the page and the task id', () => {
    expect(mRoute('/m')).toEqual({ page: 'today', id: null })
    expect(mRoute('/m/')).toEqual({ page: 'today', id: null })
    expect(mRoute('/m/task/42')).toEqual({ page: 'task', id: '42' })
    expect(mRoute('/m/report')).toEqual({ page: 'report', id: null })
    expect(mRoute('/m/grid/9')).toEqual({ page: 'grid', id: null })
    expect(mRoute('/m/nonsense')).toEqual({ page: 'today', id: null })
  })
})
