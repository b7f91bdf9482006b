/** The documented operations of ./routes.ts (server/openapi/operation.ts). */
import type { ApiOperation } from '../openapi/operation.ts'
import {
  HouseDetailSchema,
  HouseListQuerySchema,
  HousePageSchema,
  PeopleParamsSchema,
  ResidentDetailQuerySchema,
  ResidentExportQuerySchema,
  ResidentListQuerySchema,
  ResidentPageSchema,
  ResidentSchema,
} from './schema.ts'

const tag = 'Houses and residents'
const GEOJSON = 'application/geo+json'
const scope = "Only the caller's areas: a record elsewhere is the same 404 as one that does not exist."
const audited = 'Every read of residents is recorded in the audit log (`people.read`).'

export const peopleOperations: ApiOperation[] = [
  {
    method: 'get',
    path: '/api/houses',
    tag,
    query: HouseListQuerySchema,
    summary: 'Houses (实有房屋), newest first, as GeoJSON (keyset pages: pass `next` as `cursor`)',
    description: `Owners' names and phones are always masked. ${scope}`,
    ok: { description: 'A FeatureCollection page', type: GEOJSON, schema: HousePageSchema },
  },
  {
    method: 'get',
    path: '/api/houses/:id',
    tag,
    params: PeopleParamsSchema,
    summary: "One house with its current residents (masked) and their counts (`id`: the number or the source's house_id)",
    description: `${scope} ${audited}`,
    ok: { description: 'The house', type: GEOJSON, schema: HouseDetailSchema },
    errors: { 404: "No such house in the caller's scope" },
  },
  {
    method: 'get',
    path: '/api/residents',
    tag,
    query: ResidentListQuerySchema,
    summary: 'Residents (实有人口), newest first, masked (keyset pages: pass `next` as `cursor`)',
    description: `\`key=any\` lists every key person; \`registration\` is the 居住登记 today. ${scope} ${audited}`,
    ok: { description: 'A page of residents', schema: ResidentPageSchema },
    errors: { 404: "No such house (`house=`) in the caller's scope" },
  },
  {
    method: 'get',
    path: '/api/residents/:id',
    tag,
    params: PeopleParamsSchema,
    query: ResidentDetailQuerySchema,
    summary: "One resident (`id`: the number or the source's person_id)",
    description: `Masked, unless the caller has \`pii\` and asks (\`reveal=true\`): then the real name, phone and ID number, recorded with \`unmasked: true\`. Without \`pii\`, \`reveal\` gives the masked forms. ${scope} ${audited}`,
    ok: { description: 'The resident', schema: ResidentSchema },
    errors: { 404: "No such resident in the caller's scope" },
  },
  {
    method: 'get',
    path: '/api/export/residents.csv',
    tag,
    query: ResidentExportQuerySchema,
    summary: "The caller's residents as CSV (optionally of one area)",
    description:
      'Masked unless `unmasked=true` and the role has `pii` (town and grid staff: always masked, their own areas only; asking is a 403). Recorded in the audit log (`people.export`).',
    ok: { description: 'The file (Content-Disposition: attachment)', type: 'text/csv' },
  },
]
