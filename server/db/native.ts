import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'

import postgres from 'postgres'

import { toCopyCsv } from './copy-csv.ts'
import type { CopyValue } from './types.ts'

const COPY_CHUNK_ROWS = 5_000

/** Connects postgres.js to a native PostgreSQL + PostGIS server. */
export function openNative(url: string, max = 10) {
  const sql = postgres(url, { max, onnotice: () => {}, connect_timeout: 15 })

  /** Bulk-loads rows with COPY FROM STDIN, streaming CSV in chunks (constant memory). */
  async function copyIn(table: string, columns: readonly string[], rows: Iterable<readonly CopyValue[]>): Promise<number> {
    let total = 0
    function* chunks() {
      let chunk: (readonly CopyValue[])[] = []
      for (const row of rows) {
        chunk.push(row)
        if (chunk.length >= COPY_CHUNK_ROWS) {
          total += chunk.length
          yield toCopyCsv(chunk)
          chunk = []
        }
      }
      total += chunk.length
      if (chunk.length) yield toCopyCsv(chunk)
    }
    const target = await sql`COPY ${sql(table)} (${sql([...columns])}) FROM STDIN WITH (FORMAT csv)`.writable()
    await pipeline(Readable.from(chunks()), target)
    return total
  }

  return { sql, copyIn, close: () => sql.end({ timeout: 5 }) }
}
