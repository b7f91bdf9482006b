/** Small form pieces the desk pages share: labelled fields, selects, and the server's refusals shown where they belong. */
import { ApiError, getJson } from '../api/client.ts'
import { el } from '../ui/dom.ts'
import { track } from '../ui/idle.ts'
import { dt } from './strings.ts'

/** A labelled control; `name` becomes the control's name and its `data-field`. */
export function field(label: string, control: HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement, name: string): HTMLLabelElement {
  control.name = name
  const wrap = el('label', 'desk-field')
  wrap.dataset.field = name
  wrap.append(el('span', 'desk-field-label', label), control)
  return wrap
}

/** An input of a type with an optional value. */
export function input(type: string, value = '', attrs: Record<string, string> = {}): HTMLInputElement {
  const i = el('input')
  i.type = type
  i.value = value
  for (const [k, v] of Object.entries(attrs)) i.setAttribute(k, v)
  return i
}

/** A text area. */
export function textarea(value = '', rows = 3): HTMLTextAreaElement {
  const t = el('textarea')
  t.value = value
  t.rows = rows
  return t
}

/** A select of `[value, label]` options with one selected. */
export function select(options: readonly (readonly [string, string])[], selected = ''): HTMLSelectElement {
  const s = el('select')
  for (const [value, label] of options) {
    const o = el('option', '', label)
    o.value = value
    o.selected = value === selected
    s.append(o)
  }
  return s
}

/**
 * A vocabulary as select options, each value with its words.
 * @example options(['open', 'closed'], (v) => v.toUpperCase()) // [['open', 'OPEN'], ['closed', 'CLOSED']]
 */
export const options = <T extends string>(values: readonly T[], label: (v: T) => string) => values.map((v) => [v, label(v)] as const)

interface TownLabel {
  properties: { code: string; name: string }
}

/**
 * The towns a caller can filter by: all of them for district-wide accounts (no area codes), else
 * the towns holding one of their areas (codes nest: 330109001 ⊃ 330109001001).
 * @example townsInScope([['330109001', '城厢街道'], ['330109002', '北干街道']], ['330109002014']) // [['330109002', '北干街道']]
 */
export function townsInScope(towns: readonly (readonly [string, string])[], areaCodes: readonly string[]): (readonly [string, string])[] {
  if (areaCodes.length === 0) return [...towns]
  return towns.filter(([code]) => areaCodes.some((a) => a.startsWith(code)))
}

/**
 * The towns a caller can filter by as select options (code, name), from the town labels the map
 * uses: a town officer is offered their own town, not the district's 22.
 * @example await townOptions(ctx.me.user.areaCodes) // [['330109001', '城厢街道']]
 */
export async function townOptions(areaCodes: readonly string[]): Promise<(readonly [string, string])[]> {
  const labels = (await getJson('/api/boundaries/town/labels.geojson')) as { features?: TownLabel[] }
  return townsInScope(
    (labels.features ?? []).map((f) => [f.properties.code, f.properties.name] as const),
    areaCodes,
  )
}

/** A button; `kind` styles it (primary for the main action, danger for returns and dismissals). */
export function button(text: string, kind: 'primary' | 'plain' | 'danger' = 'plain', action?: string): HTMLButtonElement {
  const b = el('button', `desk-btn desk-btn--${kind}`, text)
  b.type = 'button'
  if (action) b.dataset.action = action
  return b
}

/**
 * What the server said of a refused request, as one line (its details name each bad field).
 * @example refusal(new ApiError('/api/tasks', 400, 'invalid body', { details: [{ where: 'body.due_date', message: 'not a day' }] })) // 'invalid body (body.due_date: not a day)'
 */
export function refusal(err: unknown): string {
  // The same words for "no such record" and "not yours to see": the server never tells them apart.
  if (err instanceof ApiError && err.status === 404) return `${dt('desk.notFound')} (HTTP 404)`
  if (err instanceof ApiError) {
    const details = Array.isArray(err.body.details)
      ? (err.body.details as unknown[])
          .map((d) => (typeof d === 'object' && d && 'where' in d && 'message' in d ? `${String(d.where)}: ${String(d.message)}` : ''))
          .filter(Boolean)
      : []
    return details.length ? `${err.message} (${details.join('; ')})` : err.message
  }
  return err instanceof Error ? err.message : String(err)
}

/** Disables a form's controls while `work` runs, then enables them again. */
export async function busy<T>(form: HTMLElement, work: () => Promise<T>): Promise<T> {
  const controls = [...form.querySelectorAll<HTMLButtonElement | HTMLInputElement>('button, input, select, textarea')]
  const before = controls.map((c) => c.disabled)
  controls.forEach((c) => (c.disabled = true))
  try {
    return await work()
  } finally {
    controls.forEach((c, i) => (c.disabled = before[i]!))
  }
}

/**
 * An inline form under a record's actions, one at a time in `pane`: its fields, the confirming
 * button and a cancel that removes it. On confirm `submit` runs with the controls disabled; what it
 * throws (a check of its own, or the server's refusal) is shown as a toast in those words.
 */
export function inlineForm(
  pane: HTMLElement,
  name: string,
  fields: readonly Node[],
  confirm: { text: string; kind?: 'primary' | 'danger'; action?: string },
  submit: () => Promise<void>,
  toast: (text: string, kind: 'error') => void,
): HTMLFormElement {
  pane.querySelector('.desk-inline-form')?.remove()
  const form = el('form', 'desk-inline-form')
  form.dataset.form = name
  const ok = button(confirm.text, confirm.kind ?? 'primary', confirm.action ?? 'confirm')
  ok.type = 'submit'
  const cancel = button(dt('desk.cancel'))
  cancel.addEventListener('click', () => form.remove())
  form.append(...fields, ok, cancel)
  form.addEventListener('submit', (e) => {
    e.preventDefault()
    void track(busy(form, () => submit().catch((err: unknown) => toast(refusal(err), 'error'))))
  })
  return form
}
