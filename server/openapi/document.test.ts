import { describe, expect, it } from 'vitest'
import { z } from 'zod'

import { HazardSeveritySchema } from '../hazards/schema.ts'
import { enumList } from '../shared/list-query.ts'
import { buildDocument, describeQueryText, whoMay } from './document.ts'
import { type ApiOperation, openApiPath, pathParamNames } from './operation.ts'

describe('the OpenAPI document builder', () => {
  it('writes Express paths the way OpenAPI does, parameters in braces', () => {
    expect(openApiPath('/api/boundaries/:level.geojson')).toBe('/api/boundaries/{level}.geojson')
    expect(openApiPath('/api/users/:id/api-keys/:keyId')).toBe('/api/users/{id}/api-keys/{keyId}')
    expect(pathParamNames('/api/models/:id/runs/:runId')).toEqual(['id', 'runId'])
  })

  it('tells a reader which roles may call an operation, from the one permission table', () => {
    expect(whoMay('export')).toBe('Needs the `export` permission: roles admin, town, grid, analyst.')
    expect(whoMay('public')).toBe('Public: no login needed.')
  })

  it('says in words what a comma-separated query value may hold', () => {
    const jsonSchema: { type: 'string'; description?: string } = { type: 'string' }
    describeQueryText({ jsonSchema, zodSchema: enumList(HazardSeveritySchema), io: 'input' })
    expect(jsonSchema.description).toBe('Comma-separated, any of: general, serious, major')
  })

  it('refuses an operation declared twice, or a path parameter without its schema', () => {
    const op: ApiOperation = {
      method: 'get',
      path: '/api/x/:id',
      tag: 'X',
      summary: 'x',
      params: z.object({ id: z.string() }),
      ok: { description: 'x' },
    }
    expect(() => buildDocument([op, op], '1')).toThrow(/declared twice/)
    expect(() => buildDocument([{ ...op, params: undefined }], '1')).toThrow(/params schema/)
    const doc = buildDocument([op], '1.2.3')
    expect(doc.info.version).toBe('1.2.3')
    expect(doc.paths?.['/api/x/{id}']?.get?.parameters).toEqual([{ in: 'path', name: 'id', required: true, schema: { type: 'string' } }])
  })
})
