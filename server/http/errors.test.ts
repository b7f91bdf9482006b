import http from 'node:http'
import type { AddressInfo } from 'node:net'

import express from 'express'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { Conflict, Forbidden, invalidField, NotFound } from '../shared/errors.ts'
import { assertMove } from '../shared/workflow.ts'
import { errorHandler } from './errors.ts'

/**
 * A store or workflow raises a domain error and knows nothing of HTTP; the caller of the API
 * still gets the status and the message that say what went wrong, from the one error handler.
 */
describe('domain errors at the HTTP edge', () => {
  let server: http.Server
  let base = ''

  beforeAll(async () => {
    const app = express()
    app.get('/things/missing', () => {
      throw new NotFound('no hazard 42')
    })
    app.get('/things/closed', () => {
      throw new Conflict('hazard 3 is closed: it can no longer be edited', { status: 'closed' })
    })
    app.get('/things/move', () => {
      assertMove({ issued: ['accepted'], accepted: [] }, 'task 7', 'issued', 'accepted')
      assertMove({ issued: ['accepted'], accepted: [] }, 'task 7', 'accepted', 'issued')
    })
    app.get('/things/elsewhere', () => {
      throw new Forbidden('outside your area')
    })
    app.get('/things/bad', () => {
      throw invalidField('body.area_code', 'no area 33')
    })
    app.use(errorHandler)
    server = http.createServer(app)
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  })
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve))
  })

  const get = async (path: string) => {
    const res = await fetch(`${base}${path}`)
    return { status: res.status, body: (await res.json()) as { error: string; details?: unknown } }
  }

  it('answers 404 with the message when the thing asked for does not exist', async () => {
    expect(await get('/things/missing')).toEqual({ status: 404, body: { error: 'no hazard 42' } })
  })

  it('answers 409 with the details when the request clashes with the current state', async () => {
    expect(await get('/things/closed')).toEqual({
      status: 409,
      body: { error: 'hazard 3 is closed: it can no longer be edited', details: { status: 'closed' } },
    })
  })

  it('answers 409 naming both states and the way out for an illegal workflow move', async () => {
    expect(await get('/things/move')).toEqual({
      status: 409,
      body: {
        error: 'task 7: cannot go from accepted to issued (accepted is final)',
        details: { from: 'accepted', to: 'issued', allowed: [] },
      },
    })
  })

  it('answers 403 when the caller may not do it', async () => {
    expect(await get('/things/elsewhere')).toEqual({ status: 403, body: { error: 'outside your area' } })
  })

  it('answers 400 naming the field, in the shape of a schema failure', async () => {
    expect(await get('/things/bad')).toEqual({
      status: 400,
      body: { error: 'invalid body: body.area_code: no area 33', details: [{ where: 'body.area_code', message: 'no area 33' }] },
    })
  })
})
