import { describe, expect, it } from 'vitest'

import { Conflict, DomainError, Forbidden, Invalid, invalidField, NotFound } from './errors.ts'

describe('domain errors', () => {
  it('each kind is a DomainError and an Error, with its name for logs and its kind for the edge', () => {
    const errors = [
      new NotFound('no task 9'),
      new Conflict('task 9 is closed'),
      new Forbidden('not yours'),
      new Invalid('invalid query: query.x: bad', []),
    ]
    expect(errors.map((e) => [e instanceof DomainError, e instanceof Error, e.name, e.kind])).toEqual([
      [true, true, 'NotFound', 'not_found'],
      [true, true, 'Conflict', 'conflict'],
      [true, true, 'Forbidden', 'forbidden'],
      [true, true, 'Invalid', 'invalid'],
    ])
  })

  it('invalidField words the message as a schema failure of that field', () => {
    const q = invalidField('query.month', '2027-01 has not begun (the current month is 2026-11)')
    expect([q.message, q.details]).toEqual([
      'invalid query: query.month: 2027-01 has not begun (the current month is 2026-11)',
      [{ where: 'query.month', message: '2027-01 has not begun (the current month is 2026-11)' }],
    ])
    expect(invalidField('body.hazard_id', 'no hazard 5').message).toBe('invalid body: body.hazard_id: no hazard 5')
  })
})
