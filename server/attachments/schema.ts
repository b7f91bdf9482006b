/**
 * Attachments: photos and documents stored by the server for hazards, tasks and their history
 * events. Zod schemas shared with the web app (free of Express and the database).
 */
import { z } from 'zod'

/** What an upload may be, by its content (magic bytes), not its name. */
export const ACCEPTED_UPLOAD_TYPES = ['image/jpeg', 'image/png', 'image/webp', 'image/heic', 'image/heif', 'application/pdf'] as const

/** What is served: images re-encoded in their own format (HEIC/HEIF as JPEG), PDFs as uploaded. */
export const AttachmentMimeSchema = z.enum(['image/jpeg', 'image/png', 'image/webp', 'application/pdf'])
export type AttachmentMime = z.infer<typeof AttachmentMimeSchema>

/** An attachment's id: the SHA-256 of the uploaded bytes, 64 lowercase hex digits. */
export const AttachmentIdSchema = z
  .string()
  .regex(/^[0-9a-f]{64}$/, 'an attachment id (64 lowercase hex digits, as POST /api/attachments answers)')

/** `attachments` in a task or hazard body: ids of uploaded attachments, recorded on the event. */
export const AttachmentIdsSchema = z.array(AttachmentIdSchema).max(20, 'at most 20 attachments at once')

export const AttachmentParamsSchema = z.object({ id: AttachmentIdSchema })

/** An attachment as the API answers (`POST /api/attachments`, and in task and hazard details). */
export const AttachmentSchema = z.object({
  id: AttachmentIdSchema,
  mime: AttachmentMimeSchema,
  /** The type found in the uploaded bytes (`image/heic` for a photo served as JPEG). */
  sourceMime: z.string(),
  /** The size of what is served. */
  bytes: z.number().int(),
  width: z.number().int().nullable(),
  height: z.number().int().nullable(),
  /** When the photo was taken (EXIF; a time without an offset is read as Beijing time). */
  takenAt: z.string().nullable(),
  /** Where the photo was taken (EXIF GPS, WGS84); the served file no longer carries it. */
  lng: z.number().nullable(),
  lat: z.number().nullable(),
  filename: z.string().nullable(),
  /** `GET` this for the file. */
  url: z.string(),
  /** A JPEG at most 320 px on its longer side; null for PDFs. */
  thumbnailUrl: z.string().nullable(),
  createdAt: z.string(),
})
export type Attachment = z.infer<typeof AttachmentSchema>

/** An attachment of a task or hazard, with the history event it came with. */
export const LinkedAttachmentSchema = AttachmentSchema.extend({
  /** The id of the event in the record's `history`. */
  eventId: z.number().int(),
  linkedBy: z.string(),
  linkedAt: z.string(),
})
export type LinkedAttachment = z.infer<typeof LinkedAttachmentSchema>
