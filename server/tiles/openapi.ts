/** The documented operations of ./routes.ts under /api (the tiles themselves are described by TileJSON at /tiles). */
import type { ApiOperation } from '../openapi/operation.ts'
import { H3QuerySchema, H3ResponseSchema } from './schema.ts'
import { WarmupStatusSchema } from './warmup.ts'

const tag = 'Map layers'

export const tileOperations: ApiOperation[] = [
  {
    method: 'get',
    path: '/api/h3',
    tag,
    query: H3QuerySchema,
    summary: 'Incident counts per H3 hexagon (resolution 7–10), the largest first',
    ok: { description: 'The cells and their counts', schema: H3ResponseSchema },
  },
  {
    method: 'get',
    path: '/api/tiles/warmup',
    tag,
    summary: 'Progress of the tile cache warm-up at start',
    ok: { description: 'The warm-up state', schema: WarmupStatusSchema },
  },
]
