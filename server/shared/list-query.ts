/**
 * Building blocks of list queries (`GET /api/…?status=…&from=…&limit=…&cursor=…`) and of the day
 * fields of bodies, as zod schemas. Domains compose them in their own `schema.ts`, so every list
 * answers the same wording for the same mistake, and the web app checks its inputs with the same
 * schemas. Messages name no field: parseInput puts the field in front (`query.limit: …`).
 * Instants and bboxes belong to incidents (server/incidents/query-schema.ts), whose lists set them.
 */
import { z } from 'zod'

/**
 * A calendar day, YYYY-MM-DD (Asia/Shanghai), in a body or a query string.
 * @example DayInputSchema.parse('2026-10-01') // '2026-10-01'
 */
export const DayInputSchema = z.iso.date({ error: 'a date YYYY-MM-DD' })

/**
 * False for an empty or reversed `from`/`to` (either absent is fine); works on days and instants.
 * @example fromBeforeTo({ from: '2026-10-02', to: '2026-10-01' }) // false
 */
export function fromBeforeTo(q: { from?: string | Date | undefined; to?: string | Date | undefined }): boolean {
  return q.from === undefined || q.to === undefined || q.from < q.to
}

/** The refinement's wording, on `to`: `.refine(fromBeforeTo, FROM_BEFORE_TO)`. */
export const FROM_BEFORE_TO = { message: '`to` must be after `from` (it is exclusive)', path: ['to'] }

/**
 * A comma-separated list in a query string (`a,b, c`), blanks dropped, each value checked by
 * `item`; an empty list says `emptyMessage`.
 * @example commaList(z.string().regex(/^\d+$/), 'give at least one id').parse('1, 2,') // ['1', '2']
 */
export function commaList<T extends z.ZodType<unknown, string>>(item: T, emptyMessage: string) {
  return z
    .string()
    .transform((s) =>
      s
        .split(',')
        .map((x) => x.trim())
        .filter((x) => x !== ''),
    )
    .pipe(z.array(item).min(1, emptyMessage))
}

/**
 * A comma-separated list of enum values in a query string.
 * @example enumList(z.enum(['new', 'tasked'])).parse('new,tasked') // ['new', 'tasked']
 */
export function enumList<C extends string>(schema: z.ZodEnum<{ [K in C]: K }>) {
  return commaList(schema, 'give at least one value')
}

/**
 * `true`/`false` (also 1/0, yes/no, on/off) in a query string.
 * @example QueryBoolSchema.parse('yes') // true
 */
export const QueryBoolSchema = z.stringbool({ error: 'true or false' })

/**
 * A keyset cursor: the numeric id of the last row of the previous page (its `next`).
 * @example IdCursorSchema.parse('1234') // '1234'
 */
export const IdCursorSchema = z.string().regex(/^\d{1,18}$/, 'the `next` value of the previous page')

/**
 * A page size in a query string: a whole number from 1 to `max`, `fallback` when absent.
 * @example listLimit(500, 50).parse(undefined) // 50
 */
export function listLimit(max: number, fallback: number) {
  return z.coerce.number().int().min(1).max(max).default(fallback)
}

/** The usual page size of lists: 1–1,000, 100 by default. */
export const ListLimitSchema = listLimit(1000, 100)
