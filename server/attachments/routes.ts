import fs from 'node:fs'

import busboy from 'busboy'
import { type Request, type Response, Router } from 'express'

import { audit } from '../audit/log.ts'
import { auditContext } from '../audit/request.ts'
import { authOf, scopeOf } from '../auth/context.ts'
import type { Config } from '../config.ts'
import type { Db } from '../db/index.ts'
import { actorOf } from '../http/actor.ts'
import { bodyStream } from '../http/body.ts'
import { HttpError, parseInput } from '../http/errors.ts'
import { safeName } from '../imports/upload.ts'
import { type ProcessedUpload, processUpload, UnsupportedUpload } from './process.ts'
import { AttachmentParamsSchema } from './schema.ts'
import { attachmentPath, storedIn, type Variant, writeAttachmentFiles } from './storage.ts'
import { attachmentBytes, findAttachment, saveAttachment } from './store.ts'

/** The form field that carries the file. */
const FILE_FIELD = 'file'

/**
 * Reads the one file of a multipart upload (field `file`) into memory, at most `maxBytes`: 413
 * beyond (the rest of the request is read and dropped, so the client gets the answer), 400 when
 * it is not multipart or has no such file.
 * @example const { bytes, filename } = await receiveFile(req, 20 * 1024 ** 2)
 */
async function receiveFile(req: Request, maxBytes: number): Promise<{ bytes: Buffer; filename: string | null }> {
  const limitMb = `${+(maxBytes / 1024 ** 2).toFixed(3)} MB`
  const tooBig = new HttpError(413, `the file is larger than ${limitMb}, the most an attachment may be (ATTACHMENT_MAX_MB)`)
  if (!req.is('multipart/form-data')) throw new HttpError(400, `body: send the file as multipart/form-data in the field "${FILE_FIELD}"`)
  // Far beyond the limit by its own declaration: answer at once (the body is drained, not read).
  if (Number(req.get('content-length') ?? 0) > maxBytes + 1024 ** 2) {
    req.resume()
    throw tooBig
  }
  const chunks: Buffer[] = []
  let filename: string | null = null
  let found = false
  let truncated = false
  try {
    await new Promise<void>((resolve, reject) => {
      const bb = busboy({ headers: req.headers, defParamCharset: 'utf8', limits: { fileSize: maxBytes, files: 1, fields: 10, parts: 20 } })
      bb.on('file', (field, stream, info) => {
        if (field !== FILE_FIELD || found) {
          stream.resume()
          return
        }
        found = true
        filename = info.filename ? safeName(info.filename).slice(0, 200) : null
        stream.on('data', (c: Buffer) => chunks.push(c))
        stream.on('limit', () => {
          truncated = true
        })
      })
      bb.on('error', reject)
      bb.on('close', resolve)
      bodyStream(req).pipe(bb)
    })
  } catch (err) {
    throw new HttpError(400, `body: not a readable multipart upload (${err instanceof Error ? err.message : String(err)})`)
  }
  if (truncated) throw tooBig
  if (!found) throw new HttpError(400, `body: no file in the upload (field "${FILE_FIELD}")`)
  const bytes = Buffer.concat(chunks)
  if (bytes.length === 0) throw new HttpError(400, 'body: the file is empty')
  return { bytes, filename }
}

/**
 * Photos and documents for hazards, tasks and their history (docs/api.md#attachments):
 * - `POST /api/attachments` (multipart, field `file`): JPEG, PNG, WebP, HEIC (served as JPEG) or
 *   PDF by content, at most ATTACHMENT_MAX_MB; 201 with the record. Identical bytes are one
 *   attachment (same id), however often uploaded;
 * - `GET /api/attachments/{id}` and `…/{id}/thumb`: the file (images without their metadata) and
 *   a ≤320 px JPEG, to callers who may see a record it is linked to (or its uploader before it
 *   is linked); anyone else gets the 404 of an unknown id. Every download is audited.
 * Ids are linked to records through the task and hazard bodies' `attachments`.
 * @example app.use(attachmentRoutes(db, config))
 */
export function attachmentRoutes(db: Db, config: Pick<Config, 'DATA_DIR' | 'ATTACHMENT_MAX_MB'>): Router {
  const router = Router()
  const where = storedIn(db.kind)

  router.post('/api/attachments', async (req, res) => {
    const file = await receiveFile(req, Math.round(config.ATTACHMENT_MAX_MB * 1024 ** 2))
    let processed: ProcessedUpload
    try {
      processed = await processUpload(file.bytes)
    } catch (err) {
      if (err instanceof UnsupportedUpload) throw new HttpError(415, err.message, { detected: err.detected })
      throw err
    }
    if (where === 'disk') await writeAttachmentFiles(config.DATA_DIR, processed)
    const uploader = { actor: actorOf(req), userId: authOf(req)?.user.id ?? null }
    const record = await db.withScope(scopeOf(req), (tx) => saveAttachment(tx, processed, where, uploader, file.filename))
    await audit(db.sql, {
      ...auditContext(req, res),
      action: 'attachment.upload',
      target: `attachment:${record.id}`,
      details: { mime: record.mime, sourceMime: record.sourceMime, bytes: record.bytes, filename: record.filename },
    })
    res.status(201).json(record)
  })

  /** Sends a file or thumbnail to a caller who may see it, after recording the download. */
  const download = async (req: Request, res: Response, variant: Variant) => {
    const { id } = parseInput(AttachmentParamsSchema, req.params, 'params')
    const found = await db.withScope(scopeOf(req), async (tx) => {
      const a = await findAttachment(tx, id, actorOf(req))
      if (!a) return null
      return { a, bytes: a.storedIn === 'db' && req.method !== 'HEAD' ? await attachmentBytes(tx, id, variant) : null }
    })
    if (!found) throw new HttpError(404, `no attachment ${id}`)
    const { a } = found
    const size = variant === 'file' ? a.bytes : a.thumbnailBytes
    if (size === null) throw new HttpError(404, `attachment ${id} has no thumbnail (a ${a.mime})`)
    res.set({
      'Cache-Control': 'private',
      'X-Content-Type-Options': 'nosniff',
      // The id is the content's hash: it never changes under the same URL.
      ETag: `"${id}${variant === 'file' ? '' : '-thumb'}"`,
    })
    if (variant === 'file' && a.mime === 'application/pdf') res.attachment(a.filename ?? `${id}.pdf`)
    else res.set('Content-Disposition', 'inline')
    res.type(variant === 'file' ? a.mime : 'image/jpeg')
    res.set('Content-Length', String(size))
    if (req.method === 'HEAD') {
      res.end()
      return
    }
    await audit(db.sql, {
      ...auditContext(req, res),
      action: 'attachment.download',
      target: `attachment:${id}`,
      details: { variant, mime: a.mime, bytes: size },
    })
    if (found.bytes) {
      res.end(found.bytes)
      return
    }
    const file = attachmentPath(config.DATA_DIR, id, variant)
    await new Promise<void>((resolve, reject) => {
      const stream = fs.createReadStream(file)
      stream.on('error', reject)
      stream.on('end', resolve)
      stream.pipe(res)
    })
  }

  router.get('/api/attachments/:id', (req, res) => download(req, res, 'file'))
  router.get('/api/attachments/:id/thumb', (req, res) => download(req, res, 'thumbnail'))

  return router
}
