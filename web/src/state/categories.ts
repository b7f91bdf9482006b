/** The two-level category filter: which codes the checkboxes stand for. */
import type { Category } from '../../../server/shared/api.ts'

/**
 * The shortest code list for a set of checked item codes: a category whose items are all
 * checked becomes its 2-digit code; all checked (or none) is the empty list, meaning "all".
 */
export function compactCategories(catalogue: readonly Category[], checkedItems: ReadonlySet<string>): string[] {
  const out: string[] = []
  let everything = true
  for (const c of catalogue) {
    const items = c.items.map((i) => i.code)
    const on = items.filter((code) => checkedItems.has(code))
    if (on.length === items.length && items.length > 0) out.push(c.code)
    else {
      everything = false
      out.push(...on)
    }
  }
  return everything || out.length === 0 ? [] : out
}

/** The item codes a code list stands for (the empty list = every item). */
export function expandCategories(catalogue: readonly Category[], codes: readonly string[]): Set<string> {
  const all = codes.length === 0
  const chosen = new Set(codes)
  const out = new Set<string>()
  for (const c of catalogue) {
    for (const i of c.items) if (all || chosen.has(c.code) || chosen.has(i.code)) out.add(i.code)
  }
  return out
}
