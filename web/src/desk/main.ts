/**
 * The work desk (工作台): one page app under /desk for the people who run the closed loop —
 * warnings, tasks, hazards, disputes (矛盾纠纷), residents and houses, IoT devices (物联感知),
 * address review, rankings, models, imports and administration. Each page is its own module,
 * loaded when first opened; every action goes through the API and its rules.
 */
import './desk.css'

import { MeResponseSchema, type TaskAssigned } from '../../../server/shared/api.ts'
import { shanghaiDay } from '../../../server/shared/time.ts'
import { getJson, sendJson } from '../api/client.ts'
import { getLang, onLangChange, setLang } from '../i18n/i18n.ts'
import { isMine } from '../live/assigned.ts'
import { openStream } from '../live/stream.ts'
import { byId, el } from '../ui/dom.ts'
import { idle, track } from '../ui/idle.ts'
import type { DeskContext, DeskView, PageMount, Permission } from './context.ts'
import { DESK_PAGES, type DeskPage, deskPath, parseDeskPath } from './routes.ts'
import { dt } from './strings.ts'

declare global {
  interface Window {
    /** For tests: resolves when the current page has loaded what it shows. */
    __desk?: { page(): DeskPage; idle(): Promise<void> }
  }
}

/** What each page needs to be listed (the server checks every action again). */
const PAGE_NEEDS: Readonly<Record<DeskPage, Permission>> = {
  warnings: 'read',
  tasks: 'read',
  hazards: 'read',
  disputes: 'read',
  people: 'read',
  devices: 'read',
  review: 'reconcile',
  rankings: 'read',
  models: 'read',
  imports: 'ingest',
  admin: 'users',
}

/** The pages built so far (the others are not listed until they are). */
const PAGES: Readonly<Partial<Record<DeskPage, () => Promise<{ mount: PageMount }>>>> = {
  warnings: () => import('./pages/warnings.ts'),
  tasks: () => import('./pages/tasks.ts'),
  hazards: () => import('./pages/hazards.ts'),
  disputes: () => import('./pages/disputes.ts'),
  people: () => import('./pages/people.ts'),
  devices: () => import('./pages/devices.ts'),
  review: () => import('./pages/review.ts'),
  rankings: () => import('./pages/rankings.ts'),
  models: () => import('./pages/models.ts'),
  imports: () => import('./pages/imports.ts'),
  admin: () => import('./pages/admin.ts'),
}

const main = byId<HTMLElement>('desk-main')
const nav = byId<HTMLElement>('desk-nav')
const toasts = byId<HTMLElement>('desk-toasts')

function toast(text: string, kind: 'ok' | 'error' = 'ok', href?: string): void {
  const node = el('div', `desk-toast desk-toast--${kind}`)
  if (href) {
    const a = el('a', 'desk-toast-link', text)
    a.href = href
    node.append(a)
  } else node.textContent = text
  node.setAttribute('role', kind === 'error' ? 'alert' : 'status')
  const close = el('button', 'desk-toast-close', '×')
  close.type = 'button'
  close.title = dt('desk.close')
  close.addEventListener('click', () => node.remove())
  node.append(close)
  toasts.append(node)
  // Errors stay until closed; a link (a new task) stays a while longer than a plain note.
  if (kind === 'ok') setTimeout(() => node.remove(), href ? 20_000 : 6000)
}

async function start(): Promise<void> {
  const me = MeResponseSchema.parse(await getJson('/api/auth/me'))
  const can = (p: Permission) => me.permissions.includes(p)
  // Scoped staff start at their tasks; district staff at the warnings inbox.
  const home: DeskPage = me.user.role === 'town' || me.user.role === 'grid' ? 'tasks' : 'warnings'
  const pages = DESK_PAGES.filter((p) => PAGES[p] && (can(PAGE_NEEDS[p]) || (p === 'admin' && can('audit'))))

  byId('desk-user-name').textContent = me.user.displayName
  const logout = byId<HTMLButtonElement>('desk-logout')
  logout.hidden = me.method !== 'session'
  logout.addEventListener('click', () => {
    void sendJson('POST', '/api/auth/logout').finally(() => location.assign('/login'))
  })
  byId('desk-lang').addEventListener('click', () => setLang(getLang() === 'zh' ? 'en' : 'zh'))

  // The live stream: pages listen through ctx.onLive; a task given to me (or my team) raises the
  // badge on "tasks" and a toast, on whichever page is open.
  const listeners = new Map<string, Set<(data: unknown) => void>>()
  const badge = el('span', 'desk-badge')
  badge.dataset.badge = 'tasks'
  const refreshBadge = () =>
    void getJson('/api/tasks/counts?assignee=me').then(
      (c) => {
        const open = (c as { open?: number }).open ?? 0
        badge.textContent = open > 0 ? String(open) : ''
        badge.hidden = open === 0
      },
      () => undefined,
    )
  openStream({
    onEvent(type, data) {
      if (type === 'task.assigned' && isMine(data as TaskAssigned, me.user)) {
        const a = data as TaskAssigned
        toast(
          dt('live.assigned', { id: a.taskId, title: a.title, due: a.dueDate }),
          'ok',
          deskPath({ page: 'tasks', id: String(a.taskId) }),
        )
        refreshBadge()
      }
      listeners.get(type)?.forEach((fn) => fn(data))
    },
    onState() {},
    onOpen: refreshBadge,
  })

  let current: { page: DeskPage; view: DeskView } | null = null
  let generation = 0

  const ctx: DeskContext = {
    me,
    can,
    navigate(path, opts = {}) {
      if (opts.replace) history.replaceState(null, '', path)
      else history.pushState(null, '', path)
      void route()
    },
    toast,
    today: shanghaiDay(new Date()),
    onLive(type, fn) {
      const set = listeners.get(type) ?? new Set()
      listeners.set(type, set)
      set.add(fn)
      return () => set.delete(fn)
    },
  }

  const renderNav = (active: DeskPage) => {
    nav.replaceChildren(
      ...pages.map((p) => {
        const a = el('a', `desk-nav-link${p === active ? ' is-active' : ''}`, dt(`nav.${p}`))
        a.href = deskPath({ page: p })
        a.dataset.page = p
        if (p === 'tasks') a.append(badge)
        if (p === active) a.setAttribute('aria-current', 'page')
        return a
      }),
    )
  }

  async function route(): Promise<void> {
    const r = parseDeskPath(location.pathname, location.search, home)
    const allowed = pages.includes(r.page)
    const page = allowed ? r.page : home
    if (!location.pathname.startsWith(`/desk/${page}`)) history.replaceState(null, '', deskPath({ page, params: r.params }))
    renderNav(page)
    document.title = `${dt(`nav.${page}`)} · ${dt('desk.title')}`
    if (current?.page === page && current.view.update) {
      current.view.update({ ...r, page })
      return
    }
    const mine = ++generation
    current?.view.destroy()
    current = null
    main.replaceChildren(el('p', 'desk-loading', dt('desk.loading')))
    const mod = await PAGES[page]!()
    if (mine !== generation) return
    const root = el('section', `desk-page desk-page--${page}`)
    root.dataset.page = page
    main.replaceChildren(root)
    current = { page, view: await mod.mount(root, { ...r, page }, ctx) }
  }

  // Links inside the desk move without reloading the page.
  document.addEventListener('click', (e) => {
    const a = (e.target as Element | null)?.closest?.('a')
    if (!a || e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || a.target) return
    const url = new URL(a.href, location.href)
    if (url.origin !== location.origin || !url.pathname.startsWith('/desk')) return
    e.preventDefault()
    ctx.navigate(url.pathname + url.search)
  })
  window.addEventListener('popstate', () => void track(route()))
  // A language switch redraws the whole page in the other language.
  let firstLang = true
  onLangChange((lang) => {
    document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en'
    byId('desk-title').textContent = dt('desk.title')
    byId('desk-maplink').textContent = dt('desk.map')
    byId('desk-lang').textContent = lang === 'zh' ? 'English' : '中文'
    logout.textContent = lang === 'zh' ? '退出' : 'Log out'
    if (firstLang) return
    current?.view.destroy()
    current = null
    void track(route())
  })
  firstLang = false
  await track(route())
}

window.__desk = {
  page: () => parseDeskPath(location.pathname, location.search, 'warnings').page,
  idle,
}

void track(
  start().catch((err: unknown) => {
    main.replaceChildren(el('p', 'desk-error', `${dt('desk.failed')}: ${err instanceof Error ? err.message : String(err)}`))
  }),
)
