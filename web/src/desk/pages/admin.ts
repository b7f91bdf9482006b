/**
 * Administration (系统管理): accounts with their role and area scope (towns for a town officer,
 * grids for a grid worker, picked from the area lists), each account's API keys (the secret shown
 * once), the wall display tokens, and the audit log with its filters. Sub-views by address:
 * `/desk/admin/users?user=7`, `/desk/admin/keys?user=7`, `/desk/admin/tokens`, `/desk/admin/audit?actor=…`.
 */
import {
  type AuditAction,
  AuditActionSchema,
  type AuditRecord,
  type Role,
  RoleSchema,
  SCOPED_ROLES,
  type UserView,
} from '../../../../server/shared/api.ts'
import { addDays } from '../../../../server/shared/time.ts'
import { ApiError, getJson, sendJson } from '../../api/client.ts'
import { el, facts, formatTime } from '../../ui/dom.ts'
import { track } from '../../ui/idle.ts'
import type { DeskView, PageMount } from '../context.ts'
import { busy, button, field, input, refusal, select } from '../form.ts'
import { deskPath, type DeskRoute } from '../routes.ts'
import { dt, strings } from '../strings.ts'

const t = strings({
  'tab.users': { zh: '用户', en: 'Users' },
  'tab.keys': { zh: 'API 密钥', en: 'API keys' },
  'tab.tokens': { zh: '大屏令牌', en: 'Wall display tokens' },
  'tab.audit': { zh: '审计日志', en: 'Audit log' },
  'role.admin': { zh: '系统管理员', en: 'Administrator' },
  'role.command': { zh: '区指挥中心', en: 'Command center' },
  'role.town': { zh: '镇街', en: 'Town officer' },
  'role.grid': { zh: '网格员', en: 'Grid worker' },
  'role.analyst': { zh: '分析人员', en: 'Analyst' },
  'role.wall': { zh: '大屏显示', en: 'Wall display' },
  'u.count': { zh: '{n} 个账号', en: '{n} accounts' },
  'u.new': { zh: '新建用户', en: 'New user' },
  'u.search': { zh: '搜索', en: 'Search' },
  'u.username': { zh: '用户名', en: 'Username' },
  'u.displayName': { zh: '姓名', en: 'Display name' },
  'u.role': { zh: '角色', en: 'Role' },
  'u.areas': { zh: '辖区', en: 'Areas' },
  'u.areaCodes': { zh: '辖区编码（可直接填写，逗号分隔）', en: 'Area codes (or type them, comma-separated)' },
  'u.areasTown': { zh: '选择镇街', en: 'Pick the towns' },
  'u.areasGrid': { zh: '选择网格（先选镇街）', en: 'Pick the grids (choose a town first)' },
  'u.areasNone': { zh: '全区角色，无需辖区', en: 'District-wide role: no areas' },
  'u.noGrids': { zh: '该镇街下没有网格', en: 'No grids in this town' },
  'u.team': { zh: '班组（可选）', en: 'Team (optional)' },
  'u.password': { zh: '初始密码（至少 12 位）', en: 'Initial password (12 characters or more)' },
  'u.newPassword': { zh: '重设密码（留空不改）', en: 'New password (empty: unchanged)' },
  'u.create': { zh: '创建用户', en: 'Create user' },
  'u.save': { zh: '保存修改', en: 'Save changes' },
  'u.created': { zh: '已创建用户 {name}', en: 'User {name} created' },
  'u.saved': { zh: '已保存', en: 'Saved' },
  'u.disable': { zh: '停用账号', en: 'Deactivate' },
  'u.enable': { zh: '重新启用', en: 'Reactivate' },
  'u.disabled': { zh: '已停用', en: 'Deactivated' },
  'u.active': { zh: '正常', en: 'Active' },
  'u.state': { zh: '状态', en: 'State' },
  'u.createdBy': { zh: '创建人', en: 'Created by' },
  'u.createdAt': { zh: '创建时间', en: 'Created' },
  'u.pick': { zh: '选择一个账号，或新建用户', en: 'Pick an account, or create one' },
  'u.auditOf': { zh: '此账号的审计记录', en: "This account's audit entries" },
  'u.nothingChanged': { zh: '没有修改', en: 'Nothing changed' },
  'k.title': { zh: 'API 密钥', en: 'API keys' },
  'k.forUser': { zh: '账号', en: 'Account' },
  'k.name': { zh: '用途说明', en: 'What it is for' },
  'k.create': { zh: '生成密钥', en: 'Create key' },
  'k.secret': { zh: '新密钥（只显示这一次，请立即妥善保存）', en: 'The new key (shown only now: store it safely)' },
  'k.copy': { zh: '复制', en: 'Copy' },
  'k.copied': { zh: '已复制', en: 'Copied' },
  'k.copyFailed': { zh: '无法自动复制，请手动选择复制', en: 'Could not copy: select it and copy by hand' },
  'k.revoke': { zh: '吊销', en: 'Revoke' },
  'k.confirmRevoke': { zh: '确认吊销（立即失效，不可恢复）', en: 'Revoke now (cannot be undone)' },
  'k.revoked': { zh: '已吊销', en: 'Revoked' },
  'k.live': { zh: '有效', en: 'Live' },
  'k.lastUsed': { zh: '最近使用', en: 'Last used' },
  'k.never': { zh: '从未使用', en: 'never' },
  'k.none': { zh: '还没有密钥', en: 'No keys yet' },
  'k.pickUser': { zh: '先选择一个账号', en: 'Pick an account first' },
  'd.title': { zh: '大屏显示令牌', en: 'Wall display tokens' },
  'd.user': { zh: '大屏账号', en: 'Wall account' },
  'd.name': { zh: '大屏名称', en: 'Screen name' },
  'd.days': { zh: '有效天数', en: 'Valid for (days)' },
  'd.create': { zh: '生成令牌', en: 'Create token' },
  'd.url': { zh: '大屏打开一次此地址（只显示这一次）', en: 'Open this address once on the screen (shown only now)' },
  'd.expires': { zh: '到期', en: 'Expires' },
  'd.noWall': {
    zh: '还没有大屏账号：先新建一个角色为“大屏显示”的用户',
    en: 'No wall accounts yet: first create a user with the wall display role',
  },
  'd.none': { zh: '还没有令牌', en: 'No tokens yet' },
  'a.actor': { zh: '操作人', en: 'Actor' },
  'a.action': { zh: '操作', en: 'Action' },
  'a.target': { zh: '对象', en: 'Target' },
  'a.from': { zh: '起始日期', en: 'From' },
  'a.to': { zh: '截止日期', en: 'To' },
  'a.at': { zh: '时间', en: 'Time' },
  'a.details': { zh: '详情', en: 'Details' },
  'a.ip': { zh: '地址', en: 'Address' },
  'a.shown': { zh: '显示 {n} 条', en: '{n} shown' },
})

/** The sub-views of the page, in the order of its tabs. */
export const ADMIN_TABS = ['users', 'keys', 'tokens', 'audit'] as const
export type AdminTab = (typeof ADMIN_TABS)[number]

const isTab = (s: string | null | undefined): s is AdminTab => (ADMIN_TABS as readonly string[]).includes(s ?? '')

/**
 * The sub-view an address opens: the tab from the path (`/desk/admin/keys`) or `?tab=`, a bare
 * number in the path as that user's record; a tab the caller may not use falls back to one they may.
 * @example adminView({ id: 'keys', params: new URLSearchParams('user=7') }, { users: true, audit: true }) // { tab: 'keys', user: '7' }
 * @example adminView({ id: '7', params: new URLSearchParams() }, { users: true, audit: false }) // { tab: 'users', user: '7' }
 */
export function adminView(
  route: Pick<DeskRoute, 'id' | 'params'>,
  may: { users: boolean; audit: boolean },
): { tab: AdminTab; user: string | null } {
  const numeric = route.id !== null && /^\d+$/.test(route.id) ? route.id : null
  let tab: AdminTab = isTab(route.id) ? route.id : isTab(route.params.get('tab')) ? (route.params.get('tab') as AdminTab) : 'users'
  if (tab !== 'audit' && !may.users) tab = 'audit'
  if (tab === 'audit' && !may.audit) tab = 'users'
  return { tab, user: route.params.get('user') || numeric }
}

/**
 * Area codes typed by hand: split on commas, Chinese commas, 、 or spaces; duplicates dropped.
 * @example parseCodes('330109001, 330109002，330109001') // ['330109001', '330109002']
 */
export function parseCodes(text: string): string[] {
  return [...new Set(text.split(/[\s,，、;；]+/).filter(Boolean))]
}

/**
 * The level of area a role is scoped to: towns for town officers, grids for grid workers, none for the district.
 * @example areaLevelOf('grid') // 'grid'
 * @example areaLevelOf('command') // null
 */
export function areaLevelOf(role: Role): 'town' | 'grid' | null {
  if (!SCOPED_ROLES.includes(role)) return null
  return role === 'town' ? 'town' : 'grid'
}

/**
 * A refused request's messages by the form field they concern (`details[].where` without its
 * `body.` and any array index); what names no field is left in `other`. A taken username (409) is the username's.
 * @example fieldRefusals(new ApiError('/api/users', 400, 'invalid body', { details: [{ where: 'body.areaCodes.0', message: 'an area code is 6–20 digits' }] })) // { fields: { areaCodes: ['an area code is 6–20 digits'] }, other: [] }
 */
export function fieldRefusals(err: unknown): { fields: Record<string, string[]>; other: string[] } {
  const fields: Record<string, string[]> = {}
  const other: string[] = []
  const add = (name: string, message: string) => (fields[name] ??= []).push(message)
  if (err instanceof ApiError && Array.isArray(err.body.details)) {
    for (const d of err.body.details as unknown[]) {
      if (typeof d !== 'object' || d === null || !('where' in d) || !('message' in d)) continue
      const name = String(d.where)
        .split('.')
        .filter((p) => p !== 'body' && !/^\d+$/.test(p))[0]
      if (name) add(name, String(d.message))
      else other.push(String(d.message))
    }
    if (Object.keys(fields).length > 0 || other.length > 0) return { fields, other }
  }
  if (err instanceof ApiError && err.status === 409 && /^username /.test(err.message)) add('username', err.message)
  else other.push(refusal(err))
  return { fields, other }
}

/**
 * The audit API's query of the page's filters: a period by Shanghai days (the `to` day included),
 * and `before` to page on.
 * @example auditQuery(new URLSearchParams('action=login&from=2026-12-01&to=2026-12-06'), null).toString() // 'action=login&from=2026-12-01T00%3A00%3A00%2B08%3A00&to=2026-12-07T00%3A00%3A00%2B08%3A00&limit=50'
 */
export function auditQuery(params: URLSearchParams, before: string | null, limit = 50): URLSearchParams {
  const q = new URLSearchParams()
  for (const k of ['actor', 'action', 'target']) {
    const v = params.get(k)?.trim()
    if (v) q.set(k, v)
  }
  const day = /^\d{4}-\d{2}-\d{2}$/
  const from = params.get('from')
  const to = params.get('to')
  if (from && day.test(from)) q.set('from', `${from}T00:00:00+08:00`)
  if (to && day.test(to)) q.set('to', `${addDays(to, 1)}T00:00:00+08:00`)
  q.set('limit', String(limit))
  if (before) q.set('before', before)
  return q
}

/**
 * An audit entry's details in one short line.
 * @example auditDetails({ keyId: '3', name: 'gateway', ok: true }) // 'keyId=3 · name=gateway · ok=true'
 */
export function auditDetails(details: Record<string, unknown>): string {
  return Object.entries(details)
    .map(([k, v]) => `${k}=${typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v)}`)
    .join(' · ')
}

/**
 * The accounts a list shows: by role, and by a search over username, name and area codes.
 * @example filterUsers([{ username: 'li', displayName: '李', role: 'town', areaCodes: ['330109001'] }], new URLSearchParams('q=330109')).length // 1
 */
export function filterUsers<U extends Pick<UserView, 'username' | 'displayName' | 'role' | 'areaCodes'>>(
  users: readonly U[],
  params: URLSearchParams,
): U[] {
  const role = params.get('role')
  const q = (params.get('q') ?? '').trim().toLowerCase()
  return users.filter(
    (u) =>
      (!role || u.role === role) &&
      (!q || u.username.toLowerCase().includes(q) || u.displayName.toLowerCase().includes(q) || u.areaCodes.some((c) => c.includes(q))),
  )
}

/** A user as the API shows it; `team` where the server has teams. */
type UserRow = UserView & { team?: string | null }
interface ApiKeyRow {
  id: string
  name: string
  prefix: string
  createdAt: string
  lastUsedAt: string | null
  revoked: boolean
}
interface DisplayTokenRow {
  id: string
  name: string | null
  username: string
  expiresAt: string
  revoked: boolean
}
interface AreaLabel {
  properties: { code: string; name: string }
}

const roleName = (r: Role) => t(`role.${r}`)

/** The area labels of a level, code → name. */
async function areaNames(level: 'town' | 'grid'): Promise<Map<string, string>> {
  const fc = (await getJson(`/api/boundaries/${level}/labels.geojson`)) as { features?: AreaLabel[] }
  return new Map((fc.features ?? []).map((f) => [f.properties.code, f.properties.name]))
}

/** Shows each refusal next to its field in `form` (a toast for the rest). */
function showRefusal(form: HTMLElement, err: unknown, toast: (text: string, kind: 'error') => void): void {
  form.querySelectorAll('.desk-field-error').forEach((n) => n.remove())
  const { fields, other } = fieldRefusals(err)
  for (const [name, messages] of Object.entries(fields)) {
    const box = form.querySelector(`[data-field="${name}"]`)
    const note = el('span', 'desk-field-error', messages.join('; '))
    note.setAttribute('role', 'alert')
    if (box) box.append(note)
    else other.push(`${name}: ${messages.join('; ')}`)
  }
  if (other.length) toast(other.join('\n'), 'error')
}

/** A one-time secret with its copy button. */
function secretBox(label: string, value: string, ctx: { toast(text: string, kind?: 'ok' | 'error'): void }): HTMLElement {
  const box = el('div', 'desk-secret')
  const text = input('text', value, { readonly: '', 'aria-label': label })
  text.name = 'secret'
  const copy = button(t('k.copy'), 'plain', 'copy-secret')
  copy.addEventListener('click', () => {
    text.select()
    void navigator.clipboard.writeText(value).then(
      () => ctx.toast(t('k.copied')),
      () => ctx.toast(t('k.copyFailed'), 'error'),
    )
  })
  box.append(el('p', 'desk-secret-note', label), text, copy)
  return box
}

/** Opens the administration page. */
export const mount: PageMount = async (root, route, ctx) => {
  const may = { users: ctx.can('users'), audit: ctx.can('audit') }
  const tabs = el('nav', 'desk-tabs')
  const body = el('div', 'desk-admin-body')
  root.append(tabs, body)

  let view = adminView(route, may)
  let params = route.params
  let users: UserRow[] = []
  let towns = new Map<string, string>()
  let grids: Map<string, string> | null = null
  let destroyed = false

  /** A revoke button that asks once more (a second click) before `revoke` runs; a refusal is a toast. */
  const revokeButton = (row: HTMLElement, action: string, revoke: () => Promise<void>): HTMLButtonElement => {
    const first = button(t('k.revoke'), 'danger', action)
    first.addEventListener('click', () => {
      const confirm = button(t('k.confirmRevoke'), 'danger', 'confirm-revoke')
      confirm.addEventListener('click', () => {
        void track(
          busy(row, async () => {
            try {
              await revoke()
              ctx.toast(t('k.revoked'))
            } catch (err) {
              ctx.toast(refusal(err), 'error')
            }
          }),
        )
      })
      first.replaceWith(confirm)
    })
    return first
  }
  const gridNames = async () => (grids ??= await areaNames('grid'))
  const go = (tab: AdminTab, p: Record<string, string> = {}, replace = false) =>
    ctx.navigate(deskPath({ page: 'admin', id: tab, params: p }), { replace })

  const renderTabs = () => {
    tabs.replaceChildren(
      ...ADMIN_TABS.filter((x) => (x === 'audit' ? may.audit : may.users)).map((x) => {
        const a = el('a', `desk-tab${x === view.tab ? ' is-active' : ''}`, t(`tab.${x}`))
        a.href = deskPath({ page: 'admin', id: x, params: x === 'keys' && view.user ? { user: view.user } : {} })
        a.dataset.tab = x
        if (x === view.tab) a.setAttribute('aria-current', 'true')
        return a
      }),
    )
  }

  const areaName = (code: string) => towns.get(code) ?? grids?.get(code) ?? null
  const areaText = (codes: readonly string[]) =>
    codes.length === 0 ? '—' : codes.map((c) => (areaName(c) ? `${areaName(c)} (${c})` : c)).join('、')

  async function loadUsers(): Promise<void> {
    users = ((await getJson('/api/users')) as { users: UserRow[] }).users
    if (users.some((u) => u.role === 'grid')) await gridNames().catch(() => null)
  }

  // --- the area picker ---------------------------------------------------------------------
  /** Towns or grids to tick (grids town by town), kept in step with a text field of codes. */
  function areaPicker(initialRole: Role, initial: readonly string[]): { node: HTMLElement; codes(): string[]; setRole(r: Role): void } {
    let role = initialRole
    let chosen = [...initial]
    const node = el('div', 'desk-field desk-areas')
    node.dataset.field = 'areaCodes'
    const picks = el('div', 'desk-area-picks')
    const text = input('text', chosen.join(', '), { 'aria-label': t('u.areaCodes') })
    text.name = 'areaCodes'
    const textLabel = el('label', 'desk-areas-text')
    textLabel.append(el('span', 'desk-field-label', t('u.areaCodes')), text)
    const title = el('span', 'desk-field-label')
    node.append(title, picks, textLabel)
    text.addEventListener('change', () => {
      chosen = parseCodes(text.value)
      render()
    })
    const tick = (code: string, name: string) => {
      const label = el('label', 'desk-chip')
      const c = input('checkbox', code)
      c.name = 'area'
      c.checked = chosen.includes(code)
      c.addEventListener('change', () => {
        chosen = c.checked ? [...chosen, code] : chosen.filter((x) => x !== code)
        text.value = chosen.join(', ')
      })
      label.append(c, el('span', '', `${name} ${code}`))
      return label
    }
    let gridTown = initial.map((c) => [...towns.keys()].find((town) => c.startsWith(town))).find(Boolean) ?? ''
    const render = () => {
      const level = areaLevelOf(role)
      title.textContent = level === 'town' ? t('u.areasTown') : level === 'grid' ? t('u.areasGrid') : t('u.areasNone')
      textLabel.hidden = level === null
      if (level === 'town') return void picks.replaceChildren(...[...towns].map(([code, name]) => tick(code, name)))
      if (level === null) return void picks.replaceChildren()
      const townSelect = select([['', '—'], ...towns], gridTown)
      townSelect.name = 'areaTown'
      townSelect.setAttribute('aria-label', t('u.areasTown'))
      const list = el('div', 'desk-chips-wrap')
      townSelect.addEventListener('change', () => {
        gridTown = townSelect.value
        void track(fillGrids(list))
      })
      picks.replaceChildren(townSelect, list)
      void track(fillGrids(list))
    }
    const fillGrids = async (list: HTMLElement) => {
      if (!gridTown) return void list.replaceChildren()
      const all = await gridNames()
      const mine = [...all].filter(([code]) => code.startsWith(gridTown))
      list.replaceChildren(...(mine.length ? mine.map(([code, name]) => tick(code, name)) : [el('span', 'desk-hint', t('u.noGrids'))]))
    }
    render()
    return {
      node,
      codes: () => (areaLevelOf(role) === null ? [] : parseCodes(text.value)),
      setRole(r) {
        if (areaLevelOf(r) !== areaLevelOf(role)) {
          chosen = []
          text.value = ''
        }
        role = r
        render()
      },
    }
  }

  // --- users -------------------------------------------------------------------------------
  async function renderUsers(): Promise<void> {
    const tools = el('form', 'desk-filters')
    tools.setAttribute('role', 'search')
    const q = input('search', params.get('q') ?? '', { placeholder: t('u.search') })
    const role = select([['', dt('desk.all')], ...RoleSchema.options.map((r) => [r, roleName(r)] as const)], params.get('role') ?? '')
    const newUser = button(t('u.new'), 'primary', 'new-user')
    newUser.addEventListener('click', () => go('users', { ...Object.fromEntries(params), user: 'new' }))
    tools.append(field(t('u.search'), q, 'q'), field(t('u.role'), role, 'role'), newUser)
    tools.addEventListener('submit', (e) => e.preventDefault())
    tools.addEventListener('change', () => {
      const next: Record<string, string> = { q: q.value.trim(), role: role.value }
      if (view.user) next.user = view.user
      go('users', next, true)
    })
    const listHead = el('div', 'desk-list-head')
    const list = el('div', 'desk-list')
    list.setAttribute('role', 'list')
    const detail = el('div', 'desk-detail')
    const left = el('div', 'desk-col desk-col--list')
    left.append(tools, listHead, list)
    const right = el('div', 'desk-col desk-col--detail')
    right.append(detail)
    const split = el('div', 'desk-split')
    split.append(left, right)
    body.replaceChildren(split)
    list.replaceChildren(el('p', 'desk-loading', dt('desk.loading')))
    try {
      await loadUsers()
    } catch (err) {
      list.replaceChildren(el('p', 'desk-error', `${dt('desk.failed')}: ${refusal(err)}`))
      return
    }
    if (destroyed) return
    const shown = filterUsers(users, params)
    listHead.textContent = t('u.count', { n: shown.length })
    list.replaceChildren(
      ...(shown.length === 0
        ? [el('p', 'desk-empty', dt('desk.empty'))]
        : shown.map((u) => {
            const row = el('a', `desk-row desk-row-main${u.id === view.user ? ' is-selected' : ''}${u.disabled ? ' is-disabled' : ''}`)
            row.setAttribute('role', 'listitem')
            row.href = deskPath({ page: 'admin', id: 'users', params: { ...Object.fromEntries(params), user: u.id } })
            row.dataset.id = u.id
            row.dataset.username = u.username
            row.dataset.role = u.role
            row.append(
              el('span', 'desk-row-title', `${u.displayName || u.username} · ${u.username}`),
              el('span', 'desk-row-meta', `${roleName(u.role)} · ${areaText(u.areaCodes)}${u.disabled ? ` · ${t('u.disabled')}` : ''}`),
            )
            return row
          })),
    )
    detail.replaceChildren(userDetail())
  }

  function userDetail(): HTMLElement {
    if (view.user === 'new') return userForm(null)
    const u = users.find((x) => x.id === view.user)
    if (!view.user) return el('p', 'desk-hint', t('u.pick'))
    if (!u) return el('p', 'desk-error', `${dt('desk.notFound')} (user ${view.user})`)
    const box = el('div', 'desk-user-detail')
    const head = el('header', 'desk-detail-head')
    head.dataset.id = u.id
    head.append(
      el('h2', '', `${u.displayName || u.username}`),
      el('span', `desk-status desk-status--${u.disabled ? 'returned' : 'closed'}`, u.disabled ? t('u.disabled') : t('u.active')),
    )
    const auditLink = el('a', 'desk-link', t('u.auditOf'))
    auditLink.href = deskPath({ page: 'admin', id: 'audit', params: { target: `user:${u.id}` } })
    box.append(
      head,
      facts([
        [t('u.username'), u.username],
        [t('u.role'), roleName(u.role)],
        [t('u.areas'), areaText(u.areaCodes)],
        [t('u.createdBy'), u.createdBy],
        [t('u.createdAt'), formatTime(u.createdAt)],
      ]),
      userForm(u),
      keysSection(u),
    )
    if (may.audit) box.append(auditLink)
    return box
  }

  function userForm(u: UserRow | null): HTMLFormElement {
    const form = el('form', 'desk-inline-form desk-user-form')
    form.dataset.form = 'user'
    form.noValidate = true
    const username = input('text', u?.username ?? '', { autocomplete: 'off', maxlength: '64' })
    const displayName = input('text', u?.displayName ?? '', { maxlength: '100' })
    const role = select(
      RoleSchema.options.map((r) => [r, roleName(r)] as const),
      u?.role ?? 'town',
    )
    const picker = areaPicker(u?.role ?? 'town', u?.areaCodes ?? [])
    role.addEventListener('change', () => picker.setRole(role.value as Role))
    const team = input('text', u?.team ?? '', { maxlength: '200' })
    const password = input('password', '', { autocomplete: 'new-password', minlength: '12' })
    const save = button(u ? t('u.save') : t('u.create'), 'primary', 'save-user')
    save.type = 'submit'
    form.append(
      ...(u ? [] : [field(t('u.username'), username, 'username')]),
      field(t('u.displayName'), displayName, 'displayName'),
      field(t('u.role'), role, 'role'),
      picker.node,
      field(t('u.team'), team, 'team'),
      field(u ? t('u.newPassword') : t('u.password'), password, 'password'),
      save,
    )
    if (u) {
      const toggle = button(
        u.disabled ? t('u.enable') : t('u.disable'),
        u.disabled ? 'plain' : 'danger',
        u.disabled ? 'enable' : 'deactivate',
      )
      toggle.addEventListener('click', () => void track(busy(form, () => patch(u, { disabled: !u.disabled }))))
      form.append(toggle)
    } else {
      const cancel = button(dt('desk.cancel'))
      cancel.addEventListener('click', () => go('users', { ...Object.fromEntries(params), user: '' }))
      form.append(cancel)
    }
    const patch = async (before: UserRow, changes: Record<string, unknown>) => {
      try {
        await sendJson('PATCH', `/api/users/${before.id}`, changes)
        ctx.toast(t('u.saved'))
        await renderUsers()
      } catch (err) {
        showRefusal(form, err, (m, k) => ctx.toast(m, k))
      }
    }
    form.addEventListener('submit', (e) => {
      e.preventDefault()
      const r = role.value as Role
      const areaCodes = picker.codes()
      if (!u) {
        const body: Record<string, unknown> = {
          username: username.value.trim(),
          displayName: displayName.value.trim(),
          role: r,
          areaCodes,
        }
        if (team.value.trim()) body.team = team.value.trim()
        if (password.value) body.password = password.value
        void track(
          busy(form, async () => {
            try {
              const created = (await sendJson('POST', '/api/users', body)) as UserRow
              ctx.toast(t('u.created', { name: created.username }))
              go('users', { ...Object.fromEntries(params), user: created.id })
            } catch (err) {
              showRefusal(form, err, (m, k) => ctx.toast(m, k))
            }
          }),
        )
        return
      }
      const changes: Record<string, unknown> = {}
      if (displayName.value.trim() !== u.displayName) changes.displayName = displayName.value.trim()
      if (r !== u.role) changes.role = r
      if (areaCodes.join(',') !== u.areaCodes.join(',')) changes.areaCodes = areaCodes
      const teamNow = team.value.trim() || null
      if (teamNow !== (u.team ?? null)) changes.team = teamNow
      if (password.value) changes.password = password.value
      if (Object.keys(changes).length === 0) return ctx.toast(t('u.nothingChanged'))
      void track(busy(form, () => patch(u, changes)))
    })
    return form
  }

  // --- API keys ----------------------------------------------------------------------------
  function keysSection(u: UserRow): HTMLElement {
    const section = el('section', 'desk-section desk-keys')
    section.dataset.user = u.id
    const secret = el('div')
    const list = el('div', 'desk-key-list')
    const form = el('form', 'desk-inline-form')
    form.dataset.form = 'api-key'
    const name = input('text', '', { maxlength: '100', required: '' })
    const create = button(t('k.create'), 'primary', 'create-key')
    create.type = 'submit'
    form.append(field(t('k.name'), name, 'name'), create)
    section.append(el('h3', '', `${t('k.title')} · ${u.username}`), form, secret, list)

    const load = async () => {
      try {
        showKeys(((await getJson(`/api/users/${u.id}/api-keys`)) as { keys: ApiKeyRow[] }).keys)
      } catch (err) {
        list.replaceChildren(el('p', 'desk-error', refusal(err)))
      }
    }
    const showKeys = (keys: ApiKeyRow[]) => {
      if (keys.length === 0) return void list.replaceChildren(el('p', 'desk-empty', t('k.none')))
      list.replaceChildren(
        ...keys.map((k) => {
          const row = el('div', `desk-key${k.revoked ? ' is-revoked' : ''}`)
          row.dataset.id = k.id
          row.dataset.state = k.revoked ? 'revoked' : 'live'
          row.append(
            el('code', 'desk-key-prefix', `${k.prefix}…`),
            el('span', 'desk-key-name', k.name),
            el(
              'span',
              'desk-row-meta',
              `${formatTime(k.createdAt)} · ${t('k.lastUsed')} ${k.lastUsedAt ? formatTime(k.lastUsedAt) : t('k.never')}`,
            ),
            el('span', `desk-status desk-status--${k.revoked ? 'returned' : 'closed'}`, k.revoked ? t('k.revoked') : t('k.live')),
          )
          if (!k.revoked) {
            const revoke = revokeButton(row, 'revoke-key', async () => {
              await sendJson('DELETE', `/api/users/${u.id}/api-keys/${k.id}`)
              await load()
            })
            row.append(revoke)
          }
          return row
        }),
      )
    }
    form.addEventListener('submit', (e) => {
      e.preventDefault()
      void track(
        busy(form, async () => {
          form.querySelectorAll('.desk-field-error').forEach((n) => n.remove())
          try {
            const key = (await sendJson('POST', `/api/users/${u.id}/api-keys`, { name: name.value.trim() })) as { key: string }
            name.value = ''
            secret.replaceChildren(secretBox(t('k.secret'), key.key, ctx))
            await load()
          } catch (err) {
            showRefusal(form, err, (m, k) => ctx.toast(m, k))
          }
        }),
      )
    })
    void track(load())
    return section
  }

  async function renderKeys(): Promise<void> {
    body.replaceChildren(el('p', 'desk-loading', dt('desk.loading')))
    try {
      await loadUsers()
    } catch (err) {
      return void body.replaceChildren(el('p', 'desk-error', refusal(err)))
    }
    if (destroyed) return
    const tools = el('form', 'desk-filters')
    const who = select([['', '—'], ...users.map((u) => [u.id, `${u.displayName || u.username} (${u.username})`] as const)], view.user ?? '')
    who.addEventListener('change', () => go('keys', { user: who.value }, true))
    tools.append(field(t('k.forUser'), who, 'user'))
    const u = users.find((x) => x.id === view.user)
    const card = el('div', 'desk-col desk-admin-card')
    card.append(u ? keysSection(u) : el('p', 'desk-hint', t('k.pickUser')))
    body.replaceChildren(tools, card)
  }

  // --- wall display tokens -----------------------------------------------------------------
  async function renderTokens(): Promise<void> {
    body.replaceChildren(el('p', 'desk-loading', dt('desk.loading')))
    let tokens: DisplayTokenRow[]
    try {
      const [, list] = await Promise.all([loadUsers(), getJson('/api/display-tokens')])
      tokens = (list as { tokens: DisplayTokenRow[] }).tokens
    } catch (err) {
      return void body.replaceChildren(el('p', 'desk-error', refusal(err)))
    }
    if (destroyed) return
    const card = el('div', 'desk-col desk-admin-card')
    const walls = users.filter((u) => u.role === 'wall' && !u.disabled)
    const shown = el('div')
    card.append(el('h3', '', t('d.title')))
    if (walls.length === 0) {
      const hint = el('p', 'desk-hint', t('d.noWall'))
      const link = el('a', 'desk-link', t('u.new'))
      link.href = deskPath({ page: 'admin', id: 'users', params: { user: 'new' } })
      card.append(hint, link)
    } else {
      const form = el('form', 'desk-inline-form')
      form.dataset.form = 'display-token'
      const who = select(
        walls.map((u) => [u.id, `${u.displayName || u.username} (${u.username})`] as const),
        walls[0]!.id,
      )
      const name = input('text', '', { maxlength: '100', required: '' })
      const days = input('number', '365', { min: '1', max: '3650' })
      const create = button(t('d.create'), 'primary', 'create-token')
      create.type = 'submit'
      form.append(field(t('d.user'), who, 'user'), field(t('d.name'), name, 'name'), field(t('d.days'), days, 'days'), create)
      form.addEventListener('submit', (e) => {
        e.preventDefault()
        void track(
          busy(form, async () => {
            try {
              const out = (await sendJson('POST', `/api/users/${who.value}/display-tokens`, {
                name: name.value.trim(),
                days: Number(days.value),
              })) as { url: string }
              await renderTokens()
              body.querySelector('.desk-token-secret')?.replaceChildren(secretBox(t('d.url'), new URL(out.url, location.origin).href, ctx))
            } catch (err) {
              showRefusal(form, err, (m, k) => ctx.toast(m, k))
            }
          }),
        )
      })
      card.append(form)
    }
    shown.className = 'desk-token-secret'
    const list = el('div', 'desk-key-list')
    if (tokens.length === 0) list.append(el('p', 'desk-empty', t('d.none')))
    for (const tk of [...tokens].reverse()) {
      const row = el('div', `desk-key${tk.revoked ? ' is-revoked' : ''}`)
      row.dataset.id = tk.id
      row.dataset.state = tk.revoked ? 'revoked' : 'live'
      row.append(
        el('span', 'desk-key-name', tk.name ?? '—'),
        el('span', 'desk-row-meta', `${tk.username} · ${t('d.expires')} ${formatTime(tk.expiresAt)}`),
        el('span', `desk-status desk-status--${tk.revoked ? 'returned' : 'closed'}`, tk.revoked ? t('k.revoked') : t('k.live')),
      )
      if (!tk.revoked) {
        const revoke = revokeButton(row, 'revoke-token', async () => {
          await sendJson('DELETE', `/api/display-tokens/${tk.id}`)
          await renderTokens()
        })
        row.append(revoke)
      }
      list.append(row)
    }
    card.append(shown, list)
    body.replaceChildren(card)
  }

  // --- audit log ---------------------------------------------------------------------------
  async function renderAudit(): Promise<void> {
    const filters = el('form', 'desk-filters')
    filters.setAttribute('role', 'search')
    const actor = input('text', params.get('actor') ?? '', { maxlength: '100' })
    const action = select(
      [['', dt('desk.all')], ...AuditActionSchema.options.map((a: AuditAction) => [a, a] as const)],
      params.get('action') ?? '',
    )
    const target = input('text', params.get('target') ?? '', { maxlength: '200', placeholder: 'user:7' })
    const from = input('date', params.get('from') ?? '', { max: ctx.today })
    const to = input('date', params.get('to') ?? '', { max: ctx.today })
    filters.append(
      field(t('a.actor'), actor, 'actor'),
      field(t('a.action'), action, 'action'),
      field(t('a.target'), target, 'target'),
      field(t('a.from'), from, 'from'),
      field(t('a.to'), to, 'to'),
    )
    filters.addEventListener('submit', (e) => e.preventDefault())
    filters.addEventListener('change', () =>
      go('audit', { actor: actor.value.trim(), action: action.value, target: target.value.trim(), from: from.value, to: to.value }, true),
    )
    const head = el('div', 'desk-list-head')
    const table = el('table', 'desk-table desk-audit')
    const thead = el('thead')
    const tr = el('tr')
    for (const h of [t('a.at'), t('a.actor'), t('a.action'), t('a.target'), t('a.details'), t('a.ip')]) tr.append(el('th', '', h))
    thead.append(tr)
    const tbody = el('tbody')
    table.append(thead, tbody)
    const more = button(dt('desk.more'), 'plain', 'more')
    more.hidden = true
    const card = el('div', 'desk-col desk-admin-card')
    card.append(head, table, more)
    body.replaceChildren(filters, card)

    let next: string | null = null
    let count = 0
    const page = async () => {
      try {
        const out = (await getJson(`/api/audit?${auditQuery(params, next).toString()}`)) as { entries: AuditRecord[]; next: string | null }
        for (const e of out.entries) {
          const row = el('tr')
          row.dataset.id = e.id
          row.dataset.action = e.action
          row.dataset.target = e.target ?? ''
          row.append(
            el('td', 'desk-nowrap', formatTime(e.at)),
            el('td', '', `${e.actor}${e.role ? ` (${e.role})` : ''}`),
            el('td', '', e.action),
            el('td', '', e.target ?? '—'),
            el('td', 'desk-audit-details', auditDetails(e.details)),
            el('td', '', e.ip ?? ''),
          )
          tbody.append(row)
        }
        count += out.entries.length
        next = out.next
        more.hidden = next === null
        head.textContent = count === 0 ? dt('desk.empty') : t('a.shown', { n: count })
      } catch (err) {
        head.replaceChildren(el('span', 'desk-error', refusal(err)))
      }
    }
    more.addEventListener('click', () => void track(busy(card, page)))
    await page()
  }

  // --- start -------------------------------------------------------------------------------
  async function render(): Promise<void> {
    renderTabs()
    if (view.tab === 'users') return renderUsers()
    if (view.tab === 'keys') return renderKeys()
    if (view.tab === 'tokens') return renderTokens()
    return renderAudit()
  }

  if (may.users) towns = await track(areaNames('town').catch(() => new Map<string, string>()))
  await track(render())

  const pageView: DeskView = {
    update(next: DeskRoute) {
      view = adminView(next, may)
      params = next.params
      void track(render())
    },
    destroy() {
      destroyed = true
    },
  }
  return pageView
}
