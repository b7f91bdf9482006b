import type { Queryable, Tx } from '../db/index.ts'
import { invalidField } from '../shared/errors.ts'
import type { CategoriesResponse, CategoryItem } from './schema.ts'

interface CategoryRow {
  code: string
  parent_code: string | null
  name_zh: string
  name_en: string
  properties: Record<string, unknown>
}

/**
 * The two-level catalogue, categories and their items in sort order.
 * @example (await listCategories(tx))[0] // { code: '01', nameZh: '治安', nameEn: 'Public order', items: [...] }
 */
export async function listCategories(sql: Queryable): Promise<CategoriesResponse> {
  const rows = await sql<CategoryRow[]>`
    SELECT code, parent_code, name_zh, name_en, properties
    FROM incident_categories
    ORDER BY level, sort_order, code`
  const top = rows.filter((r) => r.parent_code === null)
  return top.map((c) => ({
    code: c.code,
    nameZh: c.name_zh,
    nameEn: c.name_en,
    items: rows.filter((r) => r.parent_code === c.code).map(toItem),
  }))
}

/**
 * Maps a catalogue row to its API shape.
 * @example toItem(row) // { code: '0101', nameZh: '入室盗窃', nameEn: 'Residential burglary', properties: { near_repeat: true } }
 */
function toItem(r: CategoryRow): CategoryItem {
  return { code: r.code, nameZh: r.name_zh, nameEn: r.name_en, properties: r.properties }
}

/**
 * Expands category and item codes to the item codes they cover (a category means all its items);
 * unknown codes are a 400 naming `field`, because a silently empty answer hides a typo.
 * @example await expandCategoryCodes(tx, ['01', '0201'], 'query.category') // ['0101', …, '0105', '0201']
 */
export async function expandCategoryCodes(sql: Tx, codes: readonly string[], field: string): Promise<string[]> {
  const rows = await sql<{ code: string; parent_code: string | null }[]>`
    SELECT code, parent_code FROM incident_categories
    WHERE code = ANY(${codes as string[]}::text[]) OR parent_code = ANY(${codes as string[]}::text[])`
  const known = new Set(rows.map((r) => r.code))
  const unknown = codes.filter((c) => !known.has(c))
  if (unknown.length > 0) throw invalidField(field, `unknown category ${unknown.join(', ')}`)
  // Items only: rollups and incidents carry item codes.
  return [...new Set(rows.filter((r) => r.parent_code !== null).map((r) => r.code))].sort()
}
