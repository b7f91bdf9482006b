/** The documented operations of ./routes.ts: the document and its viewer document themselves. */
import { z } from 'zod'

import type { ApiOperation } from './operation.ts'

const tag = 'API documentation'

/** The viewer's files the server hands out (./routes.ts), and nothing else of the package. */
export const VIEWER_FILES = ['swagger-ui.css', 'swagger-ui-bundle.js', 'docs.js', 'favicon-32x32.png'] as const
export const ViewerFileParamsSchema = z.object({ file: z.enum(VIEWER_FILES) })

export const docsOperations: ApiOperation[] = [
  {
    method: 'get',
    path: '/api/openapi.json',
    tag,
    summary: "This document: OpenAPI 3.1, generated from the server's own schemas",
    ok: { description: 'The OpenAPI document' },
  },
  {
    method: 'get',
    path: '/api/docs',
    tag,
    summary: 'The browsable API reference (Swagger UI, served by this server: works offline)',
    description: 'A browser without a login is sent to the login page first.',
    ok: { description: 'The viewer page', type: 'text/html' },
  },
  {
    method: 'get',
    path: '/api/docs/:file',
    tag,
    params: ViewerFileParamsSchema,
    summary: "The viewer's script, style sheet and icon",
    ok: { description: 'The file', type: 'application/octet-stream' },
  },
]
