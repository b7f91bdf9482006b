/**
 * Every string of the wall screen, Chinese first, English second. The wall has no language switch
 * (nobody touches it): `?lang=en` picks English, as on the map page.
 */
import type { Lang } from '../i18n/strings.ts'

export const WALL_STRINGS = {
  'wall.title': { zh: '平安一张图 · 指挥中心', en: "Ping'an OneMap · Command Center" },
  'wall.subtitle': { zh: '公共安全态势大屏', en: 'Public safety situation wall' },
  'kpi.today': { zh: '今日警情', en: "Today's incidents" },
  'kpi.yoy': { zh: '同比', en: 'Year on year' },
  'kpi.yoyBase': { zh: '去年同日', en: 'Same day last year' },
  'kpi.yoyBaseSpan': { zh: '去年同日 {span}', en: 'Same day last year, {span}' },
  'kpi.yoySpan': { zh: '同时段 {span}', en: 'Same hours {span}' },
  'kpi.monthPop': { zh: '环比上月同期 {pct}', en: 'vs same days last month {pct}' },
  'kpi.red': { zh: '红色预警', en: 'Red warnings' },
  'kpi.redSub': { zh: '未销号', en: 'open' },
  'kpi.openTasks': { zh: '在办任务', en: 'Open tasks' },
  'kpi.overdue': { zh: '超期任务', en: 'Overdue tasks' },
  'kpi.overdueSub': { zh: '占在办', en: 'of open' },
  'kpi.month': { zh: '本月警情', en: 'This month' },
  'kpi.noBase': { zh: '无基数', en: 'no base' },
  'rank.title': { zh: '乡镇街道红黄黑榜', en: 'Town ranking (red / yellow / black)' },
  'rank.red': { zh: '红榜', en: 'Red' },
  'rank.yellow': { zh: '黄榜', en: 'Yellow' },
  'rank.black': { zh: '黑榜', en: 'Black' },
  'rank.none': { zh: '—', en: '—' },
  'rank.pending': { zh: '本月排名暂未发布', en: 'No ranking for this month yet' },
  'rank.score': { zh: '得分', en: 'Score' },
  'rank.month': { zh: '月度', en: 'Month' },
  'ticker.title': { zh: '实时警情', en: 'Live incidents' },
  'ticker.empty': { zh: '暂无警情', en: 'No incidents yet' },
  'ticker.unplaced': { zh: '未定位', en: 'unplaced' },
  'focus.title': { zh: '轮巡', en: 'Focus' },
  'focus.today': { zh: '今日警情', en: 'Today' },
  'focus.month': { zh: '本月警情', en: 'This month' },
  'focus.warnings': { zh: '在办预警', en: 'Open warnings' },
  'focus.red': { zh: '红色预警', en: 'Red warnings' },
  'focus.tasks': { zh: '在办任务', en: 'Open tasks' },
  'focus.overdue': { zh: '超期', en: 'Overdue' },
  'focus.rank': { zh: '排名', en: 'Rank' },
  'status.live': { zh: '实时', en: 'Live' },
  'status.connecting': { zh: '连接中', en: 'Connecting' },
  'status.reconnecting': { zh: '重连中', en: 'Reconnecting' },
  'status.stale': { zh: '数据中断 · 显示最后已知数据', en: 'Data interrupted · showing last known data' },
  'status.attempt': { zh: '第 {n} 次重连', en: 'attempt {n}' },
  'status.updated': { zh: '数据更新', en: 'Data' },
  'status.lastEvent': { zh: '最新事件', en: 'Last event' },
  'status.never': { zh: '暂无', en: 'none yet' },
  'age.now': { zh: '刚刚', en: 'just now' },
  'age.seconds': { zh: '{n} 秒前', en: '{n} s ago' },
  'age.minutes': { zh: '{n} 分钟前', en: '{n} min ago' },
  'age.hours': { zh: '{n} 小时前', en: '{n} h ago' },
  'age.days': { zh: '{n} 天前', en: '{n} d ago' },
  'legend.warning': { zh: '预警', en: 'Warnings' },
  'legend.flash': { zh: '新警情', en: 'New incident' },
  'level.red': { zh: '红色', en: 'Red' },
  'level.orange': { zh: '橙色', en: 'Orange' },
  'level.yellow': { zh: '黄色', en: 'Yellow' },
  'unit.count': { zh: '起', en: '' },
  'unit.item': { zh: '条', en: '' },
  'unit.task': { zh: '件', en: '' },
  'unit.rank': { zh: '名', en: '' },
} as const satisfies Record<string, Record<Lang, string>>

export type WallStringKey = keyof typeof WALL_STRINGS

/**
 * A wall string in `lang`, with `{n}`-style placeholders filled.
 * @example wt('age.seconds', 'zh', { n: 5 }) // '5 秒前'
 */
export function wt(key: WallStringKey, lang: Lang, vars: Record<string, string | number> = {}): string {
  return WALL_STRINGS[key][lang].replace(/\{(\w+)\}/g, (m, k: string) => (k in vars ? String(vars[k]) : m))
}
