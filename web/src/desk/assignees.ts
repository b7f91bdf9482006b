/** Who a task in an area can be given to, as select options (`GET /api/tasks/assignees?area=`). */
import { getJson } from '../api/client.ts'

interface Assignee {
  id: string
  name: string
  role: string
  team: string | null
}

/**
 * `[user id, "name · team"]` for each person a task in `area` may be assigned to.
 * @example await assigneeOptions('330109001001') // [['7', '李强 · 北干街道平安办'], …]
 */
export async function assigneeOptions(area: string): Promise<(readonly [string, string])[]> {
  const { items } = (await getJson(`/api/tasks/assignees?area=${encodeURIComponent(area)}`)) as { items: Assignee[] }
  return items.map((a) => [a.id, a.team ? `${a.name} · ${a.team}` : a.name] as const)
}
