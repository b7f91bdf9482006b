import { describe, expect, it } from 'vitest'

import { isMine } from './assigned.ts'

describe('whose a new assignment is', () => {
  it('is mine when it names me, or my team', () => {
    expect(isMine({ assigneeUserId: '7', assigneeTeam: '北干平安办' }, { id: '7', team: null })).toBe(true)
    expect(isMine({ assigneeUserId: null, assigneeTeam: '北干平安办' }, { id: '7', team: '北干平安办' })).toBe(true)
  })
  it('is not mine when it names someone else and another team, or when I have no team and it names none of me', () => {
    expect(isMine({ assigneeUserId: '8', assigneeTeam: '北干平安办' }, { id: '7', team: '城厢平安办' })).toBe(false)
    expect(isMine({ assigneeUserId: null, assigneeTeam: '北干平安办' }, { id: '7', team: null })).toBe(false)
  })
})
