/**
 * The district profile: who this OneMap serves. Set from the data (the district-level area) and
 * an editable row (district_profile, migrations/025_boundaries.sql), never from code. Shared by
 * server and web.
 */
import { z } from 'zod'

const lng = z.number().min(-180).max(180)
const lat = z.number().min(-90).max(90)

/**
 * The UTC offset of an IANA time zone on a date, as `+08:00`, or null for an unknown zone.
 * @example utcOffset('Asia/Shanghai', new Date('2026-07-01')) // '+08:00'
 */
export function utcOffset(tz: string, at: Date): string | null {
  try {
    const part = new Intl.DateTimeFormat('en', { timeZone: tz, timeZoneName: 'longOffset' })
      .formatToParts(at)
      .find((p) => p.type === 'timeZoneName')
    const m = /GMT([+-]\d{2}:\d{2})?/.exec(part?.value ?? '')
    return m ? (m[1] ?? '+00:00') : null
  } catch {
    return null
  }
}

/**
 * The district's time zone. Days, months and 同比 periods are counted in China Standard Time
 * (UTC+8, no daylight saving) throughout, so only zones that keep +08:00 all year are taken:
 * a zone the code would not honour is refused rather than recorded and ignored.
 */
export const TimeZoneSchema = z
  .string()
  .refine(
    (tz) => utcOffset(tz, new Date('2026-01-15T00:00:00Z')) === '+08:00' && utcOffset(tz, new Date('2026-07-15T00:00:00Z')) === '+08:00',
    'an IANA time zone at UTC+08:00 all year, such as Asia/Shanghai (days are counted in China Standard Time)',
  )

/** `PUT /api/profile` and onboard.json's `profile`: any subset; null clears a field back to the data's. */
export const ProfileInputSchema = z.strictObject({
  name: z.string().trim().min(1).max(50).nullable().optional(),
  code: z
    .string()
    .trim()
    .regex(/^[0-9A-Za-z_-]{1,20}$/, 'letters, digits, - or _')
    .nullable()
    .optional(),
  timeZone: TimeZoneSchema.optional(),
  home: z
    .strictObject({ center: z.tuple([lng, lat]), zoom: z.number().min(0).max(22) })
    .nullable()
    .optional(),
  /** Area types (the boundary file's type field) that are statistics-only units, e.g. 开发区, 农场. */
  statisticsOnlyTypes: z.array(z.string().trim().min(1).max(40)).max(50).optional(),
})
export type ProfileInput = z.infer<typeof ProfileInputSchema>

/** `GET /api/profile`: the profile with the data's values filled in. */
export const ProfileSchema = z.object({
  name: z.string().nullable(),
  code: z.string().nullable(),
  timeZone: z.string(),
  home: z.object({ center: z.tuple([z.number(), z.number()]), zoom: z.number() }).nullable(),
  /** The district outline's bounding box, when boundaries are loaded. */
  bbox: z.tuple([z.number(), z.number(), z.number(), z.number()]).nullable(),
  statisticsOnlyTypes: z.array(z.string()),
  /** Town-level areas that are statistics-only units (to be ranked apart from real towns: issue 21). */
  statisticsOnlyUnits: z.array(z.object({ code: z.string(), name: z.string() })),
  /** Which fields come from the editable profile rather than the data. */
  setByHand: z.array(z.enum(['name', 'code', 'home'])),
})
export type Profile = z.infer<typeof ProfileSchema>

/**
 * The zoom at which a box fills a viewport of `px` pixels (web mercator, 512-px tiles), a
 * little less so the edges show.
 * @example zoomToFit([120.0, 30.0, 120.5, 30.4], 800) // ≈ 10
 */
export function zoomToFit(box: readonly [number, number, number, number], px = 800): number {
  const [w, s, e, n] = box
  const widthDeg = Math.max(e - w, 1e-6)
  const y = (d: number) => Math.log(Math.tan(Math.PI / 4 + (d * Math.PI) / 360))
  const heightRad = Math.max(y(n) - y(s), 1e-9)
  const zx = Math.log2((px * 360) / (512 * widthDeg))
  const zy = Math.log2((px * 2 * Math.PI) / (512 * heightRad))
  return Math.round(Math.min(zx, zy, 18) * 10) / 10 - 0.3
}
