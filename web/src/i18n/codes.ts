/**
 * Words for the codes the API sends — statuses, hazard categories, emerging hot-spot patterns,
 * the warning models' metric names — in both languages. The map page shows these instead of
 * the codes; they are kept apart from strings.ts, which the wall page bundles too, so the wall
 * does not download names it never shows. Level, severity and match-level names are in strings.ts.
 */
import { getLang } from './i18n.ts'
import { type Lang, STRINGS } from './strings.ts'

export const CODE_NAMES = {
  'incidentStatus.open': { zh: '待处置', en: 'Open' },
  'incidentStatus.in_progress': { zh: '处置中', en: 'In progress' },
  'incidentStatus.closed': { zh: '已办结', en: 'Closed' },
  'incidentStatus.cancelled': { zh: '已撤销', en: 'Cancelled' },
  'warningStatus.new': { zh: '新预警', en: 'New' },
  'warningStatus.acknowledged': { zh: '已签收', en: 'Acknowledged' },
  'warningStatus.tasked': { zh: '已派单', en: 'Tasked' },
  'warningStatus.resolved': { zh: '已处置', en: 'Resolved' },
  'warningStatus.expired': { zh: '已失效', en: 'Expired' },
  'taskStatus.issued': { zh: '已下发', en: 'Issued' },
  'taskStatus.accepted': { zh: '已签收', en: 'Accepted' },
  'taskStatus.in_progress': { zh: '整改中', en: 'In progress' },
  'taskStatus.submitted': { zh: '待审核', en: 'Awaiting close-out' },
  'taskStatus.closed': { zh: '已销号', en: 'Closed out' },
  'taskStatus.returned': { zh: '已退回', en: 'Returned' },
  'hazardStatus.reported': { zh: '已上报', en: 'Reported' },
  'hazardStatus.confirmed': { zh: '已确认', en: 'Confirmed' },
  'hazardStatus.rectifying': { zh: '整改中', en: 'Being rectified' },
  'hazardStatus.closed': { zh: '已销号', en: 'Closed out' },
  'hazardCategory.fire': { zh: '消防安全', en: 'Fire safety' },
  'hazardCategory.production_safety': { zh: '安全生产', en: 'Workplace safety' },
  'hazardCategory.gas_cylinder': { zh: '瓶装燃气', en: 'Bottled gas' },
  'hazardCategory.ebike_charging': { zh: '电动自行车充电', en: 'E-bike charging' },
  'hazardCategory.road_traffic': { zh: '道路交通', en: 'Road traffic' },
  'hazardCategory.building': { zh: '房屋安全', en: 'Building safety' },
  'hazardCategory.hazardous_chemicals': { zh: '危险化学品', en: 'Hazardous chemicals' },
  'hazardCategory.other': { zh: '其他', en: 'Other' },
  'pattern.new_hot': { zh: '新增热点', en: 'New hot spot' },
  'pattern.consecutive_hot': { zh: '连续热点', en: 'Consecutive hot spot' },
  'pattern.intensifying_hot': { zh: '加剧热点', en: 'Intensifying hot spot' },
  'pattern.persistent_hot': { zh: '持续热点', en: 'Persistent hot spot' },
  'pattern.diminishing_hot': { zh: '减弱热点', en: 'Diminishing hot spot' },
  'pattern.sporadic_hot': { zh: '零星热点', en: 'Sporadic hot spot' },
  'pattern.oscillating_hot': { zh: '振荡热点', en: 'Oscillating hot spot' },
  'pattern.historical_hot': { zh: '历史热点', en: 'Historical hot spot' },
  'pattern.new_cold': { zh: '新增冷点', en: 'New cold spot' },
  'pattern.consecutive_cold': { zh: '连续冷点', en: 'Consecutive cold spot' },
  'pattern.intensifying_cold': { zh: '加剧冷点', en: 'Intensifying cold spot' },
  'pattern.persistent_cold': { zh: '持续冷点', en: 'Persistent cold spot' },
  'pattern.diminishing_cold': { zh: '减弱冷点', en: 'Diminishing cold spot' },
  'pattern.sporadic_cold': { zh: '零星冷点', en: 'Sporadic cold spot' },
  'pattern.oscillating_cold': { zh: '振荡冷点', en: 'Oscillating cold spot' },
  'pattern.historical_cold': { zh: '历史冷点', en: 'Historical cold spot' },
  'pattern.no_pattern': { zh: '无显著模式', en: 'No pattern' },
  'metric.count': { zh: '警情数', en: 'Incidents' },
  'metric.localSum': { zh: '邻域警情合计', en: 'Incidents in the neighbourhood' },
  'metric.neighbours': { zh: '邻域单元数', en: 'Neighbouring cells' },
  'metric.z': { zh: 'Z 得分', en: 'Z score' },
  'metric.p': { zh: 'P 值', en: 'P value' },
  'metric.q': { zh: 'Q 值（错误发现率校正）', en: 'Q value (FDR-adjusted)' },
  'metric.observed': { zh: '实际警情数', en: 'Observed' },
  'metric.expected': { zh: '期望警情数', en: 'Expected' },
  'metric.population': { zh: '人口', en: 'Population' },
  'metric.per10k': { zh: '每万人警情', en: 'Per 10,000 residents' },
  'metric.districtPer10k': { zh: '全区每万人警情', en: 'District per 10,000 residents' },
  'metric.ratio': { zh: '倍数', en: 'Ratio' },
  'metric.pattern': { zh: '时空模式', en: 'Pattern' },
  'metric.hotWeeks': { zh: '热点周数', en: 'Hot weeks' },
  'metric.weeks': { zh: '分析周数', en: 'Weeks analysed' },
  'metric.lastWeekCount': { zh: '最近一周警情', en: 'Incidents in the last week' },
  'metric.total': { zh: '警情合计', en: 'Total incidents' },
  'metric.lastZ': { zh: '最近一周 Z 得分', en: "Last week's Z score" },
  'metric.trendZ': { zh: '趋势 Z 值', en: 'Trend Z' },
  'metric.trendP': { zh: '趋势 P 值', en: 'Trend P' },
  'metric.events': { zh: '事件数', en: 'Events' },
  'metric.incidentIds': { zh: '警情编号', en: 'Incident ids' },
  'metric.first': { zh: '首起时间', en: 'First' },
  'metric.last': { zh: '末起时间', en: 'Last' },
  'metric.knoxObserved': { zh: 'Knox 近重复对（实际）', en: 'Knox pairs observed' },
  'metric.knoxExpected': { zh: 'Knox 近重复对（期望）', en: 'Knox pairs expected' },
  'metric.knoxP': { zh: 'Knox 检验 P 值', en: 'Knox test P value' },
  'metric.escalations': { zh: '升级事件数', en: 'Escalations' },
  'metric.categories': { zh: '类别构成', en: 'By category' },
  'metric.hazardId': { zh: '隐患编号', en: 'Hazard id' },
  'metric.taskId': { zh: '任务编号', en: 'Task id' },
  'metric.daysOverdue': { zh: '逾期天数', en: 'Days overdue' },
  'metric.dueDate': { zh: '期限', en: 'Due' },
  'metric.severity': { zh: '严重程度', en: 'Severity' },
  'metric.status': { zh: '状态', en: 'Status' },
  'metric.redRank': { zh: '本次运行红色强度排名', en: "Rank among this run's red" },
  'metric.redCap': { zh: '每次运行红色预警上限', en: 'Most red warnings per run' },
  'metric.cappedFrom': { zh: '超出上限前等级', en: 'Level before the cap' },
  'linkedBy.parties': { zh: '同一当事人', en: 'The same parties' },
  'linkedBy.address': { zh: '同一地址', en: 'The same address' },
  'metric.failed': { zh: '调解失败次数', en: 'Failed mediations' },
  'metric.by': { zh: '串联依据', en: 'Linked by' },
  'metric.types': { zh: '纠纷类型', en: 'Dispute types' },
  'metric.deliveries': { zh: '配送次数', en: 'Deliveries' },
  'metric.cylinders': { zh: '钢瓶数', en: 'Cylinders' },
  'metric.minDistanceM': { zh: '距登记用户最近距离（米）', en: 'Nearest to the registered customer (m)' },
  'metric.fillings': { zh: '充装次数', en: 'Fillings' },
  'metric.medianIntervalDays': { zh: '充装间隔中位数（天）', en: 'Median days between fillings' },
  'metric.expectedRefillDays': { zh: '登记充装周期（天）', en: 'Registered refill cycle (days)' },
  'metric.farDeliveries': { zh: '异地配送次数', en: 'Deliveries elsewhere' },
  'metric.occupants': { zh: '现住人数', en: 'Occupants' },
  'metric.migrants': { zh: '流动人口数', en: 'Migrants' },
  'metric.rooms': { zh: '房间数', en: 'Rooms' },
  'metric.perRoom': { zh: '每间人数', en: 'Persons per room' },
  'metric.use': { zh: '房屋用途', en: 'Use' },
  'metric.flagged': { zh: '已标记群租', en: 'Flagged as group rental' },
  'metric.radiusM': { zh: '范围（米）', en: 'Radius (m)' },
  'metric.keyCategories': { zh: '重点人员类别', en: 'Key-person categories' },
  'metric.daysSincePatrol': { zh: '距上次巡防天数', en: 'Days since the last patrol' },
  'metric.lastPatrol': { zh: '上次巡防', en: 'Last patrol' },
  'metric.recent': { zh: '近 14 日警情', en: 'Incidents, last 14 days' },
  'metric.before': { zh: '此前 14 日警情', en: 'Incidents, 14 days before' },
  'metric.rise': { zh: '增幅倍数', en: 'Rise' },
  'metric.registered': { zh: '已登记', en: 'Registered' },
  'metric.unregistered': { zh: '未登记', en: 'Not registered' },
  'metric.expired': { zh: '登记过期', en: 'Registration expired' },
  'metric.rate': { zh: '纳管率', en: 'Registration rate' },
  'metric.worstHouses': { zh: '未登记最多的房屋', en: 'Houses with most unregistered' },
  'metric.everyDays': { zh: '自查周期（天）', en: 'Self-check every (days)' },
  'metric.lastCheck': { zh: '上次自查', en: 'Last self-check' },
  'metric.failStreak': { zh: '连续不合格次数', en: 'Failing checks in a row' },
  'metric.failedItems': { zh: '不合格项', en: 'Failed items' },
  'metric.checklist': { zh: '自查清单', en: 'Checklist' },
} as const satisfies Record<string, Record<Lang, string>>

/** Groups of codes the API sends that the UI names in words. */
export type CodeGroup =
  | 'incidentStatus'
  | 'warningStatus'
  | 'taskStatus'
  | 'hazardStatus'
  | 'hazardCategory'
  | 'severity'
  | 'level'
  | 'match'
  | 'pattern'
  | 'metric'
  | 'linkedBy'

/** The entry for a code, from this table or strings.ts. */
function entry(group: CodeGroup, code: string): Record<Lang, string> | undefined {
  const key = `${group}.${code}`
  return (CODE_NAMES as Record<string, Record<Lang, string>>)[key] ?? (STRINGS as Record<string, Record<Lang, string> | undefined>)[key]
}

/**
 * The words for a code of the API (`incidentStatus` + `open` → 待处置), or `fallback` (else the
 * code itself) for a code the UI does not know yet: a newer server must not blank a field.
 * @example codeLabel('incidentStatus', 'in_progress') // '处置中'
 */
export function codeLabel(group: CodeGroup, code: string, fallback?: string, lang: Lang = getLang()): string {
  return entry(group, code)?.[lang] ?? fallback ?? code
}

/** Whether the UI has words for a code (tests check every code the server can send). */
export function hasCodeLabel(group: CodeGroup, code: string): boolean {
  return entry(group, code) !== undefined
}
