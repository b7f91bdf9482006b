import { z } from 'zod'

import { commaList } from '../shared/list-query.ts'

/**
 * A category code, as the district's own catalogue writes it: letters, digits, `-` and `_`, at
 * most 20 characters (Xiaoshan's `01` and `0101`, another district's `ZA`, `ZA01` or `010100`).
 */
export const CategoryCodeSchema = z.string().regex(/^[A-Za-z0-9_-]{1,20}$/, 'a category code is 1–20 letters, digits, - or _')

/** One level-2 item of the catalogue (e.g. 入室盗窃). */
export const CategoryItemSchema = z.object({
  code: z.string(),
  nameZh: z.string(),
  nameEn: z.string(),
  /** Free-form flags of the item (the demo's near_repeat, dispute, per_capita); models and indicators select by roles (roles.ts), not by these. */
  properties: z.record(z.string(), z.unknown()),
})
export type CategoryItem = z.infer<typeof CategoryItemSchema>

/** One level-1 category with its items, in sort order. */
export const CategorySchema = z.object({
  code: z.string(),
  nameZh: z.string(),
  nameEn: z.string(),
  items: z.array(CategoryItemSchema),
})
export type Category = z.infer<typeof CategorySchema>

/** `GET /api/categories`. */
export const CategoriesResponseSchema = z.array(CategorySchema)
export type CategoriesResponse = z.infer<typeof CategoriesResponseSchema>

/** A comma-separated list of category codes in a query string (`0101,02`). */
export const CategoryListSchema = commaList(CategoryCodeSchema, 'at least one category code')

/** Columns of the catalogue import (`npm run import -- categories FILE.csv`). */
export const CATEGORY_REQUIRED_COLUMNS = ['code', 'name', 'parent_code'] as const
export const CATEGORY_OPTIONAL_COLUMNS = ['name_en'] as const

const blank = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v)

/**
 * One line of the catalogue import: a level-1 category (empty `parent_code`) or a level-2 item
 * naming its level-1 parent. Whether the parent exists is checked against the whole file and the
 * catalogue (server/categories/import-csv.ts). `name_en` defaults to `name`.
 * @example CategoryCsvRowSchema.parse({ code: 'ZA01', name: '入室盗窃', parent_code: 'ZA' }) // { code: 'ZA01', nameZh: '入室盗窃', nameEn: '入室盗窃', parentCode: 'ZA' }
 */
export const CategoryCsvRowSchema = z
  .object({
    code: z.preprocess(blank, z.string({ error: 'code is empty' }).trim().pipe(CategoryCodeSchema)),
    name: z.preprocess(blank, z.string({ error: 'name is empty' }).trim().max(100, 'name is longer than 100 characters')),
    parent_code: z.preprocess(blank, z.string().trim().pipe(CategoryCodeSchema).optional()),
    name_en: z.preprocess(blank, z.string().trim().max(100, 'name_en is longer than 100 characters').optional()),
  })
  .refine((r) => r.parent_code !== r.code, { message: 'a category cannot be its own parent', path: ['parent_code'] })
  .transform((r) => ({ code: r.code, nameZh: r.name, nameEn: r.name_en ?? r.name, parentCode: r.parent_code ?? null }))
export type CategoryCsvRow = z.infer<typeof CategoryCsvRowSchema>
