/**
 * The 双十条: ten result indicators (assessed by district departments) and ten process indicators
 * (self-assessed by the towns), per village or town and month. Where the data can say it, the
 * value is computed; the rest is entered by people (table indicator_assessments, the latest entry
 * of an area and month winning).
 *
 * Result: 案件控发, 交通事故, 火灾事故, 电诈发案 and 安全生产事故 are the incident indicators of
 * server/indicators/definitions.ts (category roles public_order, traffic_injury, fire, fraud,
 * production_safety); 人员非访, 村民违法犯罪, 群体性事件, 涉毒 and 重大矛盾纠纷 are entered.
 * Process: 治安巡逻 (patrols), 矛盾化解 (disputes), 流动人口纳管 (residents), 隐患整改 (hazards),
 * 企业自查 (organisations, self_checks) are computed and 预警响应 is the warning response time;
 * 人员帮教, 村规民约, 重点人员管控 and 平安宣传 are entered.
 * A computed one whose table holds no data, and an entered one nobody has entered yet, is "not
 * configured": it says why, has no value and weighs nothing.
 */
import type { Direction, IndicatorDefinition, IndicatorId } from './schema.ts'

/** The 双十条 in order: the indicator that stands for each, and its 双十条 name. */
export const DOUBLE_TEN: readonly { id: IndicatorId; kind: 'result' | 'process'; nameZh: string }[] = [
  { id: 'irregular_petitions', kind: 'result', nameZh: '人员非访' },
  { id: 'public_order_per_10k', kind: 'result', nameZh: '案件控发' },
  { id: 'traffic_casualties_per_10k', kind: 'result', nameZh: '交通事故' },
  { id: 'fires_per_10k', kind: 'result', nameZh: '火灾事故' },
  { id: 'villager_offences', kind: 'result', nameZh: '村民违法犯罪' },
  { id: 'frauds_per_10k', kind: 'result', nameZh: '电诈发案' },
  { id: 'production_safety_per_10k', kind: 'result', nameZh: '安全生产事故' },
  { id: 'mass_incidents', kind: 'result', nameZh: '群体性事件' },
  { id: 'drug_cases', kind: 'result', nameZh: '涉毒' },
  { id: 'major_disputes', kind: 'result', nameZh: '重大矛盾纠纷' },
  { id: 'patrol_coverage_rate', kind: 'process', nameZh: '治安巡逻' },
  { id: 'dispute_resolution_rate', kind: 'process', nameZh: '矛盾化解' },
  { id: 'offender_support_rate', kind: 'process', nameZh: '人员帮教' },
  { id: 'village_rules_score', kind: 'process', nameZh: '村规民约' },
  { id: 'migrant_registration_rate', kind: 'process', nameZh: '流动人口纳管' },
  { id: 'hazard_rectification_rate', kind: 'process', nameZh: '隐患整改' },
  { id: 'self_check_ontime_rate', kind: 'process', nameZh: '企业自查' },
  { id: 'key_person_control_rate', kind: 'process', nameZh: '重点人员管控' },
  { id: 'warning_response_hours', kind: 'process', nameZh: '预警响应' },
  { id: 'publicity_score', kind: 'process', nameZh: '平安宣传' },
]

/** The indicators computed from the full information view's tables. */
export const VIEW_IDS = [
  'patrol_coverage_rate',
  'dispute_resolution_rate',
  'migrant_registration_rate',
  'hazard_rectification_rate',
  'self_check_ontime_rate',
] as const satisfies readonly IndicatorId[]
export type ViewId = (typeof VIEW_IDS)[number]

/** A new indicator's catalogue entry (the incident and task indicators are in definitions.ts). */
interface Spec {
  id: IndicatorId
  kind: 'result' | 'process'
  nameZh: string
  nameEn: string
  unit: string
  direction: Direction
  note: string
  /** Why it has no value when there is no data (computed) or no entry yet (entered). */
  missing: string
}

const ENTERED_NOTE =
  '按月逐村社（或镇街）录入（POST /api/indicators/assessments），同一区域同月以最后一次录入为准，保留历次录入人和时间；未录入的月份无值（不按 0 计）'

/** The 双十条 indicators this module adds, in catalogue order. */
export const DOUBLE_TEN_SPECS: readonly Spec[] = [
  {
    id: 'patrol_coverage_rate',
    kind: 'process',
    nameZh: '治安巡逻覆盖率',
    nameEn: 'Patrol coverage',
    unit: '%',
    direction: 'higher_better',
    note: '区域内网格中，本月每一周（自1日起每7天为一周，月末不足7天的也算一周；当月只计已过完的周）都有巡防轨迹经过（patrols.grid_codes）的网格所占比例',
    missing: 'no patrols loaded (table patrols is empty) or no grids',
  },
  {
    id: 'dispute_resolution_rate',
    kind: 'process',
    nameZh: '矛盾化解率',
    nameEn: 'Dispute resolution rate',
    unit: '%',
    direction: 'higher_better',
    note: '本月有调解结果的矛盾纠纷中调解成功的比例：成功 ÷（成功 + 失败），撤回的不计（disputes.status、outcome_at）',
    missing: 'no disputes loaded (table disputes is empty)',
  },
  {
    id: 'migrant_registration_rate',
    kind: 'process',
    nameZh: '流动人口纳管率',
    nameEn: 'Migrant registration rate',
    unit: '%',
    direction: 'higher_better',
    note: '月末（当月为今日）在住流动人口中，已办居住登记且登记未过期的比例（residents：registered_on 不晚于该日，registration_expires 为空或不早于该日）',
    missing: 'no migrant residents loaded (table residents has none)',
  },
  {
    id: 'hazard_rectification_rate',
    kind: 'process',
    nameZh: '隐患整改率',
    nameEn: 'Hazard rectification rate',
    unit: '%',
    direction: 'higher_better',
    note: '整改期限在本月且已到期（或已提前销号）的隐患中，截至月末（当月为此刻）已整改销号的比例',
    missing: 'no hazards with a rectification deadline (hazards.due_date) loaded',
  },
  {
    id: 'self_check_ontime_rate',
    kind: 'process',
    nameZh: '企业自查按期率',
    nameEn: 'Self-checks on time',
    unit: '%',
    direction: 'higher_better',
    note: '有自查义务的在营单位中，月末（当月为今日）自查未逾期的比例：最近一次自查（无则登记日）加自查周期天数不早于该日',
    missing: 'no organisations with a self-check duty loaded',
  },
  {
    id: 'irregular_petitions',
    kind: 'result',
    nameZh: '人员非访',
    nameEn: 'Irregular petitions',
    unit: '人次',
    direction: 'lower_better',
    note: `区信访部门录入的本月非正常上访人次。${ENTERED_NOTE}`,
    missing: 'no assessment entered yet',
  },
  {
    id: 'villager_offences',
    kind: 'result',
    nameZh: '村民违法犯罪',
    nameEn: 'Offences by residents',
    unit: '人',
    direction: 'lower_better',
    note: `区公安部门录入的本月本村（社区）居民被处理的违法犯罪人数。${ENTERED_NOTE}`,
    missing: 'no assessment entered yet',
  },
  {
    id: 'mass_incidents',
    kind: 'result',
    nameZh: '群体性事件',
    nameEn: 'Mass incidents',
    unit: '起',
    direction: 'lower_better',
    note: `区政法委录入的本月群体性事件起数。${ENTERED_NOTE}`,
    missing: 'no assessment entered yet',
  },
  {
    id: 'drug_cases',
    kind: 'result',
    nameZh: '涉毒案事件',
    nameEn: 'Drug cases',
    unit: '起',
    direction: 'lower_better',
    note: `区禁毒部门录入的本月涉毒案事件起数（警情类别中无涉毒小类，故录入）。${ENTERED_NOTE}`,
    missing: 'no assessment entered yet',
  },
  {
    id: 'major_disputes',
    kind: 'result',
    nameZh: '重大矛盾纠纷',
    nameEn: 'Major disputes',
    unit: '起',
    direction: 'lower_better',
    note: `区矛调中心录入的本月重大矛盾纠纷（含民转刑、越级上报）起数。${ENTERED_NOTE}`,
    missing: 'no assessment entered yet',
  },
  {
    id: 'offender_support_rate',
    kind: 'process',
    nameZh: '人员帮教率',
    nameEn: 'Offender support rate',
    unit: '%',
    direction: 'higher_better',
    note: `镇街自评：刑满释放、社区矫正人员本月落实帮教措施的比例。${ENTERED_NOTE}`,
    missing: 'no assessment entered yet',
  },
  {
    id: 'village_rules_score',
    kind: 'process',
    nameZh: '村规民约',
    nameEn: 'Village rules',
    unit: '分',
    direction: 'higher_better',
    note: `镇街自评：村规民约修订、公示与执行情况，0–100 分。${ENTERED_NOTE}`,
    missing: 'no assessment entered yet',
  },
  {
    id: 'key_person_control_rate',
    kind: 'process',
    nameZh: '重点人员管控率',
    nameEn: 'Key persons under control',
    unit: '%',
    direction: 'higher_better',
    note: `镇街自评：重点人员本月按要求见面、走访、落实管控措施的比例。${ENTERED_NOTE}`,
    missing: 'no assessment entered yet',
  },
  {
    id: 'publicity_score',
    kind: 'process',
    nameZh: '平安宣传',
    nameEn: 'Safety publicity',
    unit: '分',
    direction: 'higher_better',
    note: `镇街自评：平安宣传活动开展情况，0–100 分。${ENTERED_NOTE}`,
    missing: 'no assessment entered yet',
  },
]

/**
 * The highest value an entered indicator takes: 100 for a share or a score, none for a count.
 * @example maxValue('%') // 100
 * @example maxValue('人次') // null
 */
export function maxValue(unit: string): number | null {
  return unit === '%' || unit === '分' ? 100 : null
}

/**
 * The 双十条 place of an indicator, or null.
 * @example doubleTenOf('fires_per_10k') // { kind: 'result', nameZh: '火灾事故' }
 */
export function doubleTenOf(id: IndicatorId): IndicatorDefinition['doubleTen'] {
  const d = DOUBLE_TEN.find((x) => x.id === id)
  return d ? { kind: d.kind, nameZh: d.nameZh } : null
}

/**
 * The 双十条 indicators this module adds, configured where there is data (`present`), else
 * "not configured" and why.
 * @example doubleTenDefinitions(new Set(['dispute_resolution_rate']))[1].configured // true
 */
export function doubleTenDefinitions(present: ReadonlySet<IndicatorId>): IndicatorDefinition[] {
  return DOUBLE_TEN_SPECS.map((s) => {
    const entered = !(VIEW_IDS as readonly IndicatorId[]).includes(s.id)
    const configured = present.has(s.id)
    return {
      id: s.id,
      kind: s.kind,
      nameZh: s.nameZh,
      nameEn: s.nameEn,
      unit: s.unit,
      direction: s.direction,
      items: [],
      role: null,
      configured,
      reason: configured ? null : s.missing,
      note: configured ? s.note : `${s.note}。未配置：${entered ? '尚无录入' : '尚无数据'}，不计算`,
      source: entered ? ('entered' as const) : ('computed' as const),
      doubleTen: doubleTenOf(s.id),
    }
  })
}
