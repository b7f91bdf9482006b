/**
 * Receives the files of an import request (multipart/form-data, busboy: a kept streaming parser
 * rather than our own) into a fresh folder, with the form's text fields.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { pipeline } from 'node:stream/promises'

import busboy from 'busboy'
import type { Request } from 'express'

import { bodyStream } from '../http/body.ts'
import { HttpError } from '../http/errors.ts'

export interface Upload {
  dir: string
  files: string[]
  fields: Record<string, string>
  remove(): void
}

/** The largest file accepted (an address base of a few million lines is under 2 GB). */
const MAX_FILE_BYTES = 4 * 1024 ** 3

/**
 * A file name safe to write in the upload folder: its base name, without path tricks.
 * @example safeName('../../etc/passwd') // 'passwd'
 */
export function safeName(name: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are stripped from file names on purpose
  const base = path.basename(name.replace(/\\/g, '/')).replace(/[\u0000-\u001f]/g, '')
  return base === '' || base === '.' || base === '..' ? 'upload' : base
}

/**
 * Saves a multipart request's files; 400 when it is not multipart or holds no file.
 * @example const up = await receiveUpload(req); up.files // ['/tmp/onemap-upload-…/towns.zip']
 */
export async function receiveUpload(req: Request): Promise<Upload> {
  if (!req.is('multipart/form-data'))
    throw new HttpError(400, 'body: send the files as multipart/form-data (fields: kind, options; files: file)')
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'onemap-upload-'))
  const remove = () => fs.rmSync(dir, { recursive: true, force: true })
  const files: string[] = []
  const fields: Record<string, string> = {}
  const writes: Promise<void>[] = []
  try {
    await new Promise<void>((resolve, reject) => {
      const bb = busboy({ headers: req.headers, limits: { fileSize: MAX_FILE_BYTES, files: 50, fields: 20 } })
      bb.on('file', (_field, stream, info) => {
        const target = path.join(dir, safeName(info.filename ?? `file${files.length + 1}`))
        files.push(target)
        stream.on('limit', () => reject(new HttpError(413, `file ${info.filename} is larger than ${MAX_FILE_BYTES / 1024 ** 3} GB`)))
        writes.push(pipeline(stream, fs.createWriteStream(target)))
      })
      bb.on('field', (name, value) => {
        fields[name] = value
      })
      bb.on('error', reject)
      bb.on('close', resolve)
      bodyStream(req).pipe(bb)
    })
    await Promise.all(writes)
  } catch (err) {
    remove()
    throw err instanceof HttpError
      ? err
      : new HttpError(400, `body: not a readable multipart upload (${err instanceof Error ? err.message : String(err)})`)
  }
  if (files.length === 0) {
    remove()
    throw new HttpError(400, 'body: no file in the upload (field "file")')
  }
  return { dir, files, fields, remove }
}
