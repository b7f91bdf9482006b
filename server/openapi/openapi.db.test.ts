/**
 * The API reference as its readers meet it: an integrator with an API key reads a valid OpenAPI
 * 3.1 document that lists exactly the /api routes the server mounts, whose permissions are the
 * ones the server enforces and whose required fields are the ones it demands; strangers get none.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import { Validator } from '@seriousme/openapi-schema-validator'
import type express from 'express'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { createApp } from '../app.ts'
import { createApiKey, createUser } from '../auth/store.ts'
import { loadConfig } from '../config.ts'
import { startTestServer, type TestServer } from '../testing/harness.ts'

let s: TestServer
let analystKey = ''
let adminKey = ''

interface JsonSchema {
  type?: string
  properties?: Record<string, JsonSchema>
  required?: string[]
  items?: JsonSchema
}
interface Operation {
  'x-permission': string
  security: Record<string, string[]>[]
  parameters?: { name: string; in: string; required?: boolean }[]
  requestBody?: { content: Record<string, { schema?: JsonSchema }> }
}
interface Doc {
  openapi: string
  paths: Record<string, Record<string, Operation>>
}

beforeAll(async () => {
  s = await startTestServer({ seed: 'none', web: false, auth: 'required' })
  const analyst = await createUser(
    s.db.sql,
    { username: 'analyst-li', displayName: '分析员李', role: 'analyst', areaCodes: [], password: 'a-long-test-password' },
    'test',
  )
  const admin = await createUser(
    s.db.sql,
    { username: 'admin-wang', displayName: '管理员王', role: 'admin', areaCodes: [], password: 'a-long-test-password' },
    'test',
  )
  analystKey = (await createApiKey(s.db.sql, analyst.id, 'reads the API reference', 'test')).key
  adminKey = (await createApiKey(s.db.sql, admin.id, 'checks required fields', 'test')).key
}, 300_000)

afterAll(async () => {
  await s?.close()
})

async function documentAs(key: string): Promise<Doc> {
  const res = await fetch(`${s.url}/api/openapi.json`, { headers: { authorization: `Bearer ${key}` } })
  expect(res.status).toBe(200)
  expect(res.headers.get('content-type')).toMatch(/^application\/json/)
  return (await res.json()) as Doc
}

/** Every documented operation as `METHOD /path`, the path in OpenAPI form. */
function documented(doc: Doc): string[] {
  return Object.entries(doc.paths).flatMap(([p, item]) => Object.keys(item).map((m) => `${m.toUpperCase()} ${p}`))
}

interface StackLayer {
  route?: { path: unknown; methods: Record<string, boolean> }
  handle: { stack?: StackLayer[] }
  rawPath?: unknown
  slash?: boolean
}

/**
 * Every `/api` route an Express app has mounted, as `METHOD /path` in OpenAPI form, walking the
 * app's router and every router mounted in it. A router mounted under a path that is not a plain
 * string fails loudly rather than be skipped.
 */
function mountedApiRoutes(app: express.Express): string[] {
  const out: string[] = []
  const walk = (stack: StackLayer[], prefix: string) => {
    for (const layer of stack) {
      if (layer.route) {
        const paths = Array.isArray(layer.route.path) ? layer.route.path : [layer.route.path]
        for (const p of paths) {
          if (typeof p !== 'string') {
            // Pattern routes (the web app's fallbacks, /wall): none may answer under /api.
            if (p instanceof RegExp && p.test('/api/x')) throw new Error(`a pattern route ${p} answers under /api: document it as a path`)
            continue
          }
          const full = prefix + p
          if (!/^\/api(\/|$)/.test(full)) continue
          for (const m of Object.keys(layer.route.methods))
            out.push(`${m.toUpperCase()} ${full.replace(/:([A-Za-z_$][A-Za-z0-9_$]*)/g, '{$1}')}`)
        }
      } else if (layer.handle.stack) {
        if (!layer.slash && typeof layer.rawPath !== 'string')
          throw new Error(`a router is mounted under ${String(layer.rawPath)}: teach this walk its prefix`)
        walk(layer.handle.stack, layer.slash ? prefix : prefix + String(layer.rawPath))
      }
    }
  }
  walk((app as unknown as { router: { stack: StackLayer[] } }).router.stack, '')
  return out
}

/** A value that fits a path segment; the checks below stop before a handler would read it. */
function samplePath(p: string): string {
  return p.replace(/\{[^}]+\}/g, '1')
}

describe('the API reference', () => {
  it('lists exactly the /api routes the server mounts: none missing, none that is not there', async () => {
    const doc = await documentAs(analystKey)
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'onemap-openapi-'))
    const app = createApp(s.db, loadConfig({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, SEED: 'none' }))
    try {
      const mounted = mountedApiRoutes(app)
      // The walk sees the routes it must (a broken walk would pass by seeing nothing).
      expect(mounted).toContain('GET /api/incidents/{id}')
      expect(mounted).toContain('HEAD /api/export/{file}')
      expect(mounted.length).toBeGreaterThan(60)
      const docs = documented(doc)
      expect(
        mounted.filter((r) => !docs.includes(r)),
        "mounted but not in the document: add them to the domain's openapi.ts",
      ).toEqual([])
      expect(
        docs.filter((r) => !mounted.includes(r)),
        'in the document but not mounted',
      ).toEqual([])
    } finally {
      for (const close of (app.locals.onClose ?? []) as (() => unknown)[]) await close()
      fs.rmSync(dataDir, { recursive: true, force: true })
    }
  })

  it("is a valid OpenAPI 3.1 document, readable by any logged-in caller (an analyst's API key)", async () => {
    const doc = await documentAs(analystKey)
    expect(doc.openapi).toMatch(/^3\.1\./)
    const validator = new Validator()
    const result = await validator.validate(doc as unknown as Record<string, unknown>)
    expect(result.errors ?? []).toEqual([])
    expect(result.valid).toBe(true)
    // What an integrator looks for first: how to send incidents, and what that needs.
    const ingest = doc.paths['/api/incidents']!.post!
    expect(ingest['x-permission']).toBe('ingest')
    expect(ingest.requestBody!.content['application/json']!.schema!.items!.required).toEqual(['incident_id', 'reported_at', 'category'])
    // Basic (an API key as the password) is offered only where the server takes it: reading exports.
    const basicOn = Object.entries(doc.paths).flatMap(([p, item]) =>
      Object.entries(item)
        .filter(([, op]) => op.security.some((r) => 'basic' in r))
        .map(([m]) => `${m.toUpperCase()} ${p}`),
    )
    expect(basicOn.sort()).toEqual(['GET /api/export/residents.csv', 'GET /api/export/{file}', 'HEAD /api/export/{file}'])
  })

  it('is for logged-in callers only: a stranger gets 401, a browser is sent to log in and back to /api/docs', async () => {
    const res = await fetch(`${s.url}/api/openapi.json`)
    expect(res.status).toBe(401)
    const page = await fetch(`${s.url}/api/docs`, { headers: { accept: 'text/html' }, redirect: 'manual' })
    expect(page.status).toBe(302)
    expect(page.headers.get('location')).toBe('/login?next=%2Fapi%2Fdocs')
    // Logged in, the page is the viewer, and its files come from this server (only the viewer's own).
    const viewer = await fetch(`${s.url}/api/docs`, { headers: { authorization: `Bearer ${analystKey}` } })
    expect(viewer.status).toBe(200)
    const html = await viewer.text()
    expect(html).toContain('<script src="docs/swagger-ui-bundle.js"></script>')
    expect(html).not.toMatch(/https?:\/\//)
    const bundle = await fetch(`${s.url}/api/docs/swagger-ui-bundle.js`, { headers: { authorization: `Bearer ${analystKey}` } })
    expect(bundle.status).toBe(200)
    expect(bundle.headers.get('content-type')).toMatch(/javascript/)
    expect((await bundle.text()).length).toBeGreaterThan(1_000_000)
    const other = await fetch(`${s.url}/api/docs/package.json`, { headers: { authorization: `Bearer ${analystKey}` } })
    expect(other.status).toBe(400)
  })

  it('promises the logins the server enforces: each operation it marks as needing one refuses a stranger with 401, the public ones do not', async () => {
    const doc = await documentAs(analystKey)
    const wrong: string[] = []
    let guarded = 0
    for (const [p, item] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(item)) {
        const needsLogin = op['x-permission'] !== 'public'
        expect(op.security.length > 0, `${method} ${p}: security must say what the permission says`).toBe(needsLogin)
        const body = method === 'get' || method === 'head' ? undefined : '{}'
        // As a program asks (a browser asking for /api/docs is sent to the login page instead).
        const headers = { accept: 'application/json', ...(body ? { 'content-type': 'application/json' } : {}) }
        const res = await fetch(`${s.url}${samplePath(p)}`, { method: method.toUpperCase(), headers, body, redirect: 'manual' })
        await res.body?.cancel()
        if ((res.status === 401) !== needsLogin)
          wrong.push(`${method.toUpperCase()} ${p}: documented ${op['x-permission']}, answered ${res.status}`)
        if (needsLogin) guarded++
      }
    }
    expect(wrong).toEqual([])
    expect(guarded).toBeGreaterThan(60)
  })

  it('marks as required the fields the server demands: an empty request is refused naming each of them', async () => {
    const doc = await documentAs(adminKey)
    const checked: string[] = []
    const mismatches: string[] = []
    for (const [p, item] of Object.entries(doc.paths)) {
      if (p.includes('{')) continue // with an id, a missing row may answer before the body is read
      for (const [method, op] of Object.entries(item)) {
        const requiredQuery = (op.parameters ?? []).filter((x) => x.in === 'query' && x.required).map((x) => `query.${x.name}`)
        const schema = op.requestBody?.content['application/json']?.schema
        const item0 = schema?.type === 'array' ? schema.items : undefined
        const requiredBody = (item0 ?? schema)?.required?.map((f) => (item0 ? `body.0.${f}` : `body.${f}`)) ?? []
        const expected = [...requiredQuery, ...requiredBody]
        if (expected.length === 0) continue
        // Required query fields alone first (with a valid body they would be the only problem).
        const body = schema ? JSON.stringify(item0 ? [{}] : {}) : undefined
        const res = await fetch(`${s.url}${p}`, {
          method: method.toUpperCase(),
          headers: { authorization: `Bearer ${adminKey}`, ...(body ? { 'content-type': 'application/json' } : {}) },
          body,
        })
        const answer = (await res.json()) as { details?: { where: string }[] }
        const named = new Set((answer.details ?? []).map((d) => d.where))
        const missing =
          res.status === 400 ? (requiredQuery.length > 0 ? requiredQuery : requiredBody).filter((w) => !named.has(w)) : expected
        if (missing.length > 0) mismatches.push(`${method.toUpperCase()} ${p}: answered ${res.status}, not naming ${missing.join(', ')}`)
        checked.push(`${method.toUpperCase()} ${p}`)
      }
    }
    expect(mismatches).toEqual([])
    // The ones a client is most likely to get wrong are among those checked.
    expect(checked).toEqual(
      expect.arrayContaining(['POST /api/incidents', 'POST /api/hazards', 'POST /api/tasks', 'GET /api/geocode', 'POST /api/users']),
    )
  })
})
