/**
 * The gazetteer import row (`npm run import -- gazetteer FILE.csv`): a name and either the place
 * it is another name of (`alias_of`) or a point of its own (`lng,lat`, with the `level` a match on
 * it is worth). What the name points at is checked against the geocoder's dictionary and the
 * district's boundaries, so a bad line is rejected with its reason and the rest loads.
 */
import { z } from 'zod'

import type { AreaLocator } from '../addresses/locate.ts'
import { toWgs84Stored } from '../addresses/prepare.ts'
import { CrsSchema } from '../geo/crs.ts'
import { aliasTarget, GAZETTEER_LEVELS, type NameDictionary } from '../geocode/dictionary.ts'
import { normalizeName } from '../geocode/normalize.ts'

export const GAZETTEER_REQUIRED_COLUMNS = ['name'] as const
export const GAZETTEER_OPTIONAL_COLUMNS = ['alias_of', 'lng', 'lat', 'crs', 'level', 'town_code'] as const

/** A stored gazetteer row, as the import writes it. */
export interface GazetteerRow {
  name: string
  aliasOf: string | null
  /** WGS84, for a named point; null for an alias. */
  lng: number | null
  lat: number | null
  level: (typeof GAZETTEER_LEVELS)[number]
  townCode: string | null
}

/** What the line check needs to know: the names and towns of the district and its outline. */
export interface GazetteerContext {
  dict: NameDictionary
  locator: AreaLocator
}

const blank = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v)
const text = (name: string, max: number) =>
  z.preprocess(blank, z.string().trim().max(max, `${name} is longer than ${max} characters`).optional())
const coordinate = (name: 'lng' | 'lat', min: number, max: number) =>
  z.preprocess(
    blank,
    z.coerce
      .number({ error: `${name} is not a number` })
      .finite(`${name} is not a number`)
      .min(min, `${name} out of range`)
      .max(max, `${name} out of range`)
      .optional(),
  )

/**
 * The line schema, bound to the dictionary and boundaries of this database: an alias must name a
 * town, village, road or compound the geocoder knows (in `town_code`, if given); a point must lie
 * in the district; `town_code` must be a town.
 * @example gazetteerRowSchema(ctx).parse({ name: '宁围镇', alias_of: '宁围街道' }) // { name: '宁围镇', aliasOf: '宁围街道', level: 'town', … }
 */
export function gazetteerRowSchema(ctx: GazetteerContext) {
  return z
    .object({
      name: z.string({ error: 'name is missing' }).transform((s, c) => {
        const n = normalizeName(s)
        if (n.length < 2 || n.length > 100) {
          c.addIssue({ code: 'custom', message: n === '' ? 'name is empty' : 'name must be 2–100 characters' })
          return z.NEVER
        }
        return n
      }),
      alias_of: text('alias_of', 100),
      lng: coordinate('lng', -180, 180),
      lat: coordinate('lat', -90, 90),
      crs: z.preprocess(blank, CrsSchema.default('wgs84')),
      level: z.preprocess(blank, z.enum(GAZETTEER_LEVELS, { error: `level must be one of ${GAZETTEER_LEVELS.join(', ')}` }).optional()),
      town_code: text('town_code', 20),
    })
    .transform((r, c): GazetteerRow => {
      const fail = (message: string, path: string) => {
        c.addIssue({ code: 'custom', message, path: [path] })
        return z.NEVER
      }
      const townCode = r.town_code ?? null
      if (townCode !== null && !ctx.dict.townByCode.has(townCode)) return fail(`unknown town_code ${townCode}`, 'town_code')
      const hasPoint = r.lng !== undefined || r.lat !== undefined
      if (r.alias_of !== undefined && hasPoint) return fail('give alias_of or lng,lat, not both', 'alias_of')
      if (r.alias_of !== undefined) {
        const kind = aliasTarget(ctx.dict, r.alias_of, townCode)
        if (!kind)
          return fail(
            `alias_of ${JSON.stringify(r.alias_of)} names no town, village, road or compound${townCode ? ` of ${townCode}` : ''}`,
            'alias_of',
          )
        return {
          name: r.name,
          aliasOf: normalizeName(r.alias_of),
          lng: null,
          lat: null,
          level: r.level ?? (kind === 'town' || kind === 'village' || kind === 'road' ? kind : 'compound'),
          townCode,
        }
      }
      if (r.lng === undefined || r.lat === undefined) return fail('give alias_of, or both lng and lat', r.lng === undefined ? 'lng' : 'lat')
      const [lng, lat] = toWgs84Stored(r.lng, r.lat, r.crs)
      if (ctx.locator.locate(lng, lat).kind === 'outside') return fail(`point (${lng}, ${lat}) is outside the district`, 'lng')
      return { name: r.name, aliasOf: null, lng, lat, level: r.level ?? 'compound', townCode }
    })
}
