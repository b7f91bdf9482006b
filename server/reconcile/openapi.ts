/** The documented operations of ./routes.ts (server/openapi/operation.ts). */
import type { ApiOperation } from '../openapi/operation.ts'
import {
  DecisionSchema,
  FAR_ACCEPT_M,
  PairParamsSchema,
  PairSchema,
  ReviewPageSchema,
  ReviewQuerySchema,
  RunsQuerySchema,
  RunsResponseSchema,
} from './schema.ts'

const tag = 'Address reconciliation'

export const reconcileOperations: ApiOperation[] = [
  {
    method: 'get',
    path: '/api/reconcile/review',
    tag,
    query: ReviewQuerySchema,
    summary: "The review queue: pairs of a source's address and the base's proposal (keyset pages)",
    ok: { description: 'A page of pairs', schema: ReviewPageSchema },
  },
  {
    method: 'post',
    path: '/api/reconcile/review/:id',
    tag,
    params: PairParamsSchema,
    body: DecisionSchema,
    summary: 'Accept or reject a pair (or accept another address instead)',
    description: `Accepting a place more than ${FAR_ACCEPT_M} m from the row's own point needs a \`note\` saying why (400 naming \`body.note\`).`,
    ok: { description: 'The pair as decided', schema: PairSchema },
    errors: {
      404: 'No such pair',
      409: 'Nothing to accept or reject: the pair is unmatched, or has no proposal and no `addressId` was given',
    },
  },
  {
    method: 'get',
    path: '/api/reconcile/runs',
    tag,
    query: RunsQuerySchema,
    summary: 'Reconciliation runs and their counts',
    ok: { description: 'The runs', schema: RunsResponseSchema },
  },
]
