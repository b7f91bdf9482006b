import { describe, expect, it } from 'vitest'
import { z } from 'zod'

import { ModelDefinitionSchema } from '../../../server/shared/api.ts'
import { type FieldSpec, fieldSpec, valueAt } from './schema-form.ts'

const find = (spec: FieldSpec, name: string): FieldSpec | undefined => {
  if (spec.path.join('.') === name) return spec
  if (spec.kind === 'object') for (const f of spec.fields) if (find(f, name)) return find(f, name)
  if (spec.kind === 'union') for (const v of spec.variants) if (find(v.spec, name)) return find(v.spec, name)
  return undefined
}

describe('a form from a zod schema', () => {
  it('turns numbers, enums, enum lists, booleans and nested objects into fields with their bounds', () => {
    const schema = z.object({
      window: z.object({ days: z.number().int().min(1).max(90) }),
      level: z.enum(['grid', 'village']),
      roles: z.array(z.enum(['fire', 'fraud'])),
      codes: z.array(z.string()),
      enabled: z.boolean(),
      p: z.number().gt(0).max(0.5),
    })
    const spec = fieldSpec(z.toJSONSchema(schema, { io: 'input' }), [])
    expect(find(spec, 'window.days')).toEqual({ kind: 'number', path: ['window', 'days'], integer: true, min: 1, max: 90 })
    expect(find(spec, 'level')).toEqual({ kind: 'enum', path: ['level'], options: ['grid', 'village'] })
    expect(find(spec, 'roles')).toEqual({ kind: 'multi', path: ['roles'], options: ['fire', 'fraud'] })
    expect(find(spec, 'codes')).toMatchObject({ kind: 'list' })
    expect(find(spec, 'enabled')).toMatchObject({ kind: 'bool' })
    expect(find(spec, 'p')).toMatchObject({ kind: 'number', integer: false, min: 0, max: 0.5 })
  })

  it('makes a discriminated union a choice of its variants, each with its own fields', () => {
    const spec = fieldSpec(z.toJSONSchema(ModelDefinitionSchema, { io: 'input', unrepresentable: 'any' }), [])
    expect(spec.kind).toBe('union')
    if (spec.kind !== 'union') return
    expect(spec.key).toBe('kind')
    expect(spec.variants.map((v) => v.value)).toContain('surge')
    const surge = spec.variants.find((v) => v.value === 'surge')!.spec
    // The surge model's unit is itself a union (an area level or an H3 resolution).
    expect(find(surge, 'unit')).toMatchObject({ kind: 'union', key: 'kind' })
    expect(find(surge, 'thresholds.red')).toMatchObject({ kind: 'number' })
  })

  it('reads values at paths', () => {
    expect(valueAt({ a: { b: 2 } }, ['a', 'b'])).toBe(2)
    expect(valueAt({ a: 1 }, ['a', 'b'])).toBeUndefined()
    expect(valueAt(5, [])).toBe(5)
  })
})
