/**
 * HTML and SVG built from text safely: every interpolated value is escaped unless it is markup
 * this module made (SafeHtml). Area names, task titles and warning texts come from users and
 * imports, so nothing reaches the page unescaped by accident.
 */

/** Markup that is already safe (built by `html`, or an escaped value). */
export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value
  }
}

/** What may be interpolated: text and numbers are escaped, SafeHtml goes in as it is. */
export type HtmlValue = string | number | boolean | null | undefined | SafeHtml | readonly HtmlValue[]

const ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }

/**
 * Escapes text for element content and quoted attribute values (HTML and XML/SVG alike).
 * @example escapeHtml('<b title="x">&</b>') // '&lt;b title=&quot;x&quot;&gt;&amp;&lt;/b&gt;'
 */
export function escapeHtml(text: string): string {
  // Control characters other than tab and newlines are not allowed in XML (SVG inline must stay well-formed).
  // eslint-disable-next-line no-control-regex -- they are what it removes
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]!).replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '')
}

/**
 * One interpolated value as markup: arrays are joined, null/undefined/false are empty.
 * @example render(['a', new SafeHtml('<br>')]) // 'a<br>'
 */
function render(v: HtmlValue): string {
  if (v instanceof SafeHtml) return v.value
  if (Array.isArray(v)) return v.map(render).join('')
  if (v === null || v === undefined || v === false) return ''
  return escapeHtml(String(v))
}

/**
 * The template tag: `html\`<td>${name}</td>\`` escapes `name`.
 * @example html`<p>${'<script>'}</p>`.value // '<p>&lt;script&gt;</p>'
 */
export function html(strings: TemplateStringsArray, ...values: readonly HtmlValue[]): SafeHtml {
  let out = strings[0]!
  values.forEach((v, i) => {
    out += render(v) + strings[i + 1]!
  })
  return new SafeHtml(out)
}

/**
 * A number for display: fixed decimals, '—' for null.
 * @example fmt(2.5, 2) // '2.50'
 */
export function fmt(x: number | null | undefined, decimals = 0): string {
  return x === null || x === undefined || !Number.isFinite(x) ? '—' : x.toFixed(decimals)
}

/**
 * A signed change for display: '+1.5', '−2', '0', '—'.
 * @example signed(-2, 0) // '−2'
 */
export function signed(x: number | null | undefined, decimals = 0): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '—'
  const s = Math.abs(x).toFixed(decimals)
  return x > 0 ? `+${s}` : x < 0 ? `−${s}` : s
}
