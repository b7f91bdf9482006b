/**
 * Every documented operation of `/api`, domain by domain. A route added to a domain's routes.ts
 * goes into that domain's openapi.ts too: ./openapi.db.test.ts fails on a mounted route missing
 * here, and on a documented one the server does not mount.
 */
import { addressOperations } from '../addresses/openapi.ts'
import { areaOperations } from '../areas/openapi.ts'
import { attachmentOperations } from '../attachments/openapi.ts'
import { auditOperations } from '../audit/openapi.ts'
import { authOperations } from '../auth/openapi.ts'
import { categoryOperations } from '../categories/openapi.ts'
import { deviceOperations } from '../devices/openapi.ts'
import { disputeOperations } from '../disputes/openapi.ts'
import { exportOperations } from '../export/openapi.ts'
import { geocodeOperations } from '../geocode/openapi.ts'
import { hazardOperations } from '../hazards/openapi.ts'
import { healthOperations } from '../health/openapi.ts'
import { importOperations } from '../imports/openapi.ts'
import { incidentOperations } from '../incidents/openapi.ts'
import { indicatorOperations } from '../indicators/openapi.ts'
import { modelOperations } from '../models/openapi.ts'
import { organisationOperations } from '../organisations/openapi.ts'
import { patrolOperations } from '../patrols/openapi.ts'
import { peopleOperations } from '../people/openapi.ts'
import { profileOperations } from '../profile/openapi.ts'
import { reconcileOperations } from '../reconcile/openapi.ts'
import { statsOperations } from '../stats/openapi.ts'
import { streamOperations } from '../stream/openapi.ts'
import { taskOperations } from '../tasks/openapi.ts'
import { tileOperations } from '../tiles/openapi.ts'
import { warningOperations } from '../warnings/openapi.ts'
import { docsOperations } from './openapi.ts'
import type { ApiOperation } from './operation.ts'

/** In the viewer's order: the daily work first, administration last. */
export const API_OPERATIONS: readonly ApiOperation[] = [
  ...incidentOperations,
  ...hazardOperations,
  ...peopleOperations,
  ...organisationOperations,
  ...disputeOperations,
  ...patrolOperations,
  ...deviceOperations,
  ...taskOperations,
  ...attachmentOperations,
  ...warningOperations,
  ...statsOperations,
  ...indicatorOperations,
  ...areaOperations,
  ...addressOperations,
  ...tileOperations,
  ...streamOperations,
  ...geocodeOperations,
  ...modelOperations,
  ...categoryOperations,
  ...exportOperations,
  ...importOperations,
  ...reconcileOperations,
  ...profileOperations,
  ...authOperations,
  ...auditOperations,
  ...healthOperations,
  ...docsOperations,
]
