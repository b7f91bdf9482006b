import { z } from 'zod'

/** A category code: two digits for a level-1 category (`01`), four for an item (`0101`). */
export const CategoryCodeSchema = z.string().regex(/^\d{2}(\d{2})?$/, 'a category code is 2 (category) or 4 (item) digits')

/** One level-2 item of the catalogue (e.g. 入室盗窃). */
export const CategoryItemSchema = z.object({
  code: z.string(),
  nameZh: z.string(),
  nameEn: z.string(),
  /** Family flags the warning models select by (near_repeat, dispute, per_capita). */
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
export const CategoryListSchema = z
  .string()
  .transform((s) => s.split(',').map((c) => c.trim()).filter((c) => c !== ''))
  .pipe(z.array(CategoryCodeSchema).min(1, 'at least one category code'))
