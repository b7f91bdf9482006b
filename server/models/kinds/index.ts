/** Which detector reads which kind of definition. */
import type { Queryable } from '../../db/index.ts'
import type { ModelDefinition } from '../definition.ts'
import type { Detection } from '../types.ts'
import { detectDispute, detectRepeatAddress } from './address.ts'
import { detectConcentration } from './concentration.ts'
import { detectEmerging } from './emerging.ts'
import { detectHotSpot } from './hotspot.ts'
import { detectNearRepeat } from './near-repeat.ts'
import { detectOverdue } from './overdue.ts'
import { detectSurge } from './surge.ts'

/**
 * Runs the definition's detector at `asOf`.
 * @example const { findings } = await detect(db.sql, def, new Date('2026-11-01T00:00:00+08:00'))
 */
export function detect(sql: Queryable, def: ModelDefinition, asOf: Date): Promise<Detection> {
  switch (def.kind) {
    case 'surge':
      return detectSurge(sql, def, asOf)
    case 'hotspot':
      return detectHotSpot(sql, def, asOf)
    case 'emerging':
      return detectEmerging(sql, def, asOf)
    case 'repeat_address':
      return detectRepeatAddress(sql, def, asOf)
    case 'near_repeat':
      return detectNearRepeat(sql, def, asOf)
    case 'concentration':
      return detectConcentration(sql, def, asOf)
    case 'dispute_escalation':
      return detectDispute(sql, def, asOf)
    case 'overdue':
      return detectOverdue(sql, def, asOf)
  }
}
