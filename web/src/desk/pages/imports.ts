/**
 * Imports (数据导入): upload an address, incident, hazard, gazetteer, boundary or category file;
 * watch its job (status polled, a progress bar with its counts); download its rejects report; and
 * the lasting record of every run with its counts. A job's page is `/desk/imports/<job id>`.
 */
import {
  AreaLevelSchema,
  BoundaryCrsSchema,
  type ImportCounts,
  type ImportJob,
  type ImportRun,
  type JobKind,
} from '../../../../server/shared/api.ts'
import { ApiError, apiUrl, csrfToken, getJson, loginAgainOn401 } from '../../api/client.ts'
import { el, facts, formatTime } from '../../ui/dom.ts'
import { track } from '../../ui/idle.ts'
import type { DeskView, PageMount, Permission } from '../context.ts'
import { busy, button, field, input, refusal, select } from '../form.ts'
import { deskPath, type DeskRoute } from '../routes.ts'
import { dt, strings } from '../strings.ts'

const t = strings({
  'kind.addresses': { zh: '标准地址', en: 'Addresses' },
  'kind.incidents': { zh: '警情', en: 'Incidents' },
  'kind.hazards': { zh: '隐患', en: 'Hazards' },
  'kind.houses': { zh: '实有房屋', en: 'Houses' },
  'kind.residents': { zh: '实有人口', en: 'Residents' },
  'kind.organisations': { zh: '企业与场所', en: 'Organisations' },
  'kind.disputes': { zh: '矛盾纠纷', en: 'Disputes' },
  'kind.patrols': { zh: '巡防轨迹', en: 'Patrols' },
  'kind.devices': { zh: '物联设备', en: 'Devices' },
  'kind.device_events': { zh: '设备事件', en: 'Device events' },
  'kind.gazetteer': { zh: '地名别名', en: 'Gazetteer' },
  'kind.boundaries': { zh: '行政区划边界', en: 'Boundaries' },
  'kind.categories': { zh: '警情类别', en: 'Incident categories' },
  'up.title': { zh: '上传文件', en: 'Upload a file' },
  'up.kind': { zh: '数据类型', en: 'Kind' },
  'up.file': { zh: '文件', en: 'File' },
  'up.fileHint': {
    zh: 'CSV（UTF-8）；边界可为 .zip、.gpkg、.geojson 或 .shp 及其附属文件',
    en: 'CSV (UTF-8); boundaries: .zip, .gpkg, .geojson, or a .shp with its companions',
  },
  'up.source': { zh: '数据来源（可选）', en: 'Source (optional)' },
  'up.level': { zh: '区划层级', en: 'Level' },
  'up.crs': { zh: '坐标系', en: 'Coordinates' },
  'up.crsAuto': { zh: '自动识别', en: 'Detect' },
  'up.codeField': { zh: '编码字段（可选）', en: 'Code field (optional)' },
  'up.nameField': { zh: '名称字段（可选）', en: 'Name field (optional)' },
  'up.parentField': { zh: '上级编码字段（可选）', en: 'Parent code field (optional)' },
  'up.submit': { zh: '开始导入', en: 'Import' },
  'up.noFile': { zh: '请选择文件', en: 'Choose a file' },
  'up.queued': { zh: '已提交，正在排队', en: 'Sent: waiting its turn' },
  'level.district': { zh: '区', en: 'District' },
  'level.town': { zh: '镇街', en: 'Towns' },
  'level.village': { zh: '村社', en: 'Villages' },
  'level.grid': { zh: '网格', en: 'Grids' },
  'level.microgrid': { zh: '微网格', en: 'Micro-grids' },
  'job.title': { zh: '导入任务', en: 'Import job' },
  'job.status.queued': { zh: '排队中', en: 'Queued' },
  'job.status.running': { zh: '导入中', en: 'Running' },
  'job.status.done': { zh: '已完成', en: 'Done' },
  'job.status.failed': { zh: '失败', en: 'Failed' },
  'job.phase': { zh: '阶段', en: 'Phase' },
  'job.by': { zh: '提交人', en: 'Sent by' },
  'job.started': { zh: '提交时间', en: 'Sent' },
  'job.finished': { zh: '结束时间', en: 'Finished' },
  'job.reports': { zh: '报告下载', en: 'Reports' },
  'job.noReports': { zh: '没有报告文件', en: 'No report files' },
  'job.rejects': { zh: '被拒绝的行（前 {n} 条，完整列表见报告）', en: 'Rejected lines (first {n}; all of them in the report)' },
  'job.warnings': { zh: '提示', en: 'Warnings' },
  'job.gone': {
    zh: '找不到此导入任务：任务只在服务器内存中保留 24 小时；导入记录见左侧列表',
    en: 'No such import job: jobs are kept in the server for 24 hours; see the runs list for the record',
  },
  'job.mine': { zh: '本浏览器提交的任务', en: 'Jobs sent from this browser' },
  'job.pick': { zh: '上传一个文件，或从列表中选择一个任务', en: 'Upload a file, or pick a job' },
  'c.read': { zh: '读取', en: 'Read' },
  'c.inserted': { zh: '新增', en: 'Inserted' },
  'c.updated': { zh: '更新', en: 'Updated' },
  'c.unchanged': { zh: '未变', en: 'Unchanged' },
  'c.rejected': { zh: '拒绝', en: 'Rejected' },
  'c.unplaced': { zh: '未落图', en: 'Unplaced' },
  'runs.title': { zh: '导入记录', en: 'Import runs' },
  'runs.file': { zh: '文件', en: 'File' },
  'runs.status': { zh: '状态', en: 'State' },
  'runs.when': { zh: '开始', en: 'Started' },
  'runs.message': { zh: '说明', en: 'Message' },
  'runs.line': { zh: '行', en: 'Line' },
  'runs.id': { zh: '编号', en: 'Id' },
  'runs.reason': { zh: '原因', en: 'Reason' },
})

/** The kinds the page offers, and the permission each needs beyond `ingest` (as server/imports/kinds.ts). */
export const IMPORT_KINDS = [
  'addresses',
  'incidents',
  'hazards',
  'houses',
  'residents',
  'organisations',
  'disputes',
  'patrols',
  'devices',
  'device_events',
  'gazetteer',
  'boundaries',
  'categories',
] as const satisfies readonly JobKind[]
export type ImportPageKind = (typeof IMPORT_KINDS)[number]
const KIND_NEEDS: Readonly<Record<ImportPageKind, Permission>> = {
  addresses: 'ingest',
  incidents: 'ingest',
  hazards: 'ingest',
  houses: 'ingest',
  residents: 'ingest',
  organisations: 'ingest',
  disputes: 'ingest',
  patrols: 'ingest',
  devices: 'ingest',
  device_events: 'ingest',
  gazetteer: 'ingest',
  boundaries: 'settings',
  categories: 'settings',
}

/**
 * The kinds a caller may import.
 * @example importKinds((p) => p === 'ingest') // ['addresses', 'incidents', 'hazards', 'houses', …, 'gazetteer']
 */
export function importKinds(can: (p: Permission) => boolean): ImportPageKind[] {
  return IMPORT_KINDS.filter((k) => can(KIND_NEEDS[k]))
}

/**
 * The job's `options` of the form's values: empty values left out; a boundary import needs its level.
 * @example importOptions('boundaries', { level: 'town', crs: '', codeField: 'XZQDM', source: '' }) // { level: 'town', codeField: 'XZQDM' }
 * @example importOptions('incidents', { source: '110 接处警', level: 'town' }) // { source: '110 接处警' }
 */
export function importOptions(kind: ImportPageKind, values: Readonly<Record<string, string>>): Record<string, string> {
  const keys = kind === 'boundaries' ? ['level', 'crs', 'codeField', 'nameField', 'parentField', 'source'] : ['source']
  const out: Record<string, string> = {}
  for (const k of keys) {
    const v = values[k]?.trim()
    if (v) out[k] = v
  }
  return out
}

/** A job as the API shows it: its report files by number and URL, its times as ISO strings. */
export type JobView = Omit<ImportJob, 'reports' | 'createdAt' | 'finishedAt'> & {
  reports: { name: string; url: string }[]
  createdAt: string
  finishedAt: string | null
}
/** An import run as the API shows it (times as ISO strings). */
export type RunView = Omit<ImportRun, 'startedAt' | 'finishedAt'> & { startedAt: string; finishedAt: string | null }

/**
 * The share of the current phase done (0–1), or null while its size is unknown.
 * @example progressShare({ phase: 'load', done: 50, total: 200 }) // 0.25
 * @example progressShare({ phase: 'read', done: 10, total: 0 }) // null
 */
export function progressShare(progress: JobView['progress']): number | null {
  if (!progress || progress.total <= 0) return null
  return Math.min(1, Math.max(0, progress.done / progress.total))
}

/** Whether a job has ended (done or failed): polling stops. @example jobEnded('running') // false */
export function jobEnded(status: JobView['status']): boolean {
  return status === 'done' || status === 'failed'
}

const COUNT_KEYS = ['read', 'inserted', 'updated', 'unchanged', 'rejected', 'unplaced'] as const satisfies readonly (
  keyof ImportCounts | 'unplaced'
)[]

/**
 * The counts an import's summary holds, in a fixed order (kinds' summaries differ; only numbers are taken).
 * @example jobCounts({ read: 3, inserted: 2, rejected: 1, runId: 9 }) // [['read', 3], ['inserted', 2], ['rejected', 1]]
 */
export function jobCounts(result: unknown): [(typeof COUNT_KEYS)[number], number][] {
  if (typeof result !== 'object' || result === null) return []
  const r = result as Record<string, unknown>
  return COUNT_KEYS.flatMap((k) => (typeof r[k] === 'number' ? [[k, r[k]] as [(typeof COUNT_KEYS)[number], number]] : []))
}

/** A job remembered by this browser, to find it again. */
export interface RememberedJob {
  id: string
  kind: string
  file: string
  at: string
}

/**
 * The remembered jobs with one more in front (a job already there moves up), at most `keep`.
 * @example rememberJob([{ id: 'a', kind: 'incidents', file: 'x.csv', at: '' }], { id: 'b', kind: 'hazards', file: 'y.csv', at: '' }).map((j) => j.id) // ['b', 'a']
 */
export function rememberJob(list: readonly RememberedJob[], job: RememberedJob, keep = 10): RememberedJob[] {
  return [job, ...list.filter((j) => j.id !== job.id)].slice(0, keep)
}

const STORE_KEY = 'onemap.desk.importJobs'

function readRemembered(): RememberedJob[] {
  try {
    const v: unknown = JSON.parse(localStorage.getItem(STORE_KEY) ?? '[]')
    return Array.isArray(v) ? (v as RememberedJob[]).filter((j) => typeof j?.id === 'string') : []
  } catch {
    return []
  }
}

/** Sends the upload as multipart/form-data with the CSRF token; answers the queued job. */
async function upload(form: FormData): Promise<JobView> {
  const url = apiUrl('/api/imports')
  const res = await fetch(url, { method: 'POST', headers: { accept: 'application/json', 'x-csrf-token': csrfToken() }, body: form })
  loginAgainOn401(res.status)
  const text = await res.text()
  let parsed: unknown
  try {
    parsed = text ? JSON.parse(text) : null
  } catch {
    parsed = null
  }
  const reply = (typeof parsed === 'object' && parsed !== null ? parsed : {}) as { error?: unknown; details?: unknown }
  if (!res.ok) {
    const error = typeof reply.error === 'string' ? reply.error : `HTTP ${res.status}`
    throw new ApiError(url, res.status, error, { error, details: reply.details })
  }
  return parsed as JobView
}

const kindName = (k: string) => ((IMPORT_KINDS as readonly string[]).includes(k) ? t(`kind.${k as ImportPageKind}`) : k)
const POLL_MS = 700

/** Opens the imports page. */
export const mount: PageMount = async (root, route, ctx) => {
  const kinds = importKinds((p) => ctx.can(p))
  const formBox = el('section', 'desk-section desk-upload')
  const mine = el('section', 'desk-section desk-my-jobs')
  const runsBox = el('section', 'desk-section desk-runs')
  const detail = el('div', 'desk-detail')
  const left = el('div', 'desk-col desk-col--detail desk-imports-left')
  left.append(formBox, mine, runsBox)
  const right = el('div', 'desk-col desk-col--detail')
  right.append(detail)
  const split = el('div', 'desk-split desk-split--imports')
  split.append(left, right)
  root.append(split)

  let params = route.params
  let jobId = route.id
  let destroyed = false
  let remembered = readRemembered()

  // --- upload form -------------------------------------------------------------------------
  const renderForm = () => {
    const form = el('form', 'desk-inline-form desk-upload-form')
    form.dataset.form = 'upload'
    const kind = select(
      kinds.map((k) => [k, kindName(k)] as const),
      params.get('kind') && kinds.includes(params.get('kind') as ImportPageKind) ? params.get('kind')! : (kinds[0] ?? ''),
    )
    const file = input('file')
    const source = input('text', '', { maxlength: '200' })
    const level = select(
      AreaLevelSchema.options.map((l) => [l, t(`level.${l}`)] as const),
      'town',
    )
    const crs = select([['', t('up.crsAuto')], ...BoundaryCrsSchema.options.map((c) => [c, c.toUpperCase()] as const)], '')
    const codeField = input('text', '', { maxlength: '100' })
    const nameField = input('text', '', { maxlength: '100' })
    const parentField = input('text', '', { maxlength: '100' })
    const boundaryFields = el('div', 'desk-boundary-options')
    boundaryFields.append(
      field(t('up.level'), level, 'level'),
      field(t('up.crs'), crs, 'crs'),
      field(t('up.codeField'), codeField, 'codeField'),
      field(t('up.nameField'), nameField, 'nameField'),
      field(t('up.parentField'), parentField, 'parentField'),
    )
    const sync = () => {
      const b = kind.value === 'boundaries'
      boundaryFields.hidden = !b
      file.multiple = b
      file.accept = b ? '.zip,.gpkg,.geojson,.json,.shp,.shx,.dbf,.prj,.cpg' : '.csv,text/csv'
    }
    kind.addEventListener('change', sync)
    sync()
    const submit = button(t('up.submit'), 'primary', 'upload')
    submit.type = 'submit'
    const fileField = field(t('up.file'), file, 'file')
    fileField.append(el('span', 'desk-field-hint', t('up.fileHint')))
    form.append(field(t('up.kind'), kind, 'kind'), fileField, field(t('up.source'), source, 'source'), boundaryFields, submit)
    form.addEventListener('submit', (e) => {
      e.preventDefault()
      const files = [...(file.files ?? [])]
      if (files.length === 0) return ctx.toast(t('up.noFile'), 'error')
      const k = kind.value as ImportPageKind
      const body = new FormData()
      body.set('kind', k)
      const options = importOptions(k, {
        source: source.value,
        level: level.value,
        crs: crs.value,
        codeField: codeField.value,
        nameField: nameField.value,
        parentField: parentField.value,
      })
      if (Object.keys(options).length) body.set('options', JSON.stringify(options))
      for (const f of files) body.append('file', f, f.name)
      void track(
        busy(form, async () => {
          try {
            const job = await upload(body)
            remembered = rememberJob(remembered, { id: job.id, kind: k, file: files.map((f) => f.name).join(', '), at: job.createdAt })
            localStorage.setItem(STORE_KEY, JSON.stringify(remembered))
            file.value = ''
            ctx.toast(t('up.queued'))
            ctx.navigate(deskPath({ page: 'imports', id: job.id, params }))
          } catch (err) {
            ctx.toast(refusal(err), 'error')
          }
        }),
      )
    })
    formBox.replaceChildren(el('h3', '', t('up.title')), kinds.length ? form : el('p', 'desk-hint', dt('desk.noAccess')))
  }

  const renderMine = () => {
    if (remembered.length === 0) return void mine.replaceChildren()
    const ul = el('ul', 'desk-job-links')
    for (const j of remembered) {
      const li = el('li')
      const a = el('a', `desk-link${j.id === jobId ? ' is-selected' : ''}`, `${kindName(j.kind)} · ${j.file} · ${formatTime(j.at)}`)
      a.href = deskPath({ page: 'imports', id: j.id, params })
      a.dataset.job = j.id
      li.append(a)
      ul.append(li)
    }
    mine.replaceChildren(el('h3', '', t('job.mine')), ul)
  }

  // --- runs --------------------------------------------------------------------------------
  async function loadRuns(): Promise<void> {
    const kindFilter = select([['', dt('desk.all')], ...IMPORT_KINDS.map((k) => [k, kindName(k)] as const)], params.get('kind') ?? '')
    kindFilter.addEventListener('change', () => {
      const next = new URLSearchParams(params)
      if (kindFilter.value) next.set('kind', kindFilter.value)
      else next.delete('kind')
      ctx.navigate(deskPath({ page: 'imports', id: jobId, params: next }), { replace: true })
    })
    const head = el('div', 'desk-runs-head')
    head.append(el('h3', '', t('runs.title')), field(t('up.kind'), kindFilter, 'runKind'))
    runsBox.replaceChildren(head, el('p', 'desk-loading', dt('desk.loading')))
    const q = new URLSearchParams({ limit: '50' })
    const k = params.get('kind')
    if (k && (IMPORT_KINDS as readonly string[]).includes(k)) q.set('kind', k)
    let runs: RunView[]
    try {
      runs = ((await getJson(`/api/imports?${q.toString()}`)) as { items: RunView[] }).items
    } catch (err) {
      return void runsBox.replaceChildren(head, el('p', 'desk-error', refusal(err)))
    }
    if (runs.length === 0) return void runsBox.replaceChildren(head, el('p', 'desk-empty', dt('desk.empty')))
    const table = el('table', 'desk-table desk-runs-table')
    const tr = el('tr')
    for (const h of [
      '#',
      t('up.kind'),
      t('runs.file'),
      t('runs.status'),
      t('runs.when'),
      ...COUNT_KEYS.slice(0, 5).map((c) => t(`c.${c}`)),
    ])
      tr.append(el('th', '', h))
    const thead = el('thead')
    thead.append(tr)
    const tbody = el('tbody')
    for (const r of runs) {
      const row = el('tr', `desk-run desk-run--${r.status}`)
      row.dataset.id = String(r.id)
      row.dataset.kind = r.kind
      row.dataset.status = r.status
      row.title = r.message ?? ''
      row.append(
        el('td', '', String(r.id)),
        el('td', '', kindName(r.kind)),
        el('td', 'desk-run-file', r.file.split(/[\\/]/).pop() ?? r.file),
        el('td', '', t(`job.status.${r.status}`)),
        el('td', 'desk-nowrap', formatTime(r.startedAt)),
        ...COUNT_KEYS.slice(0, 5).map((c) => {
          const td = el('td', `desk-num${c === 'rejected' && r.rejected > 0 ? ' is-bad' : ''}`, String(r[c as keyof ImportCounts]))
          td.dataset.count = c
          return td
        }),
      )
      tbody.append(row)
    }
    table.append(thead, tbody)
    runsBox.replaceChildren(head, table)
  }

  // --- the job -----------------------------------------------------------------------------
  function renderJob(job: JobView): void {
    const head = el('header', 'desk-detail-head')
    head.dataset.id = job.id
    head.append(
      el('h2', '', `${t('job.title')} · ${kindName(job.kind)}`),
      el(
        'span',
        `desk-status desk-status--${job.status === 'failed' ? 'returned' : job.status === 'done' ? 'closed' : 'new'}`,
        t(`job.status.${job.status}`),
      ),
    )
    const share = progressShare(job.progress)
    const bar = el('progress', 'desk-progress')
    bar.max = 1
    if (job.status === 'done') bar.value = 1
    else if (share !== null) bar.value = share
    else if (job.status !== 'running') bar.value = 0
    else bar.removeAttribute('value')
    const p = job.progress
    const progressText = el(
      'p',
      'desk-progress-text',
      p
        ? `${t('job.phase')} ${p.phase}: ${p.done.toLocaleString()}${p.total > 0 ? ` / ${p.total.toLocaleString()}` : ''}`
        : t(`job.status.${job.status}`),
    )
    const sections: Node[] = [
      head,
      bar,
      progressText,
      facts([
        [t('job.by'), job.createdBy],
        [t('job.started'), formatTime(job.createdAt)],
        [t('job.finished'), job.finishedAt ? formatTime(job.finishedAt) : '—'],
      ]),
    ]
    if (job.error) sections.push(el('p', 'desk-error', job.error))
    const counts = jobCounts(job.result)
    if (counts.length) {
      const box = el('dl', 'desk-counts')
      for (const [k, n] of counts) {
        const d = el('div', `desk-count${k === 'rejected' && n > 0 ? ' is-bad' : ''}`)
        d.dataset.count = k
        d.append(el('dt', '', t(`c.${k}`)), el('dd', '', n.toLocaleString()))
        box.append(d)
      }
      sections.push(box)
    }
    const result = (job.result ?? {}) as { warnings?: unknown; rejects?: unknown }
    if (Array.isArray(result.warnings) && result.warnings.length) {
      const s = el('section', 'desk-section')
      const ul = el('ul', 'desk-incidents')
      ul.append(...result.warnings.map((w) => el('li', '', String(w))))
      s.append(el('h3', '', t('job.warnings')), ul)
      sections.push(s)
    }
    if (Array.isArray(result.rejects) && result.rejects.length) {
      const rejects = result.rejects as { line: number; id: string; reason: string }[]
      const s = el('section', 'desk-section desk-rejects')
      const table = el('table', 'desk-table')
      const tr = el('tr')
      tr.append(el('th', '', t('runs.line')), el('th', '', t('runs.id')), el('th', '', t('runs.reason')))
      const thead = el('thead')
      thead.append(tr)
      const tbody = el('tbody')
      for (const r of rejects.slice(0, 20)) {
        const row = el('tr')
        row.dataset.line = String(r.line)
        row.append(el('td', 'desk-num', String(r.line)), el('td', '', r.id), el('td', '', r.reason))
        tbody.append(row)
      }
      table.append(thead, tbody)
      s.append(el('h3', '', t('job.rejects', { n: Math.min(20, rejects.length) })), table)
      sections.push(s)
    }
    const reports = el('section', 'desk-section desk-reports')
    reports.append(el('h3', '', t('job.reports')))
    if (job.reports.length === 0) reports.append(el('p', 'desk-empty', jobEnded(job.status) ? t('job.noReports') : '—'))
    for (const r of job.reports) {
      const a = el('a', 'desk-link', `⬇ ${r.name}`)
      a.href = r.url
      a.download = r.name
      a.dataset.action = 'report'
      reports.append(a, el('br'))
    }
    sections.push(reports)
    detail.replaceChildren(...sections)
  }

  /** Shows the job and polls it until it ends (tracked, so tests may wait for the end). */
  async function watchJob(): Promise<void> {
    if (!jobId) return void detail.replaceChildren(el('p', 'desk-hint', t('job.pick')))
    const id = jobId
    detail.replaceChildren(el('p', 'desk-loading', dt('desk.loading')))
    for (;;) {
      let job: JobView
      try {
        job = (await getJson(`/api/imports/jobs/${encodeURIComponent(id)}`)) as JobView
      } catch (err) {
        if (id !== jobId || destroyed) return
        const gone = err instanceof ApiError && (err.status === 404 || err.status === 400)
        return void detail.replaceChildren(el('p', gone ? 'desk-hint' : 'desk-error', gone ? t('job.gone') : refusal(err)))
      }
      if (id !== jobId || destroyed) return
      renderJob(job)
      if (jobEnded(job.status)) {
        await loadRuns()
        return
      }
      await new Promise((ok) => setTimeout(ok, POLL_MS))
      if (id !== jobId || destroyed) return
    }
  }

  renderForm()
  renderMine()
  void track(watchJob())
  await track(loadRuns())

  const view: DeskView = {
    update(next: DeskRoute) {
      const reload = next.params.get('kind') !== params.get('kind')
      const rejob = next.id !== jobId
      params = next.params
      jobId = next.id
      if (reload) void track(loadRuns())
      if (rejob) {
        renderMine()
        void track(watchJob())
      }
    },
    destroy() {
      destroyed = true
    },
  }
  return view
}
