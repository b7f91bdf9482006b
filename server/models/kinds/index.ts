/** Which detector reads which kind of definition. */
import type { Queryable } from '../../db/index.ts'
import type { ModelDefinition } from '../definition.ts'
import type { Detection } from '../types.ts'
import { detectDispute, detectRepeatAddress } from './address.ts'
import { detectConcentration } from './concentration.ts'
import { detectDisputeRecurrence } from './dispute-recurrence.ts'
import { detectEmerging } from './emerging.ts'
import { detectGasCylinder } from './gas-cylinder.ts'
import { detectGroupRental } from './group-rental.ts'
import { detectHotSpot } from './hotspot.ts'
import { detectKeyPersonIncident } from './key-person.ts'
import { detectNearRepeat } from './near-repeat.ts'
import { detectOverdue } from './overdue.ts'
import { detectPatrolGap } from './patrol-gap.ts'
import { detectRegistrationGap } from './registration-gap.ts'
import { detectSelfCheckOverdue } from './self-check.ts'
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
    case 'group_rental':
      return detectGroupRental(sql, def, asOf)
    case 'registration_gap':
      return detectRegistrationGap(sql, def, asOf)
    case 'dispute_recurrence':
      return detectDisputeRecurrence(sql, def, asOf)
    case 'key_person_incident':
      return detectKeyPersonIncident(sql, def, asOf)
    case 'self_check_overdue':
      return detectSelfCheckOverdue(sql, def, asOf)
    case 'gas_cylinder':
      return detectGasCylinder(sql, def, asOf)
    case 'patrol_gap':
      return detectPatrolGap(sql, def, asOf)
  }
}
