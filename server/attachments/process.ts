/**
 * What an uploaded file becomes before it is stored: its type found from its content (file-type,
 * magic bytes: never the name or the declared Content-Type), the time and place of a photo read
 * from its EXIF (exifr) before anything else, the image re-encoded without its metadata (sharp:
 * no GPS, camera serials or maker notes in what is served) with a thumbnail, a HEIC photo decoded
 * by libheif (heic-decode: sharp's prebuilt libvips reads the HEIF container but cannot decode
 * HEVC) and served as JPEG. PDFs are kept as uploaded. No database here.
 */
import crypto from 'node:crypto'

import exifr from 'exifr'
import { fileTypeFromBuffer } from 'file-type'
import sharp, { type Sharp } from 'sharp'
import { z } from 'zod'

import { invalidField } from '../shared/errors.ts'
import { ACCEPTED_UPLOAD_TYPES, type AttachmentMime } from './schema.ts'

/** The longer side of a thumbnail, in pixels. */
export const THUMBNAIL_MAX_PX = 320

/** Larger images are refused before they are decoded (a decompression bomb costs memory, not bytes). */
const MAX_INPUT_PIXELS = 100_000_000

const NO_FACTS = { takenAt: null, lng: null, lat: null } as const

/** Content that is not one of the accepted types: HTTP 415 at the edge, naming what was found. */
export class UnsupportedUpload extends Error {
  constructor(readonly detected: string | null) {
    super(
      `unsupported file type: the content is ${detected ?? 'of no known type (text or unknown binary)'}; ` +
        'send a JPEG, PNG, WebP or HEIC photo, or a PDF (the type is read from the content, not the name)',
    )
    this.name = 'UnsupportedUpload'
  }
}

/** An upload ready to store. */
export interface ProcessedUpload {
  /** SHA-256 (hex) of the uploaded bytes: the attachment's id. */
  id: string
  mime: AttachmentMime
  sourceMime: string
  /** What is served. */
  data: Buffer
  /** A JPEG of at most THUMBNAIL_MAX_PX on its longer side; null for PDFs. */
  thumbnail: Buffer | null
  width: number | null
  height: number | null
  takenAt: Date | null
  lng: number | null
  lat: number | null
}

/**
 * The SHA-256 of some bytes, in hex: an attachment's id.
 * @example contentId(Buffer.from('abc')) // 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'
 */
export function contentId(bytes: Uint8Array): string {
  return crypto.createHash('sha256').update(bytes).digest('hex')
}

/**
 * The type of some bytes by their content, as `mime (.ext)`, or null when none is known.
 * @example await detectedType(pdfBytes) // { mime: 'application/pdf', label: 'application/pdf (.pdf)' }
 */
export async function detectedType(bytes: Uint8Array): Promise<{ mime: string; label: string } | null> {
  const t = await fileTypeFromBuffer(bytes)
  return t ? { mime: t.mime, label: `${t.mime} (.${t.ext})` } : null
}

/**
 * An EXIF date and time (`2026:05:04 09:08:07`) as an instant, at its EXIF offset (`+02:00`) or
 * else Beijing time (cameras write the local time without a zone); null for anything else.
 * @example exifTime('2026:05:04 09:08:07')?.toISOString() // '2026-05-04T01:08:07.000Z'
 * @example exifTime('2026:05:04 09:08:07', '+00:00')?.toISOString() // '2026-05-04T09:08:07.000Z'
 * @example exifTime('0000:00:00 00:00:00') // null
 */
export function exifTime(raw: string, offset?: string | null): Date | null {
  const m = /^(\d{4}):(\d{2}):(\d{2})[ T](\d{2}):(\d{2}):(\d{2})/.exec(raw.trim())
  if (!m) return null
  const zone = offset && /^[+-]\d{2}:\d{2}$/.test(offset.trim()) ? offset.trim() : '+08:00'
  const d = new Date(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}${zone}`)
  return Number.isNaN(d.getTime()) || d.getUTCFullYear() < 1990 ? null : d
}

/** The EXIF fields read, as exifr gives them (reviveValues off: times stay text). */
const ExifFieldsSchema = z
  .object({
    DateTimeOriginal: z.string().optional(),
    CreateDate: z.string().optional(),
    OffsetTimeOriginal: z.string().optional(),
    OffsetTimeDigitized: z.string().optional(),
    latitude: z.number().optional(),
    longitude: z.number().optional(),
  })
  .partial()

/**
 * The TIFF block inside an EXIF blob as libvips hands it over (`Exif\0\0` first for JPEG, the
 * bare TIFF header for HEIF), or null.
 * @example tiffOf(Buffer.from('Exif\0\0II*\0…')) // the bytes from 'II*\0'
 */
export function tiffOf(exif: Buffer): Buffer | null {
  for (let i = 0; i <= Math.min(16, exif.length - 4); i++) {
    const head = exif.subarray(i, i + 4)
    if (head.equals(Buffer.from('II*\0', 'latin1')) || head.equals(Buffer.from('MM\0*', 'latin1'))) return exif.subarray(i)
  }
  return null
}

/**
 * When and where a photo was taken, from its EXIF block (null fields when absent or nonsense; a
 * 0,0 position is a camera without a fix).
 * @example await photoFacts(exifBlob) // { takenAt: Date, lng: 120.25, lat: 30.16 }
 */
export async function photoFacts(exif: Buffer | undefined): Promise<{ takenAt: Date | null; lng: number | null; lat: number | null }> {
  const tiff = exif ? tiffOf(exif) : null
  if (!tiff) return NO_FACTS
  const parsed = ExifFieldsSchema.safeParse(
    await exifr.parse(tiff, { tiff: true, exif: true, gps: true, ifd1: false, reviveValues: false }).catch(() => null),
  )
  if (!parsed.success) return NO_FACTS
  const f = parsed.data
  const time = f.DateTimeOriginal
    ? exifTime(f.DateTimeOriginal, f.OffsetTimeOriginal)
    : f.CreateDate
      ? exifTime(f.CreateDate, f.OffsetTimeDigitized)
      : null
  const { latitude: lat, longitude: lng } = f
  const placed =
    lat !== undefined &&
    lng !== undefined &&
    Number.isFinite(lat) &&
    Number.isFinite(lng) &&
    Math.abs(lat) <= 90 &&
    Math.abs(lng) <= 180 &&
    !(lat === 0 && lng === 0)
  return { takenAt: time, lng: placed ? lng : null, lat: placed ? lat : null }
}

/** Decodes a HEIC/HEIF photo to RGBA pixels (libheif in WebAssembly, loaded on first use). */
async function decodeHeic(bytes: Buffer): Promise<Sharp> {
  const { default: decode } = await import('heic-decode')
  const img = await decode({ buffer: bytes })
  return sharp(Buffer.from(img.data.buffer, img.data.byteOffset, img.data.byteLength), {
    raw: { width: img.width, height: img.height, channels: 4 },
    limitInputPixels: MAX_INPUT_PIXELS,
  })
}

/**
 * Checks and converts an upload (see the module note). Throws UnsupportedUpload for any other
 * type, Invalid (`body.file`) for an image that does not decode.
 * @example const p = await processUpload(jpegBytes); p.mime // 'image/jpeg', p.data without EXIF
 */
export async function processUpload(bytes: Buffer): Promise<ProcessedUpload> {
  const type = await detectedType(bytes)
  if (!type || !(ACCEPTED_UPLOAD_TYPES as readonly string[]).includes(type.mime)) throw new UnsupportedUpload(type?.label ?? null)
  const id = contentId(bytes)
  if (type.mime === 'application/pdf') {
    return { id, mime: 'application/pdf', sourceMime: type.mime, data: bytes, thumbnail: null, width: null, height: null, ...NO_FACTS }
  }
  const heif = type.mime === 'image/heic' || type.mime === 'image/heif'
  try {
    // Read before anything is stripped: libvips parses every container's EXIF (HEIC included,
    // which exifr's own HEIF reader gets wrong when the item locations use base offsets).
    const meta = await sharp(bytes, { limitInputPixels: MAX_INPUT_PIXELS }).metadata()
    const facts = await photoFacts(meta.exif)
    // Upright by the EXIF orientation (libheif applies HEIF's own rotation as it decodes); sharp
    // writes no metadata unless asked, so the output has no EXIF, XMP, IPTC or ICC block.
    const image = heif ? await decodeHeic(bytes) : sharp(bytes, { limitInputPixels: MAX_INPUT_PIXELS }).rotate()
    const mime: AttachmentMime = heif ? 'image/jpeg' : (type.mime as AttachmentMime)
    const encoded =
      mime === 'image/png'
        ? image.png()
        : mime === 'image/webp'
          ? image.webp({ quality: 90 })
          : image.flatten({ background: '#ffffff' }).jpeg({ quality: 90 })
    const { data, info } = await encoded.toBuffer({ resolveWithObject: true })
    const thumbnail = await sharp(data)
      .resize({ width: THUMBNAIL_MAX_PX, height: THUMBNAIL_MAX_PX, fit: 'inside', withoutEnlargement: true })
      .flatten({ background: '#ffffff' })
      .jpeg({ quality: 75 })
      .toBuffer()
    return { id, mime, sourceMime: type.mime, data, thumbnail, width: info.width, height: info.height, ...facts }
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err)
    throw invalidField('body.file', `the ${type.mime} image could not be read (${why})`)
  }
}
