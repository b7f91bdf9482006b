/**
 * Overdue hazards and tasks: every hazard and task not closed by its due date at the as-of time
 * (the hazards and tasks modules decide what overdue means), levelled by days overdue; an
 * overdue major hazard is red. One warning per item, so closing the item lets it expire.
 */
import { HAZARD_CATEGORY_NAMES, HAZARD_SEVERITY_NAMES, type OverdueHazard } from '../../hazards/schema.ts'
import { overdueHazards } from '../../hazards/store.ts'
import type { OverdueTask } from '../../tasks/schema.ts'
import { overdueTasks } from '../../tasks/store.ts'
import type { DefinitionOf } from '../definition.ts'
import type { Detector, Finding } from '../types.ts'
import { levelAtLeast } from '../util.ts'

type Def = DefinitionOf<'overdue'>

/** Overdue findings of overdue hazards and tasks (pure). */
export function overdueFindings(def: Def, hazards: readonly OverdueHazard[], tasks: readonly OverdueTask[]): Finding[] {
  const out: Finding[] = []
  if (def.params.hazards) {
    for (const h of hazards) {
      let level = levelAtLeast(h.daysOverdue, def.thresholds)
      if (h.severity === 'major' && def.params.majorIsRed && h.daysOverdue >= 1) level = 'red'
      if (!level) continue
      const area = h.gridCode ?? h.villageCode ?? h.townCode
      if ((h.lng === null || h.lat === null) && !area) continue // nowhere to put it on the map
      out.push({
        subject: `hazard:${h.id}`,
        level,
        title: `${def.name.zh}：隐患 ${h.hazardId}`,
        explanation: `${HAZARD_SEVERITY_NAMES[h.severity]}${HAZARD_CATEGORY_NAMES[h.category]}隐患整改期限 ${h.dueDate}，已逾期 ${h.daysOverdue} 日未销号${h.responsibleParty ? `（责任方：${h.responsibleParty}）` : ''}`,
        metrics: { hazardId: h.id, daysOverdue: h.daysOverdue, dueDate: h.dueDate, severity: h.severity, status: h.status },
        place: h.lng !== null && h.lat !== null ? { kind: 'point', lng: h.lng, lat: h.lat, areaCode: area } : { kind: 'area', code: area! },
      })
    }
  }
  if (def.params.tasks) {
    for (const t of tasks) {
      const level = levelAtLeast(t.daysOverdue, def.thresholds)
      if (!level) continue
      out.push({
        subject: `task:${t.id}`,
        level,
        title: `${def.name.zh}：任务「${t.title}」`,
        explanation: `整改任务「${t.title}」期限 ${t.dueDate}，已逾期 ${t.daysOverdue} 日未办结（承办：${t.assigneeTeam}）`,
        metrics: { taskId: t.id, daysOverdue: t.daysOverdue, dueDate: t.dueDate, status: t.status },
        place: { kind: 'point', lng: t.lng, lat: t.lat, areaCode: t.areaCode },
      })
    }
  }
  return out
}

export const detectOverdue: Detector<'overdue'> = async (sql, def, asOf) => {
  const hazards = def.params.hazards ? await overdueHazards(sql, asOf) : []
  const tasks = def.params.tasks ? await overdueTasks(sql, asOf) : []
  return {
    findings: overdueFindings(def, hazards, tasks),
    window: { from: asOf, to: asOf },
    notes: { overdueHazards: hazards.length, overdueTasks: tasks.length },
  }
}
