/**
 * The desk's UI strings, Chinese first with English. Kept apart from the map's table so neither
 * page bundles the other's words; looked up in the language the map and wall share (i18n.ts).
 */
import { getLang } from '../i18n/i18n.ts'
import type { Lang } from '../i18n/strings.ts'

const S = {
  'desk.title': { zh: '工作台', en: 'Work desk' },
  'desk.map': { zh: '一张图', en: 'Map' },
  'desk.loading': { zh: '正在加载…', en: 'Loading…' },
  'desk.failed': { zh: '加载失败', en: 'Could not load' },
  'desk.notFound': { zh: '找不到此记录：它不存在，或不在你的辖区', en: 'Not found: it does not exist, or lies outside your areas' },
  't.count': { zh: '{n} 项任务', en: '{n} tasks' },
  'desk.empty': { zh: '没有符合条件的记录', en: 'Nothing matches' },
  'desk.more': { zh: '加载更多', en: 'Load more' },
  'desk.noAccess': { zh: '你的账号无权使用此页', en: 'Your account may not use this page' },
  'desk.readOnly': { zh: '只读：你的账号不能办理', en: 'Read-only: your account cannot act' },
  'desk.cancel': { zh: '取消', en: 'Cancel' },
  'desk.close': { zh: '关闭', en: 'Close' },
  'desk.all': { zh: '全部', en: 'All' },
  'desk.done': { zh: '已完成', en: 'Done' },
  'desk.openOnMap': { zh: '在一张图上查看', en: 'Open on the map' },
  'nav.warnings': { zh: '预警', en: 'Warnings' },
  'nav.tasks': { zh: '整改任务', en: 'Tasks' },
  'nav.hazards': { zh: '隐患', en: 'Hazards' },
  'nav.review': { zh: '地址复核', en: 'Address review' },
  'nav.rankings': { zh: '排名与报告', en: 'Rankings & reports' },
  'nav.models': { zh: '预警模型', en: 'Models' },
  'nav.imports': { zh: '数据导入', en: 'Imports' },
  'nav.admin': { zh: '系统管理', en: 'Administration' },
  'f.level': { zh: '颜色', en: 'Colour' },
  'f.model': { zh: '模型', en: 'Model' },
  'f.area': { zh: '区域', en: 'Area' },
  'f.status': { zh: '状态', en: 'State' },
  'f.age': { zh: '时间', en: 'Age' },
  'f.open': { zh: '未办结', en: 'Open' },
  'age.1': { zh: '24 小时内', en: 'Last 24 h' },
  'age.7': { zh: '7 天内', en: 'Last 7 days' },
  'age.30': { zh: '30 天内', en: 'Last 30 days' },
  'age.old': { zh: '30 天以前', en: 'Older than 30 days' },
  'level.red': { zh: '红色', en: 'Red' },
  'level.orange': { zh: '橙色', en: 'Orange' },
  'level.yellow': { zh: '黄色', en: 'Yellow' },
  'w.count': { zh: '{n} 条预警', en: '{n} warnings' },
  'w.firstSeen': { zh: '首次触发', en: 'First triggered' },
  'w.lastSeen': { zh: '最近触发', en: 'Last triggered' },
  'w.triggers': { zh: '触发次数', en: 'Times triggered' },
  'w.explanation': { zh: '预警说明', en: 'Explanation' },
  'w.metrics': { zh: '统计数据', en: 'Statistics' },
  'w.incidents': { zh: '相关警情', en: 'Related incidents' },
  'w.tasks': { zh: '派发的任务', en: 'Tasks issued' },
  'w.history': { zh: '处置记录', en: 'History' },
  'w.acknowledge': { zh: '签收', en: 'Acknowledge' },
  'w.dispatch': { zh: '派单', en: 'Dispatch a task' },
  'w.resolve': { zh: '办结', en: 'Resolve' },
  'w.dismiss': { zh: '不予处置', en: 'Dismiss' },
  'w.reason': { zh: '原因（必填）', en: 'Reason (required)' },
  'w.reasonMissing': { zh: '请填写原因', en: 'Give a reason' },
  'w.dismissPrefix': { zh: '不予处置：', en: 'Dismissed: ' },
  'w.selectYellow': { zh: '全选黄色', en: 'Select all yellow' },
  'w.selected': { zh: '已选 {n} 条', en: '{n} selected' },
  'w.bulkAck': { zh: '批量签收', en: 'Acknowledge selected' },
  'w.bulkResolve': { zh: '批量办结', en: 'Resolve selected' },
  'w.bulkDone': { zh: '已处理 {ok} 条，失败 {failed} 条', en: '{ok} done, {failed} failed' },
  'w.pick': { zh: '从列表或地图选择一条预警', en: 'Pick a warning from the list or the map' },
  'w.dispatched': { zh: '已派单：任务 #{id}', en: 'Task #{id} dispatched' },
  't.title': { zh: '任务标题', en: 'Title' },
  't.person': { zh: '责任人', en: 'Assigned person' },
  't.nobody': { zh: '（不指定个人）', en: '(no one in person)' },
  't.reassign': { zh: '改派', en: 'Reassign' },
  't.reassignSave': { zh: '确认改派', en: 'Reassign' },
  't.photos': { zh: '照片或文件', en: 'Photos or files' },
  'live.assigned': { zh: '新任务：#{id} {title}（期限 {due}）', en: 'New task: #{id} {title} (due {due})' },
  't.description': { zh: '任务描述', en: 'Description' },
  't.area': { zh: '责任区域编码', en: 'Area code' },
  't.team': { zh: '责任单位', en: 'Assigned team' },
  't.due': { zh: '整改期限', en: 'Due date' },
  't.comment': { zh: '办理意见', en: 'Comment' },
  't.commentRequired': { zh: '办理意见（必填）', en: 'Comment (required)' },
  't.submitDispatch': { zh: '派发任务', en: 'Dispatch' },
  't.tabMine': { zh: '我的', en: 'Mine' },
  't.tabTeam': { zh: '本单位', en: "My team's" },
  't.tabArea': { zh: '本辖区', en: "My area's" },
  't.tabAll': { zh: '全部', en: 'All' },
  't.overdue': { zh: '已超期', en: 'Overdue' },
  't.overdueOnly': { zh: '只看超期', en: 'Overdue only' },
  't.dueIn': { zh: '期限 {day}', en: 'Due {day}' },
  't.source': { zh: '来源', en: 'Source' },
  't.status': { zh: '状态', en: 'State' },
  't.history': { zh: '办理过程', en: 'Timeline' },
  't.fromWarning': { zh: '来自预警 #{id}', en: 'From warning #{id}' },
  't.fromHazard': { zh: '来自隐患 #{id}', en: 'From hazard #{id}' },
  't.changeDue': { zh: '调整期限', en: 'Change due date' },
  't.changeDueSave': { zh: '保存期限', en: 'Save due date' },
  't.pick': { zh: '选择一项任务', en: 'Pick a task' },
  't.created': { zh: '创建', en: 'created' },
  't.edited': { zh: '修改', en: 'edited' },
  'move.accepted': { zh: '签收', en: 'Accept' },
  'move.in_progress': { zh: '开始整改', en: 'Start work' },
  'move.submitted': { zh: '提交审核', en: 'Submit' },
  'move.closed': { zh: '审核通过并销号', en: 'Close out' },
  'move.returned': { zh: '退回', en: 'Return' },
  'status.issued': { zh: '已下发', en: 'Issued' },
  'status.accepted': { zh: '已签收', en: 'Accepted' },
  'status.in_progress': { zh: '整改中', en: 'In progress' },
  'status.submitted': { zh: '待审核', en: 'Submitted' },
  'status.closed': { zh: '已销号', en: 'Closed' },
  'status.returned': { zh: '已退回', en: 'Returned' },
  'wstatus.new': { zh: '新预警', en: 'New' },
  'wstatus.acknowledged': { zh: '已签收', en: 'Acknowledged' },
  'wstatus.tasked': { zh: '已派单', en: 'Tasked' },
  'wstatus.resolved': { zh: '已处置', en: 'Resolved' },
  'wstatus.expired': { zh: '已失效', en: 'Expired' },
  'page.soon': { zh: '此页正在建设中，可先通过 API 办理：', en: 'This page is being built; meanwhile use the API:' },
} as const satisfies Record<string, Record<Lang, string>>

export type DeskStringKey = keyof typeof S

/** A table's lookup: the string in the current (or given) language, `{name}` placeholders filled. */
export type Lookup<K extends string> = (key: K, params?: Record<string, string | number>, lang?: Lang) => string

/**
 * The lookup of a table of strings; each desk page keeps its own table beside its code.
 * @example strings({ hi: { zh: '你好 {who}', en: 'Hello {who}' } })('hi', { who: '张三' }) // '你好 张三'
 */
export function strings<K extends string>(table: Readonly<Record<K, Readonly<Record<Lang, string>>>>): Lookup<K> {
  return (key, params = {}, lang = getLang()) =>
    table[key][lang].replace(/\{(\w+)\}/g, (all, name: string) => (name in params ? String(params[name]) : all))
}

/**
 * A string of the desk's shared table.
 * @example dt('w.count', { n: 3 }) // '3 条预警'
 */
export const dt: Lookup<DeskStringKey> = strings(S)
