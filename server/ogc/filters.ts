/**
 * Filter builders shared by the collection registries (collections.ts and the full view's
 * fullview-collections.ts): equality on a fixed set of values or on a property, the town, village
 * and grid code columns, and "in this area" by the area's level.
 */
import { z } from 'zod'

import { AreaCodeSchema } from '../areas/schema.ts'
import { parseInput } from '../http/errors.ts'
import { findArea } from '../stats/queries.ts'
import type { FilterDef, JsonSchema, SqlPart } from './collections.ts'

/**
 * A filter's comma-separated values, each checked by `each` (a 400 naming `query.<name>` otherwise).
 * @example listValues('status', 'new,acknowledged', z.enum(['new', 'acknowledged'])) // ['new', 'acknowledged']
 */
function listValues(name: string, raw: string, each: z.ZodType<string, string>): string[] {
  const schema = z.object({
    [name]: z
      .string()
      .transform((v) => v.split(','))
      .pipe(z.array(each).min(1)),
  })
  return parseInput(schema, { [name]: raw }, 'query')[name] as string[]
}

/**
 * An equality filter on one column with a fixed set of values (status, level, …).
 * @example enumFilter('status', ['new', 'acknowledged'], (s) => s`w.status`, '状态 (status)')
 */
export function enumFilter(name: string, values: readonly string[], column: SqlPart, description: string): FilterDef {
  return {
    name,
    description: `${description}: one of ${values.join(', ')}; comma-separated for several.`,
    schema: { type: 'string', enum: [...values] },
    async resolve(_sql, raw) {
      const list = listValues(name, raw, z.enum(values as [string, ...string[]]))
      return (s) => s`AND ${column(s)} = ANY(${list}::text[])`
    },
  }
}

/**
 * A filter on a text-array column with a fixed set of values: rows holding any of those given.
 * @example anyOfFilter('risk', ['gas', 'catering'], (s) => s`o.risk_categories`, 'Risk category')
 */
export function anyOfFilter(name: string, values: readonly string[], column: SqlPart, description: string): FilterDef {
  return {
    name,
    description: `${description}: rows with any of these (${values.join(', ')}); comma-separated.`,
    schema: { type: 'string' },
    async resolve(_sql, raw) {
      const list = listValues(name, raw, z.enum(values as [string, ...string[]]))
      return (s) => s`AND ${column(s)} && ${list}::text[]`
    },
  }
}

/**
 * An equality filter on a property (GDAL and QGIS push `-where "prop = 'v'"` down as `?prop=v`
 * when the items path lists a parameter of the property's name): one value, or several
 * comma-separated, each checked against `value`.
 * @example equalsFilter('source', (s) => s`i.source`, 'Reporting source', { type: 'string', maxLength: 200 })
 */
export function equalsFilter(name: string, column: SqlPart, description: string, value: JsonSchema & { type: 'string' }): FilterDef {
  let check = z.string().min(1)
  if (typeof value.pattern === 'string') check = check.regex(new RegExp(value.pattern), `does not match ${String(value.pattern)}`)
  if (typeof value.maxLength === 'number') check = check.max(value.maxLength)
  return {
    name,
    description: `${description}: equal to this value; comma-separated for any of several.`,
    schema: value,
    async resolve(_sql, raw) {
      const list = listValues(name, raw, check)
      return (s) => s`AND ${column(s)} = ANY(${list}::text[])`
    },
  }
}

/**
 * Equality on the town, village and grid code columns of a table (`townCode=330109001`).
 * @example areaCodeFilters('i').map((f) => f.name) // ['townCode', 'villageCode', 'gridCode']
 */
export function areaCodeFilters(alias: string): FilterDef[] {
  return (['town', 'village', 'grid'] as const).map((level) =>
    equalsFilter(`${level}Code`, (s) => s`${s(alias)}.${s(`${level}_code`)}`, `${level[0]!.toUpperCase()}${level.slice(1)} code`, {
      type: 'string',
      pattern: '^\\d{6,20}$',
    }),
  )
}

/**
 * "In this area", the area's level picking the column: a table carrying one town, village and grid
 * code (`codes`: town_code …), or one listing the areas a line passed through (`crossed`:
 * town_codes … of a patrol).
 * @example codedAreaFilter('w', 'Warnings in this area')
 * @example codedAreaFilter('p', 'Patrols whose track passed through this area', 'crossed')
 */
export function codedAreaFilter(alias: string, description: string, columns: 'codes' | 'crossed' = 'codes'): FilterDef {
  return {
    name: 'area',
    description: `${description} (a town, village or grid code; the district code means all).`,
    schema: { type: 'string', pattern: '^\\d{6,20}$' },
    async resolve(sql, raw) {
      const { area } = parseInput(z.object({ area: AreaCodeSchema }), { area: raw }, 'query')
      const ref = await findArea(sql, area)
      const level = ref.level as string
      if (level !== 'town' && level !== 'village' && level !== 'grid') return (s) => s``
      if (columns === 'crossed') return (s) => s`AND ${ref.code}::text = ANY(${s(alias)}.${s(`${level}_codes`)})`
      return (s) => s`AND ${s(alias)}.${s(`${level}_code`)} = ${ref.code}`
    },
  }
}
