/** The documented operations of ./routes.ts (server/openapi/operation.ts). */
import { z } from 'zod'

import type { ApiOperation } from '../openapi/operation.ts'
import { AttachmentParamsSchema, AttachmentSchema } from './schema.ts'

const tag = 'Attachments'
const notFound = { 404: 'No such attachment, or none the caller may see (a record it is linked to, or their own upload)' } as const

/** The multipart form the route reads with busboy: described here, since no zod schema parses the whole form. */
const UploadSchema = z.object({
  file: z.string().meta({
    format: 'binary',
    description: 'A JPEG, PNG, WebP or HEIC photo, or a PDF, by content (the name and declared type are not trusted)',
  }),
})

export const attachmentOperations: ApiOperation[] = [
  {
    method: 'post',
    path: '/api/attachments',
    tag,
    body: { type: 'multipart/form-data', schema: UploadSchema },
    summary: 'Upload a photo or document; link it by id in a task or hazard body (`attachments`)',
    description:
      'Images are re-encoded without their metadata (EXIF GPS, camera serials) after the time and place were read from it; ' +
      'HEIC is served as JPEG. The id is the SHA-256 of the uploaded bytes: the same file again answers the same attachment. ' +
      'Until linked, an attachment is visible to its uploaders only.',
    ok: { status: 201, description: 'The attachment', schema: AttachmentSchema },
    errors: {
      413: 'The file is larger than ATTACHMENT_MAX_MB',
      415: 'The content is not an accepted type (the answer names the type found)',
    },
  },
  {
    method: 'get',
    path: '/api/attachments/:id',
    tag,
    params: AttachmentParamsSchema,
    summary: 'The file (images without their metadata; PDFs as a download); audited',
    ok: { description: 'The file, with its own Content-Type', type: 'application/octet-stream' },
    errors: notFound,
  },
  {
    method: 'get',
    path: '/api/attachments/:id/thumb',
    tag,
    params: AttachmentParamsSchema,
    summary: "An image's thumbnail (JPEG, at most 320 px on its longer side); audited",
    ok: { description: 'The thumbnail', type: 'image/jpeg' },
    errors: notFound,
  },
]
