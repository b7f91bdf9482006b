/** The two-level category filter (GET /api/categories): categories with their items, as checkboxes. */
import type { CategoriesResponse } from '../api/map-api.ts'
import { getLang, onLangChange, t } from '../i18n/i18n.ts'
import { compactCategories, expandCategories } from '../state/categories.ts'
import { el } from './dom.ts'

export interface CategoriesPanel {
  setSelected(codes: readonly string[]): void
}

/** Mounts the category tree in `root`; `onChange` gets the compact code list ([] = all). */
export function mountCategoriesPanel(
  root: HTMLElement,
  catalogue: CategoriesResponse,
  initial: readonly string[],
  onChange: (codes: string[]) => void,
): CategoriesPanel {
  let checked = expandCategories(catalogue, initial)
  const details = el('details', 'categories')
  const open = new Set<string>()

  const emit = () => onChange(compactCategories(catalogue, checked))

  const render = () => {
    const wasOpen = details.open
    details.replaceChildren()
    const summary = el('summary', 'panel-title')
    const codes = compactCategories(catalogue, checked)
    summary.textContent = `${t('filters.categories')} · ${codes.length === 0 ? t('filters.allCategories') : codes.length}`
    details.append(summary)
    const all = el('button', 'linkish', t('filters.allCategories'))
    all.type = 'button'
    all.addEventListener('click', () => {
      checked = expandCategories(catalogue, [])
      emit()
      render()
    })
    details.append(all)
    const name = (c: { nameZh: string; nameEn: string }) => (getLang() === 'zh' ? c.nameZh : c.nameEn)
    for (const c of catalogue) {
      const group = el('div', 'cat-group')
      const head = el('label', 'cat-group__head')
      const box = el('input')
      box.type = 'checkbox'
      box.value = c.code
      const on = c.items.filter((i) => checked.has(i.code)).length
      box.checked = on === c.items.length
      box.indeterminate = on > 0 && on < c.items.length
      box.addEventListener('change', () => {
        for (const i of c.items) box.checked ? checked.add(i.code) : checked.delete(i.code)
        emit()
        render()
      })
      const toggle = el('button', 'cat-group__toggle', open.has(c.code) ? '▾' : '▸')
      toggle.type = 'button'
      toggle.addEventListener('click', (e) => {
        e.preventDefault()
        open.has(c.code) ? open.delete(c.code) : open.add(c.code)
        render()
      })
      head.append(box, el('span', '', name(c)))
      group.append(toggle, head)
      if (open.has(c.code)) {
        const items = el('div', 'cat-items')
        for (const i of c.items) {
          const row = el('label', 'cat-item')
          const ib = el('input')
          ib.type = 'checkbox'
          ib.value = i.code
          ib.checked = checked.has(i.code)
          ib.addEventListener('change', () => {
            ib.checked ? checked.add(i.code) : checked.delete(i.code)
            emit()
            render()
          })
          row.append(ib, el('span', '', name(i)))
          items.append(row)
        }
        group.append(items)
      }
      details.append(group)
    }
    details.open = wasOpen
  }
  root.replaceChildren(details)
  onLangChange(render)

  return {
    setSelected(codes) {
      checked = expandCategories(catalogue, codes)
      render()
    },
  }
}
