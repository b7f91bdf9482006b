/**
 * The OpenAPI 3.1 document of `/api`, built by zod-openapi from the operations each domain
 * declares (./registry.ts) with the zod schemas its routes parse. Who may call what comes from
 * the one policy table the server enforces (server/auth/policy.ts), so the document cannot
 * promise a permission the server does not check.
 */
import { z } from 'zod'
import type { $ZodTypes } from 'zod/v4/core'
import {
  createDocument,
  type ZodOpenApiOperationObject,
  type ZodOpenApiOverrideContext,
  type ZodOpenApiPathsObject,
  type ZodOpenApiResponsesObject,
} from 'zod-openapi'

import { basicAllowed } from '../auth/basic.ts'
import { CSRF_COOKIE, CSRF_HEADER, SESSION_COOKIE } from '../auth/middleware.ts'
import { type Requirement, requirementOf } from '../auth/policy.ts'
import { type Role, ROLE_PERMISSIONS } from '../auth/schema.ts'
import { IDEMPOTENCY_HEADER, IdempotencyKeyHeaderSchema, REPLAYED_HEADER, takesKey } from '../idempotency/key.ts'
import { type ApiOperation, openApiPath, pathParamNames } from './operation.ts'

/** The JSON error every route answers with (server/http/errors.ts). */
export const ErrorSchema = z
  .object({
    error: z
      .string()
      .meta({ description: 'What is wrong, in words', example: 'invalid query: query.limit: Too big: expected number to be <=1000' }),
    details: z
      .array(z.object({ where: z.string().meta({ example: 'query.limit' }), message: z.string() }))
      .optional()
      .meta({ description: 'For invalid input: each problem and where it is (`query.x`, `body.items.3.lng`, `params.id`)' }),
  })
  .meta({ id: 'Error' })

const SECURITY_SCHEMES = {
  session: {
    type: 'apiKey',
    in: 'cookie',
    name: SESSION_COOKIE,
    description: `The browser's login (POST /api/auth/login). Every POST, PUT, PATCH and DELETE with it must also send the \`${CSRF_COOKIE}\` cookie's value in the \`${CSRF_HEADER}\` header (403 otherwise).`,
  },
  bearer: {
    type: 'http',
    scheme: 'bearer',
    description: 'An API key (`omk_…`, made by an administrator: POST /api/users/{id}/api-keys): programs and machine ingest use it.',
  },
  apiKeyHeader: {
    type: 'apiKey',
    in: 'header',
    name: 'x-api-key',
    description: 'An API key (`omk_…`) in its own header, for clients that cannot set Authorization.',
  },
  basic: {
    type: 'http',
    scheme: 'basic',
    description:
      "For analysts' tools (QGIS, GDAL) that cannot send Bearer: any user name, an API key (`omk_…`) as the password. Only for GET and HEAD of /api/export/… (and /ogc, /tiles).",
  },
} as const

const ROLES = Object.keys(ROLE_PERMISSIONS) as Role[]

/**
 * The sentence an operation's description ends with: who may call it.
 * @example whoMay('export') // 'Needs the `export` permission: roles admin, town, grid, analyst.'
 * @example whoMay('public') // 'Public: no login needed.'
 */
export function whoMay(need: Requirement): string {
  if (need === 'public') return 'Public: no login needed.'
  if (need === 'user') return 'Any logged-in caller.'
  const roles = ROLES.filter((r) => ROLE_PERMISSIONS[r].includes(need))
  return `Needs the \`${need}\` permission: roles ${roles.join(', ')}.`
}

/** The path with a sample value in each `{name}`, for the policy table's patterns (they test prefixes). */
function samplePath(path: string): string {
  return path.replace(/\{[^}]+\}/g, 'x')
}

/** The answers of a write sent with an `Idempotency-Key` (server/idempotency/), beside its own. */
const KEYED_ERRORS = {
  409: `A request with the same \`${IDEMPOTENCY_HEADER}\` is still being processed (retry when it is done)`,
  422: `The \`${IDEMPOTENCY_HEADER}\` was already used for another request (another method, path or body)`,
} as const

/** The header that marks a kept answer sent again. */
const ReplayedHeaders = z.object({
  [REPLAYED_HEADER]: z
    .literal('true')
    .optional()
    .meta({
      description: `Present when this is the kept answer of an earlier request with the same \`${IDEMPOTENCY_HEADER}\`, sent again`,
    }),
})

function responsesOf(op: ApiOperation, need: Requirement, keyed: boolean): ZodOpenApiResponsesObject {
  const status = String(op.ok.status ?? 200) as `2${string}`
  const error = (description: string) => ({ description, content: { 'application/json': { schema: ErrorSchema } } })
  const out: ZodOpenApiResponsesObject = {
    [status]: {
      description: op.ok.description,
      ...(keyed ? { headers: ReplayedHeaders } : {}),
      ...(op.ok.none ? {} : { content: { [op.ok.type ?? 'application/json']: op.ok.schema ? { schema: op.ok.schema } : {} } }),
    },
  }
  if (op.params || op.query || op.body) out['400'] = error('Invalid input: `details` names each problem and where')
  if (need !== 'public') out['401'] = error('Not logged in, or the session or key is unknown, expired or revoked')
  if (need !== 'public' && need !== 'user')
    out['403'] = error(`The caller's role lacks the \`${need}\` permission (or a cookie session sent no CSRF token)`)
  const errors: Partial<Record<number, string>> = { ...op.errors }
  if (keyed) {
    if (!op.params && !op.query && !op.body) out['400'] = error(`Invalid \`${IDEMPOTENCY_HEADER}\` header`)
    for (const [code, description] of Object.entries(KEYED_ERRORS)) {
      const own = errors[Number(code)]
      errors[Number(code)] = own ? `${own}; or: ${description}` : description
    }
  }
  for (const [code, description] of Object.entries(errors)) if (description) out[code as `4${string}`] = error(description)
  return out
}

function operationOf(op: ApiOperation, path: string): ZodOpenApiOperationObject {
  const need = requirementOf(op.method.toUpperCase(), samplePath(path))
  const names: (keyof typeof SECURITY_SCHEMES)[] =
    need === 'public' ? [] : ['session', 'bearer', 'apiKeyHeader', ...(basicAllowed(op.method, samplePath(path)) ? ['basic' as const] : [])]
  const schemes = names.map((name): Record<string, string[]> => ({ [name]: [] }))
  const body = op.body === undefined ? undefined : op.body instanceof z.ZodType ? { type: 'application/json', schema: op.body } : op.body
  const keyed = takesKey(op.method, path)
  const header = keyed ? z.object({ [IDEMPOTENCY_HEADER]: IdempotencyKeyHeaderSchema.optional() }) : undefined
  return {
    tags: [op.tag],
    summary: op.summary,
    description: [op.description, whoMay(need)].filter(Boolean).join('\n\n'),
    operationId: `${op.method}${path
      .replace(/^\/api/, '')
      .replace(/\{([^}]+)\}/g, 'By-$1')
      .replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ? c.toUpperCase() : ''))}`,
    security: schemes,
    'x-permission': need,
    ...(op.params || op.query || header
      ? {
          requestParams: {
            ...(op.params ? { path: op.params } : {}),
            ...(op.query ? { query: op.query } : {}),
            ...(header ? { header } : {}),
          },
        }
      : {}),
    ...(body ? { requestBody: { required: true, content: { [body.type]: body.schema ? { schema: body.schema } : {} } } } : {}),
    responses: responsesOf(op, need, keyed),
  }
}

/**
 * Says in words what a query text becomes where the schema turns text into a list, a tuple or a
 * boolean (`status=open,closed`, `bbox=…`, `overdue=true`): the input side alone reads `string`.
 * @example describeQueryText({ jsonSchema: {}, zodSchema: enumList(HazardStatusSchema), io: 'input' }) // description 'Comma-separated, any of: reported, …'
 */
export function describeQueryText({ jsonSchema, zodSchema, io }: Pick<ZodOpenApiOverrideContext, 'jsonSchema' | 'zodSchema' | 'io'>): void {
  const def = zodSchema._zod.def
  if (io !== 'input' || def.type !== 'pipe' || jsonSchema.type !== 'string' || jsonSchema.description) return
  const out = (def.out as $ZodTypes)._zod.def
  const element = out.type === 'array' ? (out.element as $ZodTypes)._zod.def : null
  if (element?.type === 'enum') {
    jsonSchema.description = `Comma-separated, any of: ${Object.values(element.entries).join(', ')}`
  } else if (out.type === 'tuple') {
    jsonSchema.description = `${out.items.length} comma-separated numbers`
  } else if (out.type === 'boolean') {
    jsonSchema.description = 'true or false'
  }
}

/**
 * The OpenAPI 3.1 document of the given operations.
 * @example buildDocument(API_OPERATIONS, '0.1.0').paths['/api/hazards'].get.summary
 */
export function buildDocument(operations: readonly ApiOperation[], version: string): ReturnType<typeof createDocument> {
  const paths: ZodOpenApiPathsObject = {}
  for (const op of operations) {
    const path = openApiPath(op.path)
    const item = (paths[path] ??= {})
    if (item[op.method]) throw new Error(`${op.method.toUpperCase()} ${op.path} is declared twice`)
    if (pathParamNames(op.path).length > 0 && !op.params)
      throw new Error(`${op.method.toUpperCase()} ${op.path} has path parameters: give its params schema`)
    item[op.method] = operationOf(op, path)
  }
  const tags = [...new Set(operations.map((o) => o.tag))].map((name) => ({ name }))
  return createDocument(
    {
      openapi: '3.1.1',
      info: {
        title: "Ping'an OneMap API (平安一张图)",
        version,
        description: [
          'The JSON API of the map, the work desk and the command-center wall: incidents, hazards, tasks, warnings, statistics, rankings, imports and administration.',
          "Generated from the zod schemas the server validates its input with. Times are ISO 8601 (days in the district's time zone, Asia/Shanghai by default); coordinates are WGS 84 unless a `crs` says otherwise.",
          'The OGC API – Features service has its own OpenAPI 3.0 document at [/ogc/api](/ogc/api); vector tiles are described by TileJSON at /tiles.',
        ].join('\n\n'),
      },
      tags,
      paths,
      components: { securitySchemes: SECURITY_SCHEMES },
    },
    { override: describeQueryText },
  )
}
