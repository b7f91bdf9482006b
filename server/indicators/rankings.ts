/**
 * The 红黄黑 list per month (晾晒排名), published live: the current month is computed on request
 * from current data (cached briefly, per config version); a past month is computed once per
 * config version and stored as a snapshot (`refresh` recomputes it, e.g. after late imports).
 * Indicators that are not configured (their category role unbound) weigh nothing: the score is
 * the weighted mean over the configured ones, and the answer lists each weight with its state. A
 * snapshot is reused only while its indicators count the same items (a new catalogue or role
 * binding recomputes it).
 */
import crypto from 'node:crypto'

import { LRUCache } from 'lru-cache'

import type { Db, Tx } from '../db/index.ts'
import { SYSTEM_SCOPE } from '../db/index.ts'
import type { BareValue } from './compute.ts'
import { round } from './compute.ts'
import { currentRankingConfig } from './config-store.ts'
import { currentDefinitions, levelValues } from './indicators.ts'
import { addMonths, type Month, monthWindow } from './month.ts'
import { levelAreas } from './queries.ts'
import {
  type IndicatorDefinition,
  type IndicatorId,
  type RankedArea,
  type RankingConfig,
  type RankingIndicator,
  type RankingResponse,
  RankingResponseSchema,
  type RankLevel,
} from './schema.ts'
import { scoreAreas } from './scoring.ts'
import { rankingWindow } from './steady.ts'
import { meaningfulMove, measuredValues, STEADY_RULE, steadyValues } from './steady.ts'
import { assessmentsKey } from './view-queries.ts'

/** The ranking method's version (steadied villages, statistics-only units apart, 双十条): older snapshots are recomputed. */
export const RANKING_METHOD = 3

/** What a month's ranking is made of before the comparison with the previous month. */
interface CoreRow {
  code: string
  name: string
  parentCode: string | null
  score: number | null
  rank: number | null
  colour: RankedArea['colour']
  values: Record<IndicatorId, number | null>
  rawValues: Record<IndicatorId, number | null>
  parts: Record<string, number | null>
  statisticsOnly: boolean
}

/**
 * The configuration's indicators as a ranking uses them: weight, configured or why not, items.
 * @example rankingIndicators(config, defs).find((i) => i.id === 'fires_per_10k') // { weight: 10, configured: false, reason: 'role fire (火灾) is not bound to any category', items: [] }
 */
export function rankingIndicators(config: RankingConfig, defs: readonly IndicatorDefinition[]): RankingIndicator[] {
  const byId = new Map(defs.map((d) => [d.id, d]))
  return config.indicators.map((w) => {
    const d = byId.get(w.id)
    return {
      id: w.id,
      weight: w.weight,
      configured: d?.configured ?? false,
      reason: d ? d.reason : `unknown indicator ${w.id}`,
      items: d?.items ?? [],
    }
  })
}

/**
 * The configuration without its unconfigured indicators: they weigh nothing, for every area.
 * @example configuredOnly(config, defs).indicators.map((w) => w.id) // [… without 'fires_per_10k' when fire is unbound]
 */
export function configuredOnly(config: RankingConfig, defs: readonly IndicatorDefinition[]): RankingConfig {
  const configured = new Set(defs.filter((d) => d.configured).map((d) => d.id))
  return { ...config, indicators: config.indicators.filter((w) => configured.has(w.id)) }
}

/**
 * Whether a stored ranking's indicators are the ones now (same weights, states and items).
 * @example sameIndicators(snapshot.indicators, rankingIndicators(config, defs)) // true
 */
function sameIndicators(a: readonly RankingIndicator[], b: readonly RankingIndicator[]): boolean {
  const key = (xs: readonly RankingIndicator[]) => JSON.stringify(xs.map((x) => [x.id, x.weight, x.configured, x.items]))
  return key(a) === key(b)
}

/**
 * Scores, ranks and colours of one month (no comparison), computed from the data. Statistics-only
 * units are scored with nobody and ranked nowhere unless the config includes them; village values
 * are steadied (server/indicators/steady.ts) over the ranked villages.
 * @example (await coreRanking(tx, 'town', '2026-10', now, config, defs))[0].rank
 */
async function coreRanking(
  sql: Tx,
  level: RankLevel,
  month: Month,
  now: Date,
  config: RankingConfig,
  defs: readonly IndicatorDefinition[],
): Promise<CoreRow[]> {
  const areas = await levelAreas(sql, level)
  const values = await levelValues(sql, level, rankingWindow(level, month, now), defs)
  const bare = areas.map(
    (a) =>
      values.get(a.code) ??
      (Object.fromEntries(defs.map((d) => [d.id, { value: null, n: null, base: null }])) as Record<IndicatorId, BareValue>),
  )
  const raw = measuredValues(bare, defs)
  const ranked = areas.map((a) => config.includeStatisticsOnly || !a.statisticsOnly)
  const pick = <T>(xs: readonly T[]) => xs.filter((_, i) => ranked[i])
  const { values: steadied, tolerance } = steadyValues(level, pick(areas), pick(bare), defs)
  const scored = scoreAreas(steadied, configuredOnly(config, defs), tolerance)
  let k = 0
  return areas.map((a, i) => {
    const base = { code: a.code, name: a.name, parentCode: a.parentCode, rawValues: raw[i]!, statisticsOnly: a.statisticsOnly }
    if (!ranked[i]) return { ...base, score: null, rank: null, colour: null, parts: {}, values: raw[i]! }
    const j = k++
    return { ...base, ...scored[j]!, values: steadied[j]! }
  })
}

/**
 * Adds the change since the previous month and orders by rank (unranked last, then by code). A
 * rank change smaller than `minMove` places is kept as `rawRankChange` only.
 * @example withChange(core, previousCore, 1)[0].rankChange // 2 (moved up two places)
 */
export function withChange(
  core: readonly CoreRow[],
  previous: readonly Pick<CoreRow, 'code' | 'score' | 'rank' | 'colour'>[] | null,
  minMove = 1,
): RankedArea[] {
  const prev = new Map((previous ?? []).map((p) => [p.code, p]))
  return core
    .map((r) => {
      const p = prev.get(r.code)
      const previousRank = p?.rank ?? null
      const previousScore = p?.score ?? null
      const rawRankChange = r.rank === null || previousRank === null ? null : previousRank - r.rank
      return {
        ...r,
        previousScore,
        previousRank,
        rawRankChange,
        rankChange: rawRankChange !== null && (minMove <= 1 || Math.abs(rawRankChange) >= minMove) ? rawRankChange : null,
        scoreChange: r.score === null || previousScore === null ? null : round(r.score - previousScore, 2),
        previousColour: p?.colour ?? null,
      }
    })
    .sort((a, b) => (a.rank ?? Infinity) - (b.rank ?? Infinity) || a.code.localeCompare(b.code))
}

/**
 * Counts per colour.
 * @example colourCounts(areas) // { red: 3, yellow: 4, black: 3, total: 27 }
 */
function colourCounts(areas: readonly RankedArea[]): RankingResponse['counts'] {
  const n = (c: string) => areas.filter((a) => a.colour === c).length
  return { red: n('red'), yellow: n('yellow'), black: n('black'), total: areas.length }
}

/**
 * A stored snapshot of a past month for a config version, or null.
 * @example await readSnapshot(tx, 'town', '2026-10', 1)
 */
async function readSnapshot(
  sql: Tx,
  level: RankLevel,
  month: Month,
  version: number,
  indicators: readonly RankingIndicator[],
  apart: string,
  assessments: string,
): Promise<RankingResponse | null> {
  const [row] = await sql<{ ranking: unknown }[]>`
    SELECT ranking FROM ranking_snapshots WHERE level = ${level} AND month = ${`${month}-01`}::date AND config_version = ${version}`
  if (!row) return null
  const parsed = RankingResponseSchema.safeParse(row.ranking)
  // A snapshot written by an older shape of the answer, or over other items (a new catalogue or
  // role binding), is recomputed rather than served half-right.
  // …and so is one made while other units were statistics-only (the profile changed since).
  const same =
    parsed.success &&
    parsed.data.method === RANKING_METHOD &&
    sameIndicators(parsed.data.indicators, indicators) &&
    apartKey(parsed.data.apart) === apart &&
    // …and so is one made before an assessment of its months was entered (they come after the month).
    parsed.data.assessments === assessments
  return same ? { ...parsed.data, source: 'snapshot' } : null
}

export interface RankingOptions {
  now: Date
  /** Recompute a past month's snapshot. */
  refresh?: boolean
}

/**
 * Ranks a month for a level (see the module note for live, cached and snapshotted months).
 * @example (await rankMonth(tx, 'town', '2026-10', { now: new Date() })).areas[0] // { code, score, rank: 1, colour: 'red', … }
 */
export async function rankMonth(sql: Tx, level: RankLevel, month: Month, opts: RankingOptions): Promise<RankingResponse> {
  const { version, config } = await currentRankingConfig(sql)
  const defs = await currentDefinitions(sql)
  const indicators = rankingIndicators(config, defs)
  const apartCodes = await currentApart(sql, level, config)
  const w = monthWindow(month, opts.now)
  const assessments = await assessmentsKey(sql, rankingWindow(level, month, opts.now))
  if (w.complete && !opts.refresh) {
    const stored = await readSnapshot(sql, level, month, version, indicators, apartCodes, assessments)
    if (stored) return stored
  }
  const core = await coreRanking(sql, level, month, opts.now, config, defs)
  // The previous month as published (its snapshot) when there is one, else computed now.
  const prevMonth = addMonths(month, -1)
  const prevAssessments = await assessmentsKey(sql, rankingWindow(level, prevMonth, opts.now))
  const prevStored = await readSnapshot(sql, level, prevMonth, version, indicators, apartCodes, prevAssessments)
  const previous = prevStored ? prevStored.areas : await coreRanking(sql, level, prevMonth, opts.now, config, defs)
  const all = withChange(core, previous, meaningfulMove(level, core.filter((r) => r.rank !== null).length))
  const areas = all.filter((a) => config.includeStatisticsOnly || !a.statisticsOnly)
  const apart = all.filter((a) => !config.includeStatisticsOnly && a.statisticsOnly)
  const answer: RankingResponse = {
    level,
    month,
    period: w.period,
    complete: w.complete,
    source: w.complete ? 'computed' : 'live',
    computedAt: opts.now.toISOString(),
    configVersion: version,
    indicators,
    counts: colourCounts(areas),
    areas,
    apart,
    rule: STEADY_RULE[level],
    assessments,
    method: RANKING_METHOD,
  }
  if (w.complete) {
    await sql`
      INSERT INTO ranking_snapshots (level, month, config_version, computed_at, ranking)
      VALUES (${level}, ${`${month}-01`}::date, ${version}, ${opts.now}, ${sql.json(answer as never)})
      ON CONFLICT (level, month, config_version) DO UPDATE SET computed_at = EXCLUDED.computed_at, ranking = EXCLUDED.ranking`
  }
  return answer
}

/**
 * The statistics-only units a ranking lists apart, as a key.
 * @example apartKey([{ code: '330109501' }, { code: '330109503' }]) // '330109501,330109503'
 */
function apartKey(apart: readonly { code: string }[]): string {
  return apart
    .map((a) => a.code)
    .sort()
    .join(',')
}

/**
 * The statistics-only units a ranking made now would list apart (none when the config ranks them).
 * @example await currentApart(tx, 'town', config) // '330109401,330109403,330109501,330109503,330109505'
 */
async function currentApart(sql: Tx, level: RankLevel, config: RankingConfig): Promise<string> {
  return config.includeStatisticsOnly ? '' : apartKey((await levelAreas(sql, level)).filter((a) => a.statisticsOnly))
}

/** Rankings with the live month cached briefly (the list is shown on wall screens that poll). */
export interface RankingService {
  get(level: RankLevel, month: Month, opts: RankingOptions): Promise<RankingResponse>
  /** Drops cached live rankings (a new config applies at once). */
  clear(): void
}

/**
 * @example const rankings = rankingService(db); await rankings.get('town', '2026-11', { now: new Date() })
 */
export function rankingService(db: Db, ttlMs = 60_000): RankingService {
  const cache = new LRUCache<string, RankingResponse>({ max: 64, ttl: ttlMs })
  return {
    async get(level, month, opts) {
      return db.withScope(SYSTEM_SCOPE, async (tx) => {
        const live = !monthWindow(month, opts.now).complete
        if (!live) return rankMonth(tx, level, month, opts)
        const { version, config } = await currentRankingConfig(tx)
        // Keyed by what the indicators count too: a new catalogue or role binding applies at once.
        const items = crypto
          .createHash('sha1')
          .update(JSON.stringify(rankingIndicators(config, await currentDefinitions(tx))))
          .digest('hex')
          .slice(0, 12)
        const entered = await assessmentsKey(tx, rankingWindow(level, month, opts.now))
        const key = `${level}:${month}:${version}:${items}:${await currentApart(tx, level, config)}:${entered}`
        const hit = cache.get(key)
        if (hit && !opts.refresh) return hit
        const answer = await rankMonth(tx, level, month, opts)
        cache.set(key, answer)
        return answer
      })
    },
    clear() {
      cache.clear()
    },
  }
}
