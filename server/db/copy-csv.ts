import { stringify } from 'csv-stringify/sync'

import type { CopyValue } from './types.ts'

/**
 * Formats an array as a PostgreSQL array literal (elements always double-quoted).
 * @example pgArrayLiteral(['a', 'b"c']) // '{"a","b\\"c"}'
 */
export function pgArrayLiteral(values: readonly (string | number)[]): string {
  const items = values.map((v) => `"${String(v).replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`)
  return `{${items.join(',')}}`
}

/**
 * Encodes rows as CSV for `COPY … WITH (FORMAT csv)`: null/undefined → unquoted empty (NULL),
 * strings always quoted (so '' stays an empty string), arrays → array literals, dates → ISO 8601.
 * @example toCopyCsv([[1, 'a', null]]) // '1,"a",\n'
 */
export function toCopyCsv(rows: Iterable<readonly CopyValue[]>): string {
  const prepared: unknown[][] = []
  for (const row of rows) {
    prepared.push(row.map((v) => (Array.isArray(v) ? pgArrayLiteral(v) : v)))
  }
  return stringify(prepared, {
    quoted_string: true,
    cast: {
      date: (d: Date) => d.toISOString(),
      boolean: (b: boolean) => (b ? 't' : 'f'),
      bigint: (b: bigint) => b.toString(),
    },
  })
}
