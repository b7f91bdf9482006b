/**
 * The geocoding service: keeps the name dictionary in memory and reloads it when the address
 * base changes (app_meta.address_base_version, bumped by every import), then runs the cascade.
 */
import type { Db, Scope } from '../db/index.ts'
import { SYSTEM_SCOPE } from '../db/index.ts'
import { loadNameDictionary, type NameDictionary } from './dictionary.ts'
import { matchBatch, type MatchInput, type MatchOptions, type MatchOutput } from './match.ts'

/** How often (ms) a busy geocoder asks whether the address base changed. */
const VERSION_CHECK_MS = 2_000
/** Queries per SQL round: bounds statement size on both database kinds. */
const CHUNK = 2_000

export interface Geocoder {
  /** Geocodes queries in input order. */
  geocode(inputs: readonly MatchInput[], opts?: MatchOptions & { scope?: Scope }): Promise<MatchOutput[]>
  /** The current dictionary (loaded on first use). */
  dictionary(): Promise<NameDictionary>
  /** Forgets the dictionary so the next call reloads it. */
  invalidate(): void
}

/**
 * A geocoder over a database.
 * @example const g = createGeocoder(db); const [m] = await g.geocode([{ address: '北干金城路438号' }])
 */
export function createGeocoder(db: Db): Geocoder {
  let dict: NameDictionary | null = null
  let version: unknown = null
  let checkedAt = 0
  let loading: Promise<NameDictionary> | null = null

  async function currentVersion(): Promise<unknown> {
    const [row] = await db.sql<{ value: unknown }[]>`SELECT value FROM app_meta WHERE key = 'address_base_version'`
    return row?.value ?? null
  }

  async function dictionary(): Promise<NameDictionary> {
    const now = Date.now()
    if (dict && now - checkedAt < VERSION_CHECK_MS) return dict
    if (loading) return loading
    loading = (async () => {
      const v = await currentVersion()
      checkedAt = Date.now()
      if (!dict || JSON.stringify(v) !== JSON.stringify(version)) {
        dict = await loadNameDictionary(db.sql)
        version = v
      }
      return dict
    })()
    try {
      return await loading
    } finally {
      loading = null
    }
  }

  return {
    dictionary,
    invalidate() {
      dict = null
    },
    async geocode(inputs, opts = {}) {
      const d = await dictionary()
      const chunks: (readonly MatchInput[])[] = []
      for (let i = 0; i < inputs.length; i += CHUNK) chunks.push(inputs.slice(i, i + CHUNK))
      const one = (chunk: readonly MatchInput[]) =>
        db.withScope(opts.scope ?? SYSTEM_SCOPE, (tx) => matchBatch(tx, d, chunk, { outCrs: opts.outCrs, candidates: opts.candidates }))
      // Two chunks in flight: while the database probes one, this thread parses and ranks the
      // other (on the embedded database, with its one connection, they simply take turns).
      const done: MatchOutput[][] = new Array(chunks.length)
      let next = 0
      const worker = async () => {
        while (next < chunks.length) {
          const k = next++
          done[k] = await one(chunks[k]!)
        }
      }
      await Promise.all([worker(), worker()])
      return done.flat()
    },
  }
}
