/**
 * The indicator catalogue (双十条-style monthly indicators) and the default scoring.
 *
 * The category catalogue (migration 002) has no casualty fields, so the result indicators map to
 * item codes as follows, honestly named:
 * - traffic "deaths": there is no death count and no fatal-accident item; the closest signal is
 *   0202 交通事故（伤人）, injury accidents (every fatal accident is reported as one). Damage-only
 *   accidents (0201), e-bike accidents of unknown severity (0203), congestion and parking are out.
 * - fires: actual fires, 0301 火灾 and 0303 电动车充电起火; 0302 火警 (alarms, many false) and 0304
 *   消防通道堵塞 (a hazard, not a fire) are out.
 * - frauds: every item of 05 电信网络诈骗 (0501–0504).
 * Rates are per 10,000 residents of admin_areas.population (null where it is unknown or 0).
 */
import type { CategoriesResponse } from '../categories/schema.ts'
import type { Direction, IndicatorDefinition, IndicatorId, RankingConfig } from './schema.ts'

/** Item codes of the three named result indicators (see the module note). */
export const TRAFFIC_CASUALTY_ITEMS = ['0202'] as const
export const FIRE_ITEMS = ['0301', '0303'] as const
export const FRAUD_CATEGORY = '05'

/** Level-1 categories with a per-10,000 rate of their own. */
const CATEGORY_RATES: readonly { id: IndicatorId; category: string; nameZh: string; nameEn: string }[] = [
  { id: 'public_order_per_10k', category: '01', nameZh: '万人治安警情', nameEn: 'Public order per 10k' },
  { id: 'traffic_per_10k', category: '02', nameZh: '万人交通警情', nameEn: 'Traffic per 10k' },
  { id: 'fire_per_10k', category: '03', nameZh: '万人消防警情', nameEn: 'Fire incidents per 10k' },
  { id: 'disputes_per_10k', category: '04', nameZh: '万人矛盾纠纷', nameEn: 'Disputes per 10k' },
  { id: 'fraud_per_10k', category: '05', nameZh: '万人电诈警情', nameEn: 'Telecom fraud per 10k' },
  { id: 'production_safety_per_10k', category: '06', nameZh: '万人安全生产警情', nameEn: 'Production safety per 10k' },
]

/**
 * The catalogue's item codes under a level-1 category.
 * @example itemsOf(catalogue, '05') // ['0501', '0502', '0503', '0504']
 */
export function itemsOf(catalogue: CategoriesResponse, category: string): string[] {
  return catalogue.find((c) => c.code === category)?.items.map((i) => i.code) ?? []
}

/**
 * The indicator catalogue, item codes resolved against the category catalogue.
 * @example indicatorDefinitions(catalogue).find((d) => d.id === 'fires_per_10k')?.items // ['0301', '0303']
 */
export function indicatorDefinitions(catalogue: CategoriesResponse): IndicatorDefinition[] {
  const all = catalogue.flatMap((c) => c.items.map((i) => i.code))
  const rate = (id: IndicatorId, nameZh: string, nameEn: string, items: readonly string[], note: string): IndicatorDefinition => ({
    id, kind: 'result', nameZh, nameEn, unit: '起/万人', direction: 'lower_better', items: [...items], note,
  })
  return [
    rate('incidents_per_10k', '万人警情数', 'Incidents per 10k residents', all, '全部类别警情数 ÷ 常住人口 × 10000'),
    rate('traffic_casualties_per_10k', '万人交通伤亡事故', 'Traffic casualty accidents per 10k', TRAFFIC_CASUALTY_ITEMS,
      '0202 交通事故（伤人）÷ 人口 × 10000。数据无死亡人数字段，以伤人事故代替亡人事故（亡人事故均在其中）'),
    rate('fires_per_10k', '万人火灾数', 'Fires per 10k residents', FIRE_ITEMS, '0301 火灾 + 0303 电动车充电起火（不含火警、消防通道堵塞）'),
    rate('frauds_per_10k', '万人电诈发案', 'Frauds per 10k residents', itemsOf(catalogue, FRAUD_CATEGORY), '05 电信网络诈骗全部小类'),
    {
      id: 'incidents_yoy_pct', kind: 'result', nameZh: '警情同比', nameEn: 'Incidents year on year', unit: '%', direction: 'lower_better',
      items: all, note: '全部警情与上年同期（同样的日数）相比的增减百分比；上年同期为 0 时无值',
    },
    ...CATEGORY_RATES.map((c) => rate(c.id, c.nameZh, c.nameEn, itemsOf(catalogue, c.category), `${c.category} 类全部小类 ÷ 人口 × 10000`)),
    {
      id: 'task_closeout_rate', kind: 'process', nameZh: '任务办结率', nameEn: 'Task close-out rate', unit: '%', direction: 'higher_better', items: [],
      note: '期限在本月且已到期（或已提前销号）的整改任务中，截至月末（当月为此刻）已销号的比例',
    },
    {
      id: 'task_ontime_rate', kind: 'process', nameZh: '任务按期办结率', nameEn: 'Task on-time rate', unit: '%', direction: 'higher_better', items: [],
      note: '同上任务中，在期限当天或之前销号的比例',
    },
    {
      id: 'warning_response_hours', kind: 'process', nameZh: '预警平均响应时长', nameEn: 'Mean warning response time', unit: '小时', direction: 'lower_better',
      items: [],
      note: '本月产生的预警从产生到首次人工处置（签收、派单或处置）的平均小时数；未处置的预警按已等待时长计（至失效或此刻），忽视预警不会显得更快',
    },
  ]
}

/**
 * The catalogue's direction of an indicator.
 * @example defaultDirection('task_closeout_rate') // 'higher_better'
 */
export function defaultDirection(id: IndicatorId): Direction {
  return id === 'task_closeout_rate' || id === 'task_ontime_rate' ? 'higher_better' : 'lower_better'
}

/**
 * The default scoring: result indicators 60 %, process indicators 40 %; the best tenth (scoring at
 * least 70) on the red list, the worst tenth (or under 20) on the black list, the worst quarter
 * (or under 30) otherwise on the yellow list. The per-category rates are available at weight 0.
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
  ],
  colours: {
    red: { topShare: 0.1, minScore: 70 },
    yellow: { bottomShare: 0.25, maxScore: 30 },
    black: { bottomShare: 0.1, maxScore: 20 },
  },
}
