/**
 * A form generated from a zod schema (through its JSON Schema, `z.toJSONSchema`): objects become
 * fieldsets, numbers number inputs with their bounds, enums selects, enum lists checkboxes,
 * booleans checkboxes, discriminated unions a select of their variants. The same zod schema then
 * checks what the form holds, so a person never edits raw JSON and sees each refusal at its field.
 */
import { el } from '../ui/dom.ts'

type Path = readonly string[]

/** One field of a generated form. */
export type FieldSpec =
  | { kind: 'object'; path: Path; fields: FieldSpec[] }
  | { kind: 'number'; path: Path; integer: boolean; min?: number; max?: number }
  | { kind: 'text'; path: Path; maxLength?: number; long: boolean }
  | { kind: 'enum'; path: Path; options: string[] }
  | { kind: 'bool'; path: Path }
  | { kind: 'multi'; path: Path; options: string[] }
  | { kind: 'list'; path: Path }
  | { kind: 'const'; path: Path; value: unknown }
  | { kind: 'union'; path: Path; key: string; variants: { value: string; spec: Extract<FieldSpec, { kind: 'object' }> }[] }
  | { kind: 'json'; path: Path }

type Json = Record<string, unknown>
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v)

/**
 * The form's fields for a JSON Schema node (the subset zod writes).
 * @example fieldSpec({ type: 'object', properties: { n: { type: 'integer', minimum: 1 } } }, []) // { kind: 'object', path: [], fields: [{ kind: 'number', path: ['n'], integer: true, min: 1 }] }
 */
export function fieldSpec(node: unknown, path: Path): FieldSpec {
  if (!isObj(node)) return { kind: 'json', path }
  if ('const' in node) return { kind: 'const', path, value: node.const }
  const variants = (node.oneOf ?? node.anyOf) as unknown[] | undefined
  if (Array.isArray(variants)) {
    // A discriminated union: every variant an object with one `const` property in common.
    const objects = variants.filter(isObj).filter((v) => isObj(v.properties))
    const key =
      objects.length === variants.length
        ? Object.keys((objects[0]!.properties as Json) ?? {}).find((k) =>
            objects.every((o) => isObj((o.properties as Json)[k]) && 'const' in ((o.properties as Json)[k] as Json)),
          )
        : undefined
    if (!key) return { kind: 'json', path }
    return {
      kind: 'union',
      path,
      key,
      variants: objects.map((o) => ({
        value: String(((o.properties as Json)[key] as Json).const),
        spec: fieldSpec(o, path) as Extract<FieldSpec, { kind: 'object' }>,
      })),
    }
  }
  switch (node.type) {
    case 'object': {
      const props = isObj(node.properties) ? node.properties : {}
      return { kind: 'object', path, fields: Object.entries(props).map(([k, v]) => fieldSpec(v, [...path, k])) }
    }
    case 'integer':
    case 'number': {
      const min =
        typeof node.minimum === 'number' ? node.minimum : typeof node.exclusiveMinimum === 'number' ? node.exclusiveMinimum : undefined
      const max =
        typeof node.maximum === 'number' ? node.maximum : typeof node.exclusiveMaximum === 'number' ? node.exclusiveMaximum : undefined
      return {
        kind: 'number',
        path,
        integer: node.type === 'integer',
        ...(min === undefined ? {} : { min }),
        ...(max === undefined ? {} : { max }),
      }
    }
    case 'string':
      if (Array.isArray(node.enum)) return { kind: 'enum', path, options: node.enum.map(String) }
      return {
        kind: 'text',
        path,
        long: typeof node.maxLength === 'number' && node.maxLength > 200,
        ...(typeof node.maxLength === 'number' ? { maxLength: node.maxLength } : {}),
      }
    case 'boolean':
      return { kind: 'bool', path }
    case 'array': {
      const items = isObj(node.items) ? node.items : {}
      if (items.type === 'string' && Array.isArray(items.enum)) return { kind: 'multi', path, options: items.enum.map(String) }
      if (items.type === 'string') return { kind: 'list', path }
      return { kind: 'json', path }
    }
    default:
      return { kind: 'json', path }
  }
}

/**
 * The value at a path of an object.
 * @example valueAt({ a: { b: 2 } }, ['a', 'b']) // 2
 */
export function valueAt(v: unknown, path: Path): unknown {
  let cur = v
  for (const k of path) cur = isObj(cur) ? cur[k] : undefined
  return cur
}

/** How a field's path is written in a control's name and in the server's `details[].where`. */
export const pathName = (path: Path): string => path.join('.')

/** A generated form: its element, what it holds now, and refusals placed at their fields. */
export interface SchemaForm {
  element: HTMLElement
  value(): Json
  /** Shows messages at the fields they name (paths relative to the form's value); clears the rest. */
  showIssues(issues: readonly { path: Path; message: string }[]): void
}

/** Renders `spec` filled with `initial`; `label` names a field from its path. */
export function renderSchemaForm(spec: FieldSpec, initial: unknown, label: (path: Path) => string): SchemaForm {
  const readers: Reader[] = []
  const element = render(spec, initial, label, readers)
  return {
    element,
    value() {
      const out: Json = {}
      for (const [path, v] of readers.flatMap((read) => read())) {
        let cur = out
        path.slice(0, -1).forEach((k) => (cur = (isObj(cur[k]) ? cur[k] : (cur[k] = {})) as Json))
        if (path.length) cur[path[path.length - 1]!] = v
      }
      return out
    },
    showIssues(issues) {
      element.querySelectorAll('.desk-field-error').forEach((n) => n.remove())
      element.querySelectorAll('.has-error').forEach((n) => n.classList.remove('has-error'))
      for (const issue of issues) {
        // The deepest field the path reaches (a refinement may name an object).
        for (let n = issue.path.length; n >= 0; n--) {
          const field = element.querySelector(`[data-field="${CSS.escape(pathName(issue.path.slice(0, n)))}"]`)
          if (!field) continue
          field.classList.add('has-error')
          field.append(el('span', 'desk-field-error', issue.message))
          break
        }
      }
    },
  }
}

/** Reads a field: the values it holds, each at its path (none for a blank optional field). */
type Reader = () => [Path, unknown][]

function render(spec: FieldSpec, initial: unknown, label: (path: Path) => string, readers: Reader[]): HTMLElement {
  const name = pathName(spec.path)
  const wrap = (control: HTMLElement, cls = 'desk-field') => {
    const box = el('label', cls)
    box.dataset.field = name
    box.append(el('span', 'desk-field-label', label(spec.path)), control)
    return box
  }
  switch (spec.kind) {
    case 'object': {
      const fs = el('fieldset', 'desk-fieldset')
      fs.dataset.field = name
      if (spec.path.length) fs.append(el('legend', '', label(spec.path)))
      for (const f of spec.fields) fs.append(render(f, valueAt(initial, f.path.slice(spec.path.length)), label, readers))
      return fs
    }
    case 'number': {
      const i = el('input')
      i.type = 'number'
      i.name = name
      i.step = spec.integer ? '1' : 'any'
      if (spec.min !== undefined) i.min = String(spec.min)
      if (spec.max !== undefined) i.max = String(spec.max)
      i.value = typeof initial === 'number' ? String(initial) : ''
      readers.push(() => (i.value === '' ? [] : [[spec.path, Number(i.value)]]))
      return wrap(i)
    }
    case 'text': {
      const i = spec.long ? el('textarea') : el('input')
      i.name = name
      if (spec.maxLength) i.maxLength = spec.maxLength
      i.value = typeof initial === 'string' ? initial : ''
      readers.push(() => [[spec.path, i.value]])
      return wrap(i)
    }
    case 'enum': {
      const s = el('select')
      s.name = name
      for (const o of spec.options) s.append(Object.assign(el('option', '', o), { value: o, selected: o === initial }))
      readers.push(() => [[spec.path, s.value]])
      return wrap(s)
    }
    case 'bool': {
      const c = el('input')
      c.type = 'checkbox'
      c.name = name
      c.checked = initial === true || initial === undefined
      readers.push(() => [[spec.path, c.checked]])
      return wrap(c, 'desk-field desk-field--check')
    }
    case 'multi': {
      const box = el('div', 'desk-multi')
      const on = new Set(Array.isArray(initial) ? initial.map(String) : [])
      const boxes = spec.options.map((o) => {
        const c = el('input')
        c.type = 'checkbox'
        c.value = o
        c.name = name
        c.checked = on.has(o)
        const l = el('label', 'desk-chip')
        l.append(c, el('span', '', o))
        box.append(l)
        return c
      })
      readers.push(() => [[spec.path, boxes.filter((b) => b.checked).map((b) => b.value)]])
      return wrap(box)
    }
    case 'list': {
      const i = el('input')
      i.name = name
      i.value = Array.isArray(initial) ? initial.join(', ') : ''
      readers.push(() => [
        [
          spec.path,
          i.value
            .split(/[,，\s]+/)
            .map((s) => s.trim())
            .filter(Boolean),
        ],
      ])
      return wrap(i)
    }
    case 'const': {
      readers.push(() => [[spec.path, spec.value]])
      return wrap(el('span', 'desk-const', String(spec.value)))
    }
    case 'union': {
      const box = el('fieldset', 'desk-fieldset')
      box.dataset.field = name
      if (spec.path.length) box.append(el('legend', '', label(spec.path)))
      const current = String(valueAt(initial, [spec.key]) ?? spec.variants[0]?.value ?? '')
      const s = el('select')
      s.name = pathName([...spec.path, spec.key])
      for (const v of spec.variants) s.append(Object.assign(el('option', '', v.value), { value: v.value, selected: v.value === current }))
      const sub = el('div')
      let subReaders: Reader[] = []
      const draw = () => {
        const variant = spec.variants.find((v) => v.value === s.value)
        subReaders = []
        sub.replaceChildren()
        if (!variant) return
        // Another variant starts from its defaults, not from the first one's values.
        const from = s.value === current ? initial : undefined
        for (const f of variant.spec.fields.filter((f) => f.path[f.path.length - 1] !== spec.key))
          sub.append(render(f, valueAt(from, f.path.slice(spec.path.length)), label, subReaders))
      }
      s.addEventListener('change', draw)
      draw()
      readers.push(() => [[[...spec.path, spec.key], s.value], ...subReaders.flatMap((r) => r())])
      const k = el('label', 'desk-field')
      k.dataset.field = pathName([...spec.path, spec.key])
      k.append(el('span', 'desk-field-label', label([...spec.path, spec.key])), s)
      box.append(k, sub)
      return box
    }
    case 'json': {
      const t = el('textarea')
      t.name = name
      t.rows = 3
      t.value = initial === undefined ? '' : JSON.stringify(initial)
      readers.push(() => {
        if (!t.value.trim()) return []
        try {
          return [[spec.path, JSON.parse(t.value) as unknown]]
        } catch {
          return [[spec.path, t.value]]
        }
      })
      return wrap(t)
    }
  }
}
