/**
 * What a detector gives the runner: findings (one per subject that crossed a threshold) in a
 * stable order, the data window it read, and notes (global statistics such as the Knox test)
 * recorded with the run.
 */
import type { Queryable } from '../db/index.ts'
import type { Level, ModelDefinition, ModelKind } from './definition.ts'

/** Where a finding is: an H3 cell (its polygon), an area (its polygon) or a point. */
export type Place =
  | { kind: 'h3'; cell: string }
  | { kind: 'area'; code: string }
  | { kind: 'point'; lng: number; lat: number; addressId?: string | null; areaCode?: string | null }

export type MetricValue = number | string | boolean | null

export interface Finding {
  /** Unique per model among open warnings: 'grid:…', 'h3:…', 'address:…', 'zone:…', 'hazard:…', 'task:…'. */
  subject: string
  level: Level
  title: string
  /** The numbers that triggered it, in plain words (Chinese). */
  explanation: string
  metrics: Record<string, MetricValue>
  place: Place
}

export interface Detection {
  findings: Finding[]
  /** The data the detector read: [from, to). */
  window: { from: Date; to: Date }
  notes: Record<string, MetricValue>
}

/** Reads the data a definition needs at `asOf` and detects. */
export type Detector<K extends ModelKind> = (sql: Queryable, def: Extract<ModelDefinition, { kind: K }>, asOf: Date) => Promise<Detection>
