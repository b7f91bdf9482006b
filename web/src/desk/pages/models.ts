/**
 * Warning models (预警模型): the list with each model's schedule, last run, findings and backtest
 * line; a model's definition edited in a form generated from its zod schema (never raw JSON),
 * checked by that schema before it is sent and by the server again; its versions; a run now.
 */
import { z } from 'zod'

import { type ModelDefinition, ModelDefinitionSchema } from '../../../../server/shared/api.ts'
import { ApiError, getJson, sendJson } from '../../api/client.ts'
import { getLang } from '../../i18n/i18n.ts'
import { el, facts, formatTime } from '../../ui/dom.ts'
import { track } from '../../ui/idle.ts'
import type { DeskView, PageMount } from '../context.ts'
import { busy, button, refusal } from '../form.ts'
import { deskPath, type DeskRoute } from '../routes.ts'
import { type FieldSpec, fieldSpec, renderSchemaForm } from '../schema-form.ts'
import { strings } from '../strings.ts'

const mt = strings({
  schedule: { zh: '每 {n} 分钟', en: 'Every {n} min' },
  off: { zh: '已停用', en: 'Off' },
  notConfigured: { zh: '未配置', en: 'Not configured' },
  lastRun: { zh: '最近运行', en: 'Last run' },
  findings: { zh: '发现 {n} 处，新增预警 {raised} 条', en: '{n} findings, {raised} warnings raised' },
  never: { zh: '尚未运行', en: 'Never run' },
  backtest: { zh: '回测', en: 'Backtest' },
  computing: { zh: '计算中…', en: 'computing…' },
  failed: { zh: '失败', en: 'failed' },
  notApplicable: { zh: '不适用', en: 'not applicable' },
  hitRate: {
    zh: '命中率 {hit}（基线 {base}），PAI {pai}（基线 {basePai}）',
    en: 'hit rate {hit} (baseline {base}), PAI {pai} (baseline {basePai})',
  },
  save: { zh: '保存模型', en: 'Save the model' },
  saved: { zh: '已保存：第 {v} 版', en: 'Saved: version {v}' },
  unchanged: { zh: '没有改动', en: 'Nothing changed' },
  invalid: { zh: '有 {n} 处需要修改', en: '{n} fields need a change' },
  runNow: { zh: '立即运行', en: 'Run now' },
  runQueued: { zh: '已排队：运行 #{id}', en: 'Queued: run #{id}' },
  versions: { zh: '历史版本', en: 'Versions' },
  readOnly: { zh: '只读：你的账号不能修改模型', en: 'Read-only: your account cannot change models' },
  pick: { zh: '选择一个模型', en: 'Pick a model' },
})

/** Chinese labels of the definition's fields (English: the field's own name). */
const FIELD_ZH: Readonly<Record<string, string>> = {
  id: '编号',
  kind: '类型',
  name: '名称',
  zh: '中文',
  en: '英文',
  description: '说明',
  roles: '统计的警情类别（角色）',
  categories: '统计的类别编码',
  schedule: '运行计划',
  everyMinutes: '间隔（分钟）',
  enabled: '启用',
  expireAfterHours: '未再触发多久后失效（小时）',
  maxRedPerRun: '每次最多红色预警',
  unit: '统计单元',
  level: '层级',
  res: 'H3 分辨率',
  window: '统计窗口',
  days: '天数',
  baseline: '基线',
  weeks: '周数',
  params: '参数',
  thresholds: '阈值',
  red: '红色',
  orange: '橙色',
  yellow: '黄色',
  minCount: '最少起数',
}

/** A field's label: the last part of its path, in Chinese where known. */
const labelOf = (path: readonly string[]): string => {
  const key = path[path.length - 1] ?? ''
  return getLang() === 'zh' ? (FIELD_ZH[key] ?? key) : key
}

interface ModelRunView {
  id: number
  status: string
  requestedAt: string
  findingsCount: number | null
  raised: number | null
}
type Backtest =
  | {
      status: 'ready'
      hitRate: number | null
      baselineHitRate: number | null
      pai: number | null
      baselinePai: number | null
      verdict: string
    }
  | { status: 'computing' | 'failed' | 'not applicable' }
interface ModelCard {
  id: string
  kind: string
  version: number
  definition: ModelDefinition
  configured: boolean
  reason: string | null
  lastRun: ModelRunView | null
  backtest?: Backtest
  versions?: { version: number; createdBy: string; createdAt: string }[]
}

/**
 * The backtest line of a model card, in words.
 * @example backtestLine({ status: 'ready', hitRate: 0.42, baselineHitRate: 0.3, pai: 12.5, baselinePai: 9, verdict: 'beats baseline' }) // '命中率 42%（基线 30%），PAI 12.5（基线 9）'
 */
export function backtestLine(b: Backtest | undefined): string {
  if (!b) return '—'
  if (b.status === 'computing') return mt('computing')
  if (b.status === 'failed') return mt('failed')
  if (b.status !== 'ready') return mt('notApplicable')
  const pct = (n: number | null) => (n === null ? '—' : `${Math.round(n * 100)}%`)
  const num = (n: number | null) => (n === null ? '—' : String(Math.round(n * 10) / 10))
  return mt('hitRate', { hit: pct(b.hitRate), base: pct(b.baselineHitRate), pai: num(b.pai), basePai: num(b.baselinePai) })
}

/**
 * The form of one kind of model: its variant of the definition's union, id and kind fixed.
 * @example kindSpec('group_rental').kind // 'object'
 */
export function kindSpec(kind: string): FieldSpec {
  const spec = fieldSpec(z.toJSONSchema(ModelDefinitionSchema, { io: 'input', unrepresentable: 'any' }), [])
  const variant = spec.kind === 'union' ? spec.variants.find((v) => v.value === kind)?.spec : undefined
  if (!variant) return { kind: 'json', path: [] }
  return { ...variant, fields: variant.fields.map((f) => (f.path[0] === 'id' ? { kind: 'const', path: ['id'], value: null } : f)) }
}

export const mount: PageMount = async (root, route, ctx) => {
  const canEdit = ctx.can('models')
  const list = el('div', 'desk-list')
  list.setAttribute('role', 'list')
  const detail = el('div', 'desk-detail')
  const left = el('div', 'desk-col desk-col--list')
  left.append(list)
  const right = el('div', 'desk-col desk-col--detail')
  right.append(detail)
  const body = el('div', 'desk-split')
  body.append(left, right)
  root.append(body)
  let selectedId = route.id
  let items: ModelCard[] = []

  const renderList = () => {
    const zh = getLang() === 'zh'
    list.replaceChildren(
      ...items.map((m) => {
        const d = m.definition
        const row = el('a', `desk-row desk-row-main${m.id === selectedId ? ' is-selected' : ''}`)
        row.href = deskPath({ page: 'models', id: m.id })
        row.dataset.id = m.id
        row.setAttribute('role', 'listitem')
        const state = !m.configured
          ? mt('notConfigured')
          : d.enabled && d.schedule.enabled
            ? mt('schedule', { n: d.schedule.everyMinutes })
            : mt('off')
        const run = m.lastRun
          ? `${mt('lastRun')} ${formatTime(m.lastRun.requestedAt)} · ${m.lastRun.status} · ${mt('findings', { n: m.lastRun.findingsCount ?? 0, raised: m.lastRun.raised ?? 0 })}`
          : mt('never')
        row.append(
          el('span', 'desk-row-title', `${zh ? d.name.zh : d.name.en} · v${m.version}`),
          el('span', 'desk-row-meta', `${m.kind} · ${state}`),
          el('span', 'desk-row-meta', run),
          el('span', 'desk-row-meta desk-backtest', `${mt('backtest')}: ${backtestLine(m.backtest)}`),
        )
        return row
      }),
    )
  }

  async function load(): Promise<void> {
    try {
      items = ((await getJson('/api/models')) as { items: ModelCard[] }).items
      renderList()
    } catch (err) {
      list.replaceChildren(el('p', 'desk-error', refusal(err)))
    }
  }

  async function showDetail(): Promise<void> {
    if (!selectedId) return void detail.replaceChildren(el('p', 'desk-hint', mt('pick')))
    const id = selectedId
    let m: ModelCard
    try {
      m = (await getJson(`/api/models/${encodeURIComponent(id)}`)) as ModelCard
    } catch (err) {
      return void detail.replaceChildren(el('p', 'desk-error', refusal(err)))
    }
    if (id !== selectedId) return
    const zh = getLang() === 'zh'
    const head = el('header', 'desk-detail-head')
    head.dataset.id = m.id
    head.append(el('h2', '', `${zh ? m.definition.name.zh : m.definition.name.en} · v${m.version}`))
    const sections: Node[] = [head]
    if (!m.configured && m.reason) sections.push(el('p', 'desk-warning', m.reason))
    const spec = kindSpec(m.kind)
    const form = renderSchemaForm(spec, m.definition, labelOf)
    const formEl = el('form', 'desk-schema-form')
    formEl.dataset.form = 'model'
    formEl.append(form.element)
    if (canEdit) {
      const save = button(mt('save'), 'primary', 'save-model')
      save.type = 'submit'
      const run = button(mt('runNow'), 'plain', 'run-model')
      run.addEventListener('click', () => {
        void track(
          busy(formEl, async () => {
            try {
              const r = (await sendJson('POST', `/api/models/${encodeURIComponent(m.id)}/runs`, {})) as { id: number }
              ctx.toast(mt('runQueued', { id: r.id }))
            } catch (err) {
              ctx.toast(refusal(err), 'error')
            }
          }),
        )
      })
      const actions = el('div', 'desk-actions')
      actions.append(save, run)
      formEl.append(actions)
    } else {
      formEl.querySelectorAll('input, select, textarea').forEach((c) => ((c as HTMLInputElement).disabled = true))
      sections.push(el('p', 'desk-hint', mt('readOnly')))
    }
    formEl.addEventListener('submit', (e) => {
      e.preventDefault()
      const value = { ...form.value(), id: m.id }
      // The same schema the server checks with: refusals at their fields before anything is sent.
      const checked = ModelDefinitionSchema.safeParse(value)
      if (!checked.success) {
        form.showIssues(checked.error.issues.map((i) => ({ path: i.path.map(String), message: i.message })))
        return ctx.toast(mt('invalid', { n: checked.error.issues.length }), 'error')
      }
      form.showIssues([])
      void track(
        busy(formEl, async () => {
          try {
            const saved = (await sendJson('PUT', `/api/models/${encodeURIComponent(m.id)}`, value)) as ModelCard & { changed: boolean }
            ctx.toast(saved.changed ? mt('saved', { v: saved.version }) : mt('unchanged'))
            await load()
            await showDetail()
          } catch (err) {
            if (err instanceof ApiError && Array.isArray(err.body.details))
              form.showIssues(
                (err.body.details as { where?: string; message?: string }[]).map((d) => ({
                  path: String(d.where ?? '')
                    .replace(/^body\.?/, '')
                    .split('.')
                    .filter(Boolean),
                  message: String(d.message ?? ''),
                })),
              )
            ctx.toast(refusal(err), 'error')
          }
        }),
      )
    })
    sections.push(formEl)
    if (m.versions?.length) {
      const v = el('section', 'desk-section')
      v.append(
        el('h3', '', mt('versions')),
        facts(m.versions.map((x) => [`v${x.version}`, `${x.createdBy} · ${formatTime(x.createdAt)}`] as const)),
      )
      sections.push(v)
    }
    detail.replaceChildren(...sections)
  }

  await track(Promise.all([load(), showDetail()]))
  const view: DeskView = {
    update(next: DeskRoute) {
      if (next.id === selectedId) return
      selectedId = next.id
      renderList()
      void track(showDetail())
    },
    destroy() {},
  }
  return view
}
