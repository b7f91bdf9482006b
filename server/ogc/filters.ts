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
 * An equality filter on one column with a fixed set of values (status, level, …).
 * @example enumFilter('status', ['new', 'acknowledged'], (s) => s`w.status`, '状态 (status)')
 */
export function enumFilter(name: string, values: readonly string[], column: SqlPart, description: string): FilterDef {
  return {
    name,
    description: `${description}: one of ${values.join(', ')}; comma-separated for several.`,
    schema: { type: 'string', enum: [...values] },
    async resolve(_sql, raw) {
      const list = parseInput(
        z.object({
          [name]: z
            .string()
            .transform((v) => v.split(','))
            .pipe(z.array(z.enum(values as [string, ...string[]])).min(1)),
        }),
        { [name]: raw },
        'query',
      )[name] as string[]
      return (s) => s`AND ${column(s)} = ANY(${list}::text[])`
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
      const list = parseInput(
        z.object({
          [name]: z
            .string()
            .transform((v) => v.split(','))
            .pipe(z.array(check).min(1)),
        }),
        { [name]: raw },
        'query',
      )[name] as string[]
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
 * "In this area" for a table carrying town, village and grid codes: the area's level picks the column.
 * @example codedAreaFilter('w', 'Warnings in this area')
 */
export function codedAreaFilter(alias: string, description: string): FilterDef {
  return {
    name: 'area',
    description: `${description} (a town, village or grid code; the district code means all).`,
    schema: { type: 'string', pattern: '^\\d{6,20}$' },
    async resolve(sql, raw) {
      const { area } = parseInput(z.object({ area: AreaCodeSchema }), { area: raw }, 'query')
      const ref = await findArea(sql, area)
      const column = { town: 'town_code', village: 'village_code', grid: 'grid_code' }[ref.level as string]
      if (!column) return (s) => s``
      return (s) => s`AND ${s(alias)}.${s(column)} = ${ref.code}`
    },
  }
}
