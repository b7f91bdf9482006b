/**
 * SQL of reconciliation (tables reconcile_runs and reconcile_pairs, migrations/005): runs, the
 * pairs a run reads and writes, the review queue and decisions.
 */
import type { TransactionSql } from 'postgres'

import type { Queryable, Tx } from '../db/index.ts'
import { distanceM } from '../geo/crs.ts'
import { ownLevel } from '../geocode/reverse.ts'
import type { GeocodeResult, MatchLevel } from '../geocode/schema.ts'
import type { OtherRow, PairState, StoredPair } from './rules.ts'
import {
  type Decision,
  FAR_ACCEPT_M,
  type Pair,
  type PairStatus,
  type ReviewPage,
  type ReviewQuery,
  type Run,
  type RunCounts,
} from './schema.ts'

/** Records the start of a run and returns its id. */
export async function startRun(sql: Queryable, run: { source: string; file: string; reportPath: string | null }): Promise<number> {
  const [row] = await sql<{ id: string }[]>`
    INSERT INTO reconcile_runs (source, file, report_path) VALUES (${run.source}, ${run.file}, ${run.reportPath})
    RETURNING id`
  return Number(row!.id)
}

/** Marks a running reconciliation alive (server/ops/heartbeat.ts) with its counts so far; an ended run is left as it is. */
export async function beatRun(sql: Queryable, id: number, c: RunCounts): Promise<void> {
  await sql`
    UPDATE reconcile_runs SET heartbeat_at = now(), total = ${c.total}, matched = ${c.matched}, review = ${c.review},
      unmatched = ${c.unmatched}, unchanged = ${c.unchanged}, rejected = ${c.rejected}
    WHERE id = ${id} AND status = 'running'`
}

/** Records how a run ended, with its counts. */
export async function finishRun(
  sql: Queryable,
  id: number,
  end: { status: 'done' | 'failed'; counts: RunCounts; message: string | null },
): Promise<void> {
  const c = end.counts
  await sql`
    UPDATE reconcile_runs SET status = ${end.status}, finished_at = now(), total = ${c.total}, matched = ${c.matched},
      review = ${c.review}, unmatched = ${c.unmatched}, unchanged = ${c.unchanged}, rejected = ${c.rejected},
      message = ${end.message}
    WHERE id = ${id}`
}

interface RunRow extends RunCounts {
  id: string
  source: string
  file: string
  report_path: string | null
  started_at: Date
  finished_at: Date | null
  status: Run['status']
  message: string | null
}

/** Runs, newest first. */
export async function listRuns(tx: Tx, q: { source?: string | undefined; limit: number }): Promise<Run[]> {
  const rows = await tx<RunRow[]>`
    SELECT id, source, file, report_path, started_at, finished_at, status, total, matched, review, unmatched, unchanged,
           rejected, message
    FROM reconcile_runs
    ${q.source !== undefined ? tx`WHERE source = ${q.source}` : tx``}
    ORDER BY id DESC LIMIT ${q.limit}`
  return rows.map((r) => ({
    id: Number(r.id),
    source: r.source,
    file: r.file,
    reportPath: r.report_path,
    startedAt: r.started_at.toISOString(),
    finishedAt: r.finished_at?.toISOString() ?? null,
    status: r.status,
    total: r.total,
    matched: r.matched,
    review: r.review,
    unmatched: r.unmatched,
    unchanged: r.unchanged,
    rejected: r.rejected,
    message: r.message,
  }))
}

/** How many pairs of a source stand in each status. */
export async function statusCounts(sql: Queryable, source: string): Promise<Record<PairStatus, number>> {
  const rows = await sql<{ status: PairStatus; n: number }[]>`
    SELECT status, count(*)::int AS n FROM reconcile_pairs WHERE source = ${source} GROUP BY status`
  const out: Record<PairStatus, number> = { matched: 0, review: 0, accepted: 0, rejected: 0, unmatched: 0 }
  for (const r of rows) out[r.status] = r.n
  return out
}

/** Whether the address base has any address (reconciling against an empty base is a mistake). */
export async function baseHasAddresses(sql: Queryable): Promise<boolean> {
  const [row] = await sql<{ has: boolean }[]>`SELECT EXISTS (SELECT 1 FROM addresses) AS has`
  return row!.has
}

/** Every column of a pair, with points as numbers. */
const PAIR_COLUMNS = (q: Queryable) => q`
  p.id, p.source, p.other_id, p.other_address, ST_X(p.other_geom) AS other_lng, ST_Y(p.other_geom) AS other_lat,
  p.address_id, p.address, ST_X(p.address_geom) AS lng, ST_Y(p.address_geom) AS lat, p.level, p.score, p.distance_m,
  p.status, p.reason, p.candidates, p.rejected_ids, p.hold_reason, p.decided_by, p.decided_at, p.decision_note,
  p.run_id, p.updated_at`

interface PairRow {
  id: string
  source: string
  other_id: string
  other_address: string
  other_lng: number
  other_lat: number
  address_id: string | null
  address: string | null
  lng: number | null
  lat: number | null
  level: MatchLevel
  score: number | null
  distance_m: number | null
  status: PairStatus
  reason: string | null
  candidates: GeocodeResult[]
  rejected_ids: string[]
  hold_reason: string | null
  decided_by: string | null
  decided_at: Date | null
  decision_note: string | null
  run_id: string | null
  updated_at: Date
}

function toPair(r: PairRow): Pair {
  return {
    id: Number(r.id),
    source: r.source,
    otherId: r.other_id,
    other: { address: r.other_address, lng: r.other_lng, lat: r.other_lat },
    proposed:
      r.level === 'none'
        ? null
        : { addressId: r.address_id, address: r.address, level: r.level, score: r.score, distanceM: r.distance_m, lng: r.lng, lat: r.lat },
    status: r.status,
    reason: r.reason,
    candidates: r.candidates,
    rejectedIds: r.rejected_ids,
    decidedBy: r.decided_by,
    decidedAt: r.decided_at?.toISOString() ?? null,
    note: r.decision_note,
    runId: r.run_id === null ? null : Number(r.run_id),
    updatedAt: r.updated_at.toISOString(),
  }
}

/**
 * The stored pairs of these rows, locked until the transaction ends (a decision made meanwhile
 * waits, and one made before is seen).
 */
export async function lockPairs(tx: TransactionSql, source: string, otherIds: readonly string[]): Promise<Map<string, StoredPair>> {
  if (otherIds.length === 0) return new Map()
  const rows = await tx<(PairRow & { address_exists: boolean })[]>`
    SELECT ${PAIR_COLUMNS(tx)},
           (p.address_id IS NULL OR EXISTS (SELECT 1 FROM addresses a WHERE a.address_id = p.address_id)) AS address_exists
    FROM reconcile_pairs p
    WHERE p.source = ${source} AND p.other_id = ANY(${otherIds as string[]}::text[])
    FOR UPDATE OF p`
  const out = new Map<string, StoredPair>()
  for (const r of rows) {
    out.set(r.other_id, {
      otherAddress: r.other_address,
      otherLng: r.other_lng,
      otherLat: r.other_lat,
      status: r.status,
      addressId: r.address_id,
      address: r.address,
      lng: r.lng,
      lat: r.lat,
      level: r.level,
      score: r.score,
      distanceM: r.distance_m,
      reason: r.reason,
      candidates: r.candidates,
      holdReason: r.hold_reason,
      rejectedIds: r.rejected_ids,
      addressExists: r.address_exists,
    })
  }
  return out
}

/**
 * Inserts or updates pairs as a run made them. Decisions (rejected ids, decided_*) are left as
 * they are: runs never make them. The rows travel as one jsonb parameter.
 */
export async function writePairs(
  tx: TransactionSql,
  source: string,
  runId: number,
  pairs: readonly { row: OtherRow; state: PairState }[],
): Promise<void> {
  if (pairs.length === 0) return
  const rows = pairs.map(({ row, state: s }) => ({
    other_id: row.otherId,
    other_address: row.address,
    other_lng: row.lng,
    other_lat: row.lat,
    address_id: s.addressId,
    address: s.address,
    lng: s.lng,
    lat: s.lat,
    level: s.level,
    score: s.score,
    distance_m: s.distanceM,
    status: s.status,
    reason: s.reason,
    candidates: s.candidates,
    hold_reason: s.holdReason,
  }))
  await tx`
    INSERT INTO reconcile_pairs AS p (source, other_id, other_address, other_geom, address_id, address, address_geom, level, score,
                                      distance_m, status, reason, candidates, hold_reason, run_id)
    SELECT ${source}, x.other_id, x.other_address, ST_SetSRID(ST_Point(x.other_lng, x.other_lat), 4326), x.address_id, x.address,
           CASE WHEN x.lng IS NULL OR x.lat IS NULL THEN NULL ELSE ST_SetSRID(ST_Point(x.lng, x.lat), 4326) END,
           x.level, x.score, x.distance_m, x.status, x.reason, x.candidates, x.hold_reason, ${runId}
    FROM jsonb_to_recordset(${tx.json(rows)}) AS x(other_id text, other_address text, other_lng float8, other_lat float8,
         address_id text, address text, lng float8, lat float8, level text, score float8, distance_m float8, status text,
         reason text, candidates jsonb, hold_reason text)
    ON CONFLICT (source, other_id) DO UPDATE SET
      other_address = EXCLUDED.other_address, other_geom = EXCLUDED.other_geom, address_id = EXCLUDED.address_id,
      address = EXCLUDED.address, address_geom = EXCLUDED.address_geom, level = EXCLUDED.level, score = EXCLUDED.score,
      distance_m = EXCLUDED.distance_m, status = EXCLUDED.status, reason = EXCLUDED.reason, candidates = EXCLUDED.candidates,
      hold_reason = EXCLUDED.hold_reason, run_id = EXCLUDED.run_id, updated_at = now()`
}

/**
 * One keyset page of pairs in id order: the page after `cursor`, and the total of the filter.
 * Ids only grow, so walking the pages returns each pair once (pairs that leave the filter
 * meanwhile, e.g. decided ones, are simply not met again).
 * @example await listPairs(tx, { status: 'review', limit: 50 }) // { items: [...], next: '123', total: 480 }
 */
export async function listPairs(tx: Tx, q: ReviewQuery): Promise<ReviewPage> {
  const filter = tx`p.status = ${q.status} ${q.source !== undefined ? tx`AND p.source = ${q.source}` : tx``}`
  const rows = await tx<PairRow[]>`
    SELECT ${PAIR_COLUMNS(tx)} FROM reconcile_pairs p
    WHERE ${filter} ${q.cursor !== undefined ? tx`AND p.id > ${q.cursor}::bigint` : tx``}
    ORDER BY p.id LIMIT ${q.limit + 1}`
  const [count] = await tx<{ n: number }[]>`SELECT count(*)::int AS n FROM reconcile_pairs p WHERE ${filter}`
  const items = rows.slice(0, q.limit).map(toPair)
  return { items, next: rows.length > q.limit ? String(items[items.length - 1]!.id) : null, total: count!.n }
}

/** A decision that cannot be applied: the HTTP status it stands for and why. */
export interface DecisionFailure {
  status: 400 | 404 | 409
  message: string
  /** The input field at fault (for 400). */
  where?: string
}

interface AddressRow {
  address_id: string
  address: string
  room: string | null
  unit: string | null
  building: string | null
  lng: number
  lat: number
}

/**
 * Applies a person's decision to a pair (see rules.ts for what runs then make of it):
 * - accept: the proposal, or `addressId` (one of the candidates, or any address of the base);
 *   the pair links its row to that address and leaves the rejected list;
 * - reject: the proposal joins the row's rejected addresses for good; with no proposed address
 *   (a road-level guess) it means "no counterpart in the base".
 * Deciding again is allowed (a correction). Refused (409): accepting without an address to
 * accept, rejecting an unmatched pair (nothing proposed).
 * @example await decidePair(tx, 7, { decision: 'accept' }, 'reviewer') // { pair: { status: 'accepted', … } }
 */
export async function decidePair(tx: Tx, id: number, d: Decision, by: string): Promise<{ pair: Pair } | { failure: DecisionFailure }> {
  const [cur] = await tx<PairRow[]>`SELECT ${PAIR_COLUMNS(tx)} FROM reconcile_pairs p WHERE p.id = ${id} FOR UPDATE`
  if (!cur) return { failure: { status: 404, message: `no reconciliation pair with id ${id}` } }
  const note = d.note ?? null
  if (d.decision === 'reject') {
    if (cur.status === 'unmatched') {
      return { failure: { status: 409, message: `pair ${id} is unmatched: nothing was proposed to reject` } }
    }
    const rejected = cur.address_id
    const [row] = await tx<PairRow[]>`
      UPDATE reconcile_pairs p SET status = 'rejected',
        rejected_ids = CASE WHEN ${rejected}::text IS NULL OR ${rejected}::text = ANY(p.rejected_ids) THEN p.rejected_ids
                            ELSE array_append(p.rejected_ids, ${rejected}::text) END,
        candidates = COALESCE((SELECT jsonb_agg(c ORDER BY i) FROM jsonb_array_elements(p.candidates) WITH ORDINALITY AS e(c, i)
                               WHERE c->>'addressId' IS DISTINCT FROM ${rejected}::text), '[]'::jsonb),
        hold_reason = NULL, decided_by = ${by}, decided_at = now(), decision_note = ${note}, updated_at = now()
      WHERE p.id = ${id}
      RETURNING ${PAIR_COLUMNS(tx)}`
    return { pair: toPair(row!) }
  }

  const addressId = d.addressId ?? cur.address_id
  if (addressId === null) {
    return { failure: { status: 409, message: `pair ${id} has no proposed address to accept: give addressId` } }
  }
  let chosen: { address: string; level: MatchLevel; score: number | null; distanceM: number | null; lng: number; lat: number }
  const candidate = cur.candidates.find((c) => c.addressId === addressId && c.lng !== null && c.lat !== null)
  if (addressId === cur.address_id && cur.lng !== null && cur.lat !== null) {
    chosen = { address: cur.address ?? '', level: cur.level, score: cur.score, distanceM: cur.distance_m, lng: cur.lng, lat: cur.lat }
  } else if (candidate) {
    chosen = {
      address: candidate.address ?? '',
      level: candidate.level,
      score: candidate.score,
      distanceM: candidate.distanceM ?? null,
      lng: candidate.lng!,
      lat: candidate.lat!,
    }
  } else {
    // An address the reviewer found elsewhere (search, map): no geocoder score for it.
    const [a] = await tx<AddressRow[]>`
      SELECT address_id, address, room, unit, building, ST_X(geom) AS lng, ST_Y(geom) AS lat FROM addresses WHERE address_id = ${addressId}`
    if (!a)
      return {
        failure: {
          status: 400,
          message: `invalid body: body.addressId: no address ${addressId} in the address base`,
          where: 'body.addressId',
        },
      }
    const metres = Math.round(distanceM(cur.other_lng, cur.other_lat, a.lng, a.lat) * 10) / 10
    chosen = { address: a.address, level: ownLevel(a), score: null, distanceM: metres, lng: a.lng, lat: a.lat }
  }
  if (chosen.distanceM !== null && chosen.distanceM > FAR_ACCEPT_M && !note) {
    const message = `invalid body: body.note: the address is ${Math.round(chosen.distanceM)} m from the row's point (over ${FAR_ACCEPT_M} m): say why it is the same place`
    return { failure: { status: 400, message, where: 'body.note' } }
  }
  const [row] = await tx<PairRow[]>`
    UPDATE reconcile_pairs p SET status = 'accepted', address_id = ${addressId}, address = ${chosen.address},
      address_geom = ST_SetSRID(ST_Point(${chosen.lng}, ${chosen.lat}), 4326), level = ${chosen.level}, score = ${chosen.score},
      distance_m = ${chosen.distanceM}, rejected_ids = array_remove(p.rejected_ids, ${addressId}::text), hold_reason = NULL,
      decided_by = ${by}, decided_at = now(), decision_note = ${note}, updated_at = now()
    WHERE p.id = ${id}
    RETURNING ${PAIR_COLUMNS(tx)}`
  return { pair: toPair(row!) }
}
