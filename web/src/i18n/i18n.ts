import { DISTRICT_NAMES_EN, type Lang, LANGS, type StringKey, STRINGS } from './strings.ts'

const STORAGE_KEY = 'onemap.lang'

type Listener = (lang: Lang) => void

let current: Lang = readInitialLang()
const listeners = new Set<Listener>()

function isLang(v: unknown): v is Lang {
  return typeof v === 'string' && (LANGS as readonly string[]).includes(v)
}

/** `?lang=en` wins, then the last choice (localStorage), then Chinese. */
function readInitialLang(): Lang {
  if (typeof location !== 'undefined') {
    const q = new URLSearchParams(location.search).get('lang')
    if (isLang(q)) return q
  }
  try {
    const stored = globalThis.localStorage?.getItem(STORAGE_KEY)
    if (isLang(stored)) return stored
  } catch {
    // Storage can be blocked (private mode, sandboxed frames): fall through to the default.
  }
  return 'zh'
}

export function getLang(): Lang {
  return current
}

/** Looks a UI string up in the current (or a given) language. */
export function t(key: StringKey, lang: Lang = current): string {
  return STRINGS[key][lang]
}

/**
 * A UI string with `{name}` placeholders filled in (a missing value leaves the placeholder).
 * @example tf('stack.title', { n: 3 }) // '此地点 3 起警情'
 */
export function tf(key: StringKey, params: Record<string, string | number>, lang: Lang = current): string {
  return STRINGS[key][lang].replace(/\{(\w+)\}/g, (all, name: string) => (name in params ? String(params[name]) : all))
}

/** A district's name in the current language (English only where the table knows it). */
export function districtName(code: string, zhName: string, lang: Lang = current): string {
  return lang === 'en' ? (DISTRICT_NAMES_EN[code] ?? zhName) : zhName
}

/** Formats a count for the current language, e.g. 123,456. */
export function formatNumber(n: number, lang: Lang = current): string {
  return new Intl.NumberFormat(lang === 'zh' ? 'zh-CN' : 'en-US').format(n)
}

export function setLang(lang: Lang): void {
  if (lang === current) return
  current = lang
  try {
    globalThis.localStorage?.setItem(STORAGE_KEY, lang)
  } catch {
    // Not persisted; the choice still holds for this page.
  }
  for (const l of listeners) l(lang)
}

/** Calls `fn` now and on every language change; returns an unsubscribe function. */
export function onLangChange(fn: Listener): () => void {
  listeners.add(fn)
  fn(current)
  return () => listeners.delete(fn)
}

/** A table's lookup: the string in the current (or given) language, `{name}` placeholders filled. */
export type Lookup<K extends string> = (key: K, params?: Record<string, string | number>, lang?: Lang) => string

/**
 * The lookup of a page's own table of strings (the desk's pages, the phone app), kept beside its code.
 * @example strings({ hi: { zh: '你好 {who}', en: 'Hello {who}' } })('hi', { who: '张三' }) // '你好 张三'
 */
export function strings<K extends string>(table: Readonly<Record<K, Readonly<Record<Lang, string>>>>): Lookup<K> {
  return (key, params = {}, lang = current) =>
    table[key][lang].replace(/\{(\w+)\}/g, (all, name: string) => (name in params ? String(params[name]) : all))
}
