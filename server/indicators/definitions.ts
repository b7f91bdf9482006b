/**
 * The indicator catalogue (双十条-style monthly indicators) and the default scoring.
 *
 * Incident indicators count the items of a category role (server/categories/roles.ts), never
 * item codes: each district binds the roles to its own catalogue (Xiaoshan's binding,
 * data/xiaoshan/mapping.json, is seeded by migration 026). The result indicators, honestly named:
 * - traffic "deaths": there is no death count; the role `traffic_injury` (injury accidents, every
 *   fatal accident among them) stands in. Damage-only and e-bike accidents of unknown severity are out.
 * - fires: the role `fire`, actual fires (Xiaoshan: 0301 火灾, 0303 电动车充电起火); alarms
 *   (`fire_alarm`, many false) and blocked fire lanes are out.
 * - frauds: the role `fraud`, every telecom and online fraud item.
 * An indicator whose role is unbound is "not configured": it says why (`reason`), has no value
 * (never zero), and the rankings weigh the configured indicators only.
 * Rates are per 10,000 residents of admin_areas.population (null where it is unknown or 0).
 */
import { type CategoryRole, type ResolvedRoles, ROLE_INFO } from '../categories/roles.ts'
import type { CategoriesResponse } from '../categories/schema.ts'
import { DOUBLE_TEN_SPECS, doubleTenDefinitions, doubleTenOf } from './double-ten.ts'
import type { Direction, IndicatorDefinition, IndicatorId, RankingConfig } from './schema.ts'

/** An incident indicator: what it counts (a role, or every item) and how it reads. */
interface IncidentSpec {
  id: IndicatorId
  nameZh: string
  nameEn: string
  /** null: every item of the catalogue. */
  role: CategoryRole | null
  /** How it is computed, in plain words. */
  note: string
}

/** The per-10,000 rate indicators, in catalogue order. */
const RATE_SPECS: readonly IncidentSpec[] = [
  {
    id: 'incidents_per_10k',
    nameZh: '万人警情数',
    nameEn: 'Incidents per 10k residents',
    role: null,
    note: '全部类别警情数 ÷ 常住人口 × 10000',
  },
  {
    id: 'traffic_casualties_per_10k',
    nameZh: '万人交通伤亡事故',
    nameEn: 'Traffic casualty accidents per 10k',
    role: 'traffic_injury',
    note: '伤人交通事故 ÷ 人口 × 10000。数据无死亡人数字段，以伤人事故代替亡人事故（亡人事故均在其中）',
  },
  {
    id: 'fires_per_10k',
    nameZh: '万人火灾数',
    nameEn: 'Fires per 10k residents',
    role: 'fire',
    note: '火灾 ÷ 人口 × 10000（不含火警、消防通道堵塞）',
  },
  {
    id: 'frauds_per_10k',
    nameZh: '万人电诈发案',
    nameEn: 'Frauds per 10k residents',
    role: 'fraud',
    note: '电信网络诈骗全部小类 ÷ 人口 × 10000',
  },
]

/** Role categories with a per-10,000 rate of their own. */
const CATEGORY_RATES: readonly IncidentSpec[] = [
  {
    id: 'public_order_per_10k',
    nameZh: '万人治安警情',
    nameEn: 'Public order per 10k',
    role: 'public_order',
    note: '治安类全部小类 ÷ 人口 × 10000',
  },
  { id: 'traffic_per_10k', nameZh: '万人交通警情', nameEn: 'Traffic per 10k', role: 'traffic', note: '交通类全部小类 ÷ 人口 × 10000' },
  {
    id: 'fire_per_10k',
    nameZh: '万人消防警情',
    nameEn: 'Fire incidents per 10k',
    role: 'fire_incident',
    note: '消防类全部小类 ÷ 人口 × 10000',
  },
  {
    id: 'disputes_per_10k',
    nameZh: '万人矛盾纠纷',
    nameEn: 'Disputes per 10k',
    role: 'dispute',
    note: '矛盾纠纷类全部小类 ÷ 人口 × 10000',
  },
  {
    id: 'fraud_per_10k',
    nameZh: '万人电诈警情',
    nameEn: 'Telecom fraud per 10k',
    role: 'fraud',
    note: '电信网络诈骗类全部小类 ÷ 人口 × 10000',
  },
  {
    id: 'production_safety_per_10k',
    nameZh: '万人安全生产警情',
    nameEn: 'Production safety per 10k',
    role: 'production_safety',
    note: '安全生产类全部小类 ÷ 人口 × 10000',
  },
]

/**
 * The codes a role is bound to, with their names, for a note.
 * @example boundWords(roles.fire, catalogue) // '0301 火灾、0303 电动车充电起火'
 */
export function boundWords(codes: readonly string[], catalogue: CategoriesResponse): string {
  const names = new Map<string, string>()
  for (const c of catalogue) {
    names.set(c.code, c.nameZh)
    for (const i of c.items) names.set(i.code, i.nameZh)
  }
  return codes.map((c) => `${c} ${names.get(c) ?? ''}`.trim()).join('、')
}

/**
 * An incident indicator resolved against the binding: its items, or not configured and why.
 * @example incidentDefinition(spec, catalogue, roles).items // ['0301', '0303']
 */
function incidentDefinition(
  spec: IncidentSpec,
  catalogue: CategoriesResponse,
  roles: ResolvedRoles,
  kind: 'result' = 'result',
): IndicatorDefinition {
  const base = {
    id: spec.id,
    kind,
    nameZh: spec.nameZh,
    nameEn: spec.nameEn,
    unit: '起/万人',
    direction: 'lower_better' as const,
    role: spec.role,
    source: 'computed' as const,
    doubleTen: doubleTenOf(spec.id),
  }
  if (spec.role === null) {
    const all = catalogue.flatMap((c) => c.items.map((i) => i.code))
    const reason = all.length === 0 ? 'the category catalogue has no items' : null
    return { ...base, items: all, configured: reason === null, reason, note: spec.note }
  }
  const r = roles[spec.role]
  if (!r.configured) {
    return {
      ...base,
      items: [],
      configured: false,
      reason: r.reason,
      note: `${spec.note}。未配置：角色 ${spec.role}（${ROLE_INFO[spec.role].nameZh}）未绑定本区类别，不计算`,
    }
  }
  return { ...base, items: r.items, configured: true, reason: null, note: `${spec.note}。本区：${boundWords(r.codes, catalogue)}` }
}

/**
 * The indicator catalogue, roles resolved against the district's binding and catalogue; the
 * 双十条 indicators of server/indicators/double-ten.ts are configured when `present` (their data
 * is loaded, or someone has entered them).
 * @example indicatorDefinitions(catalogue, roles).find((d) => d.id === 'fires_per_10k')?.items // ['0301', '0303']
 */
export function indicatorDefinitions(
  catalogue: CategoriesResponse,
  roles: ResolvedRoles,
  present: ReadonlySet<IndicatorId> = new Set(),
): IndicatorDefinition[] {
  const [incidents, ...rates] = RATE_SPECS.map((s) => incidentDefinition(s, catalogue, roles))
  const process = (
    d: Omit<IndicatorDefinition, 'kind' | 'role' | 'configured' | 'reason' | 'items' | 'source' | 'doubleTen'>,
  ): IndicatorDefinition => ({
    ...d,
    kind: 'process',
    items: [],
    role: null,
    configured: true,
    reason: null,
    source: 'computed',
    doubleTen: doubleTenOf(d.id),
  })
  return [
    incidents!,
    ...rates,
    {
      ...incidents!,
      id: 'incidents_yoy_pct',
      doubleTen: null,
      nameZh: '警情同比',
      nameEn: 'Incidents year on year',
      unit: '%',
      note: '全部警情与上年同期（同样的日数）相比的增减百分比；上年同期为 0 时无值',
    },
    ...CATEGORY_RATES.map((s) => incidentDefinition(s, catalogue, roles)),
    process({
      id: 'task_closeout_rate',
      nameZh: '任务办结率',
      nameEn: 'Task close-out rate',
      unit: '%',
      direction: 'higher_better',
      note: '期限在本月且已到期（或已提前销号）的整改任务中，截至月末（当月为此刻）已销号的比例',
    }),
    process({
      id: 'task_ontime_rate',
      nameZh: '任务按期办结率',
      nameEn: 'Task on-time rate',
      unit: '%',
      direction: 'higher_better',
      note: '同上任务中，在期限当天或之前销号的比例',
    }),
    process({
      id: 'warning_response_hours',
      nameZh: '预警平均响应时长',
      nameEn: 'Mean warning response time',
      unit: '小时',
      direction: 'lower_better',
      note: '本月产生的预警从产生到首次人工处置（签收、派单或处置）的平均小时数；未处置的预警按已等待时长计（至失效或此刻），忽视预警不会显得更快',
    }),
    ...doubleTenDefinitions(present),
  ]
}

/**
 * The catalogue's direction of an indicator.
 * @example defaultDirection('task_closeout_rate') // 'higher_better'
 */
export function defaultDirection(id: IndicatorId): Direction {
  if (id === 'task_closeout_rate' || id === 'task_ontime_rate') return 'higher_better'
  return DOUBLE_TEN_SPECS.find((s) => s.id === id)?.direction ?? 'lower_better'
}

/**
 * The default scoring: the incident and task indicators as before (result 60, process 40), so a
 * district without the full information view ranks exactly as it did; the 双十条 indicators that
 * are computed from the view (patrols, disputes, migrants, hazards, self-checks) 5 each, the
 * result indicators departments enter 5 each, and the process indicators towns assess themselves
 * 3 each (a town grading itself counts, but little). Each weighs only where it is configured
 * (data loaded, or entered), and an area without a value is scored on the others. The best tenth
 * (scoring at least 70) on the red list, the worst tenth (or under 20) on the black list, the
 * worst quarter (or under 30) otherwise on the yellow list. The per-category rates (案件控发 =
 * public order, 安全生产) are available at weight 0: all incidents (20) count them already.
 */
export const DEFAULT_RANKING_CONFIG: RankingConfig = {
  indicators: [
    { id: 'incidents_per_10k', weight: 20 },
    { id: 'traffic_casualties_per_10k', weight: 10 },
    { id: 'fires_per_10k', weight: 10 },
    { id: 'frauds_per_10k', weight: 10 },
    { id: 'incidents_yoy_pct', weight: 10 },
    { id: 'task_closeout_rate', weight: 15 },
    { id: 'task_ontime_rate', weight: 15 },
    { id: 'warning_response_hours', weight: 10 },
    { id: 'patrol_coverage_rate', weight: 5 },
    { id: 'dispute_resolution_rate', weight: 5 },
    { id: 'migrant_registration_rate', weight: 5 },
    { id: 'hazard_rectification_rate', weight: 5 },
    { id: 'self_check_ontime_rate', weight: 5 },
    { id: 'irregular_petitions', weight: 5 },
    { id: 'villager_offences', weight: 5 },
    { id: 'mass_incidents', weight: 5 },
    { id: 'drug_cases', weight: 5 },
    { id: 'major_disputes', weight: 5 },
    { id: 'offender_support_rate', weight: 3 },
    { id: 'village_rules_score', weight: 3 },
    { id: 'key_person_control_rate', weight: 3 },
    { id: 'publicity_score', weight: 3 },
  ],
  colours: {
    red: { topShare: 0.1, minScore: 70 },
    yellow: { bottomShare: 0.25, maxScore: 30 },
    black: { bottomShare: 0.1, maxScore: 20 },
  },
  includeStatisticsOnly: false,
}
