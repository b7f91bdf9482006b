/**
 * `GET /api/openapi.json`: the OpenAPI 3.1 document of `/api` (./document.ts), built once on first
 * request; `GET /api/docs`: Swagger UI over it, its files served from node_modules/swagger-ui-dist
 * by this server (no CDN: the command center's LAN has no internet). Both need a login, like the
 * rest of /api (server/auth/policy.ts); a browser without one is sent to the login page.
 */
import fs from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'

import { Router } from 'express'

import { CSRF_COOKIE, CSRF_HEADER } from '../auth/middleware.ts'
import { parseInput } from '../http/errors.ts'
import { ROOT_DIR } from '../web/static.ts'
import { buildDocument } from './document.ts'
import { ViewerFileParamsSchema } from './openapi.ts'
import { API_OPERATIONS } from './registry.ts'

const SWAGGER_UI_DIR = path.dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'))

/** The API's version: the package's. */
function apiVersion(): string {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT_DIR, 'package.json'), 'utf8')) as { version?: string }
  return pkg.version ?? '0.0.0'
}

/** The document as served, built on first use (the operations never change while the server runs). */
let documentJson: string | null = null
export function openApiJson(): string {
  return (documentJson ??= JSON.stringify(buildDocument(API_OPERATIONS, apiVersion())))
}

/** Paths are relative to /api/docs, so a server behind a path prefix still finds them. */
const PAGE = `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>平安一张图 API</title>
<link rel="icon" type="image/png" href="docs/favicon-32x32.png">
<link rel="stylesheet" href="docs/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="docs/swagger-ui-bundle.js"></script>
<script src="docs/docs.js"></script>
</body>
</html>
`

/**
 * The viewer's start (a file: the CSP allows no inline script). No validator badge (it would
 * send the document to validator.swagger.io); "Try it out" runs as the logged-in user, with the
 * CSRF header the server wants on every write from a cookie session.
 */
const SCRIPT = `(() => {
  const csrf = () => (document.cookie.split('; ').find((c) => c.startsWith('${CSRF_COOKIE}=')) || '').slice(${CSRF_COOKIE.length + 1})
  window.ui = SwaggerUIBundle({
    url: 'openapi.json',
    dom_id: '#swagger-ui',
    deepLinking: true,
    validatorUrl: null,
    docExpansion: 'list',
    defaultModelsExpandDepth: 0,
    persistAuthorization: false,
    requestInterceptor: (req) => {
      if (!/^(GET|HEAD|OPTIONS)$/i.test(req.method || 'GET') && csrf()) req.headers['${CSRF_HEADER}'] = decodeURIComponent(csrf())
      return req
    },
  })
})()
`

/** @example app.use(openApiRoutes()) */
export function openApiRoutes(): Router {
  const router = Router()
  router.get('/api/openapi.json', (_req, res) => {
    res.type('application/json').setHeader('Cache-Control', 'no-cache')
    res.send(openApiJson())
  })
  router.get('/api/docs', (_req, res) => {
    res.type('html').setHeader('Cache-Control', 'no-cache')
    res.send(PAGE)
  })
  router.get('/api/docs/:file', (req, res) => {
    const { file } = parseInput(ViewerFileParamsSchema, req.params, 'params')
    res.setHeader('Cache-Control', 'no-cache')
    if (file === 'docs.js') {
      res.type('text/javascript').send(SCRIPT)
      return
    }
    res.sendFile(path.join(SWAGGER_UI_DIR, file))
  })
  return router
}
