/** The live stream's `task.assigned` events, read the same way by the desk and the phone app. */
import type { TaskAssigned } from '../../../server/shared/api.ts'

/**
 * Whether an assignment is the caller's: to them in person, or to their team.
 * @example isMine({ assigneeUserId: '7', assigneeTeam: '北干平安办' }, { id: '7', team: null }) // true
 */
export function isMine(a: Pick<TaskAssigned, 'assigneeUserId' | 'assigneeTeam'>, user: { id: string; team: string | null }): boolean {
  return a.assigneeUserId === user.id || (user.team !== null && a.assigneeTeam === user.team)
}
