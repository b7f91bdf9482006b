import type http from 'node:http'
import type { AddressInfo } from 'node:net'
import { Writable } from 'node:stream'

import express from 'express'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { errorHandler, HttpError } from '../http/errors.ts'
import { createLogger, requestLogging } from '../ops/logger.ts'
import { basicAllowed, isToolPath, parseBasic, wantsBasicChallenge } from './basic.ts'
import { tokenOf } from './middleware.ts'

const KEY = `omk_${'S'.repeat(43)}`
const b64 = (s: string) => Buffer.from(s).toString('base64')

describe('Basic for analysts’ tools', () => {
  it('reads the user name and the key from the header, whatever the user name', () => {
    expect(parseBasic(`Basic ${b64(`qgis:${KEY}`)}`)).toEqual({ user: 'qgis', password: KEY })
    expect(parseBasic(`basic ${b64(`:${KEY}`)}`)).toEqual({ user: '', password: KEY })
    // A colon in the password stays in it.
    expect(parseBasic(`Basic ${b64('a:b:c')}`)).toEqual({ user: 'a', password: 'b:c' })
    expect(parseBasic('Basic')).toEqual({ user: '', password: '' })
    expect(parseBasic('Basic !!!')).toEqual({ user: '', password: '' })
    expect(parseBasic(`Bearer ${KEY}`)).toBeNull()
    expect(parseBasic('Basically')).toBeNull()
  })

  it('allows Basic only for reads of /ogc, /tiles and /api/export', () => {
    expect(basicAllowed('GET', '/ogc/collections/incidents/items')).toBe(true)
    expect(basicAllowed('HEAD', '/api/export/incidents.csv')).toBe(true)
    expect(basicAllowed('get', '/tiles/incidents/12/1/2.mvt')).toBe(true)
    for (const m of ['POST', 'PUT', 'PATCH', 'DELETE']) expect(basicAllowed(m, '/ogc/collections')).toBe(false)
    expect(basicAllowed('GET', '/api/exports')).toBe(false) // the export log is for auditors, not tools
    expect(basicAllowed('GET', '/api/incidents')).toBe(false)
    expect(basicAllowed('GET', '/ogcx')).toBe(false)
    expect(isToolPath('/tiles')).toBe(true)
  })

  it('challenges tools and browser tabs, not a page’s own fetches', () => {
    expect(wantsBasicChallenge('/ogc', undefined)).toBe(true)
    expect(wantsBasicChallenge('/ogc', 'navigate')).toBe(true)
    expect(wantsBasicChallenge('/tiles/a/1/0/0.mvt', 'cors')).toBe(false)
    expect(wantsBasicChallenge('/tiles/a/1/0/0.mvt', 'same-origin')).toBe(false)
    expect(wantsBasicChallenge('/api/incidents', undefined)).toBe(false)
  })
})

describe('?key= on tile URLs, and the request log', () => {
  const lines: string[] = []
  let server: http.Server
  let base = ''
  beforeAll(async () => {
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(chunk.toString())
        done()
      },
    })
    const app = express()
    app.use(requestLogging(createLogger('info', sink)))
    app.get('/default/*rest', (req, res) => {
      req.url = req.url.replace(/^\/default/, '')
      res.json(tokenOf(req))
    })
    app.get('/on/*rest', (req, res) => {
      req.url = req.url.replace(/^\/on/, '')
      res.json(tokenOf(req, { urlKeys: true }))
    })
    app.get('/fail/*rest', () => {
      throw new Error('tile rendering failed')
    })
    app.get('/refuse/*rest', () => {
      throw new HttpError(401, 'no')
    })
    app.use(errorHandler)
    server = app.listen(0, '127.0.0.1')
    await new Promise((r) => server.once('listening', r))
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  })
  afterAll(() => new Promise<void>((r) => server.close(() => r())))

  it('ignores ?key= unless the server opts in, then takes keys on tiles only, never sessions', async () => {
    const token = async (path: string) => (await (await fetch(`${base}${path}`)).json()) as { token: string } | null
    expect(await token(`/default/tiles/incidents/12/1/2.mvt?key=${KEY}`)).toBeNull()
    expect(await token(`/on/tiles/incidents/12/1/2.mvt?key=${KEY}`)).toEqual({ token: KEY, fromCookie: false })
    expect(await token(`/on/ogc/collections?key=${KEY}`)).toBeNull()
    expect(await token(`/on/api/incidents?key=${KEY}`)).toBeNull()
    expect(await token(`/on/tiles/incidents/12/1/2.mvt?key=oms_${'S'.repeat(43)}`)).toBeNull()
  })

  it('never writes the key of a tile URL to the request log, on success, refusal or failure', async () => {
    for (const p of ['/on/tiles/incidents/12/1/2.mvt', '/refuse/tiles/a/1/2/3.mvt', '/fail/tiles/a/1/2/3.mvt']) {
      await (await fetch(`${base}${p}?from=2026-10-01&key=${KEY}`)).text()
    }
    await new Promise((r) => setTimeout(r, 50))
    const text = lines.join('')
    expect(lines.length).toBeGreaterThanOrEqual(4) // three requests and the failure's own line
    expect(text).toContain('/tiles/a/1/2/3.mvt')
    expect(text).not.toContain(KEY)
    expect(text).not.toContain('SSSSSSSS')
  })
})
