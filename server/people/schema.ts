/**
 * Houses (实有房屋) and residents (实有人口): CSV rows, query strings and answers, as zod schemas.
 * Catalogue values (a house's use, a resident's residence, key-person categories) are accepted as
 * their code or their Chinese name, so a file exported from a Chinese system imports as is.
 * Personal fields (names, phones, ID numbers) leave the server masked unless a `pii` caller asks.
 */
import { z } from 'zod'

import { AreaCodeSchema } from '../areas/schema.ts'
import { codeOrName } from '../hazards/schema.ts'
import { absent, BOTH_OR_NEITHER, bothOrNeither, optionalText, PLACED_CSV_COLUMNS, PLACED_CSV_FIELDS } from '../shared/csv-fields.ts'
import { commaList, DayInputSchema, enumList, IdCursorSchema, ListLimitSchema, QueryBoolSchema } from '../shared/list-query.ts'
import { featurePageSchema, NumberMatchedSchema, PLACED_PROPERTIES, pointFeatureSchema } from '../shared/placed.ts'

/** 自住 / 出租 / 空置 / 经营 / 其他. */
export const HouseUseSchema = z.enum(['self_occupied', 'rented', 'vacant', 'commercial', 'other'])
export type HouseUse = z.infer<typeof HouseUseSchema>
export const HOUSE_USE_NAMES: Readonly<Record<HouseUse, string>> = {
  self_occupied: '自住',
  rented: '出租',
  vacant: '空置',
  commercial: '经营',
  other: '其他',
}

/** 户籍 (registered here) or 流动 (migrant). */
export const ResidenceSchema = z.enum(['registered', 'migrant'])
export type Residence = z.infer<typeof ResidenceSchema>
export const RESIDENCE_NAMES: Readonly<Record<Residence, string>> = { registered: '户籍', migrant: '流动' }

/** 重点人员 categories (the CHECK of residents.key_categories in migrations/034). */
export const KeyCategorySchema = z.enum([
  'community_correction',
  'released_prisoner',
  'drug',
  'mental_illness',
  'petition',
  'juvenile',
  'other',
])
export type KeyCategory = z.infer<typeof KeyCategorySchema>
export const KEY_CATEGORY_NAMES: Readonly<Record<KeyCategory, string>> = {
  community_correction: '社区矫正',
  released_prisoner: '刑满释放',
  drug: '吸毒',
  mental_illness: '严重精神障碍',
  petition: '重点信访',
  juvenile: '重点青少年',
  other: '其他',
}

/** A migrant's 居住登记 at a day: valid (registered, not expired), expired, or none. */
export const RegistrationSchema = z.enum(['valid', 'expired', 'none'])
export type Registration = z.infer<typeof RegistrationSchema>

/** Empty CSV fields mean "not given". */
const optionalDay = z.preprocess(absent, DayInputSchema.optional())
const SourceIdSchema = z.string().trim().min(1, 'must not be empty').max(64, 'at most 64 characters')

const TRUE = new Set(['是', 'true', '1', 'y', 'yes'])
const FALSE = new Set(['否', 'false', '0', 'n', 'no'])

/**
 * A yes/no cell: 是/否, true/false, 1/0 (also y/n, yes/no); empty is "no".
 * @example CsvBoolSchema.parse('是') // true
 */
export const CsvBoolSchema = z.preprocess(
  (v) => {
    if (v === undefined || v === null || v === '') return false
    if (typeof v !== 'string') return v
    const s = v.trim().toLowerCase()
    return TRUE.has(s) ? true : FALSE.has(s) ? false : v
  },
  z.boolean({ error: '是 or 否 (true/false, 1/0)' }),
)

/**
 * Key-person categories in one cell, `;`-separated (also `；` or `、`), codes or Chinese names;
 * sorted and without repeats, so the same set always compares equal.
 * @example KeyCategoriesSchema.parse('吸毒; community_correction') // ['community_correction', 'drug']
 */
export const KeyCategoriesSchema = z.preprocess(
  (v) =>
    typeof v === 'string'
      ? v
          .split(/[;；、]/)
          .map((s) => s.trim())
          .filter((s) => s !== '')
      : (v ?? []),
  z.array(codeOrName(KeyCategorySchema, KEY_CATEGORY_NAMES)).transform((a) => [...new Set(a)].sort()),
)

/** A person's name as written (2–50 characters). */
const PersonNameSchema = z.preprocess(absent, z.string().trim().min(1).max(50, 'at most 50 characters').optional())
/** A phone number: digits, with +, - or spaces. */
const PhoneSchema = z.preprocess(
  absent,
  z
    .string()
    .trim()
    .regex(/^\+?[\d\s-]{5,20}$/, 'a phone number (digits, +, - or spaces)')
    .optional(),
)
/** A mainland ID-card number: 18 characters (the last may be X) or the old 15 digits. */
const IdNumberSchema = z.preprocess(
  absent,
  z
    .string()
    .trim()
    .regex(/^(\d{17}[\dXx]|\d{15})$/, 'an ID-card number of 18 characters (or 15 digits)')
    .transform((s) => s.toUpperCase())
    .optional(),
)

/** One line of a houses CSV; idempotent by the source's `house_id`. */
export const HouseCsvRowSchema = z
  .object({
    house_id: SourceIdSchema,
    ...PLACED_CSV_FIELDS,
    room: optionalText(50),
    use: codeOrName(HouseUseSchema, HOUSE_USE_NAMES),
    group_rental: CsvBoolSchema,
    rooms: z.preprocess(absent, z.coerce.number().int('a whole number').min(0).max(10000).optional()),
    floor_area_m2: z.preprocess(absent, z.coerce.number().finite().min(0, 'not negative').max(1e6).optional()),
    owner_name: PersonNameSchema,
    owner_phone: PhoneSchema,
  })
  .refine(bothOrNeither, BOTH_OR_NEITHER)
  .refine((v) => v.address_id !== undefined || v.address !== undefined || v.lng !== undefined, {
    message: 'give address_id, address or lng/lat',
    path: ['address'],
  })
export type HouseCsvRow = z.infer<typeof HouseCsvRowSchema>

export const HOUSE_REQUIRED_COLUMNS = ['house_id', 'use'] as const
export const HOUSE_OPTIONAL_COLUMNS = [
  ...PLACED_CSV_COLUMNS,
  'room',
  'group_rental',
  'rooms',
  'floor_area_m2',
  'owner_name',
  'owner_phone',
] as const

/**
 * One line of a residents CSV; idempotent by the source's `person_id` (pseudonymous, never the ID
 * number). With `house_id` (the house's source id) the resident takes the house's placement;
 * without, `address_id`/`address`/coordinates place them.
 */
export const ResidentCsvRowSchema = z
  .object({
    person_id: SourceIdSchema,
    house_id: z.preprocess(absent, SourceIdSchema.optional()),
    ...PLACED_CSV_FIELDS,
    residence: codeOrName(ResidenceSchema, RESIDENCE_NAMES),
    registered_on: optionalDay,
    registration_expires: optionalDay,
    moved_in: optionalDay,
    moved_out: optionalDay,
    key_categories: KeyCategoriesSchema,
    name: PersonNameSchema,
    id_number: IdNumberSchema,
    phone: PhoneSchema,
  })
  .refine(bothOrNeither, BOTH_OR_NEITHER)
  .refine((v) => v.house_id !== undefined || v.address_id !== undefined || v.address !== undefined || v.lng !== undefined, {
    message: 'give house_id, or address_id, address or lng/lat',
    path: ['house_id'],
  })
  .refine((v) => !v.registered_on || !v.registration_expires || v.registration_expires >= v.registered_on, {
    message: 'must not be before registered_on',
    path: ['registration_expires'],
  })
  .refine((v) => !v.moved_in || !v.moved_out || v.moved_out >= v.moved_in, {
    message: 'must not be before moved_in',
    path: ['moved_out'],
  })
export type ResidentCsvRow = z.infer<typeof ResidentCsvRowSchema>

export const RESIDENT_REQUIRED_COLUMNS = ['person_id', 'residence'] as const
export const RESIDENT_OPTIONAL_COLUMNS = [
  'house_id',
  ...PLACED_CSV_COLUMNS,
  'registered_on',
  'registration_expires',
  'moved_in',
  'moved_out',
  'key_categories',
  'name',
  'id_number',
  'phone',
] as const

// ── Queries ────────────────────────────────────────────────────────────────────────────────

/** `GET /api/houses`. */
export const HouseListQuerySchema = z.object({
  area: AreaCodeSchema.optional(),
  use: enumList(HouseUseSchema).optional(),
  groupRental: QueryBoolSchema.optional(),
  limit: ListLimitSchema,
  cursor: IdCursorSchema.optional(),
})
export type HouseListQuery = z.infer<typeof HouseListQuerySchema>

/** `{id}` in house and resident URLs: the numeric id or the source's id. */
export const PeopleParamsSchema = z.object({ id: z.string().trim().min(1).max(200) })

/** `key=`: key-person categories (any of them), or `any` for every key person. */
export const KeyFilterSchema = commaList(z.enum([...KeyCategorySchema.options, 'any']), 'give at least one value')

/** `GET /api/residents`. */
export const ResidentListQuerySchema = z.object({
  area: AreaCodeSchema.optional(),
  /** A house: its numeric id or its source house_id. */
  house: z.string().trim().min(1).max(200).optional(),
  residence: enumList(ResidenceSchema).optional(),
  key: KeyFilterSchema.optional(),
  registration: RegistrationSchema.optional(),
  limit: ListLimitSchema,
  cursor: IdCursorSchema.optional(),
})
export type ResidentListQuery = z.infer<typeof ResidentListQuerySchema>

/** `GET /api/residents/{id}?reveal=true`. */
export const ResidentDetailQuerySchema = z.object({ reveal: QueryBoolSchema.optional() })

/** `GET /api/export/residents.csv?area=&residence=&key=&registration=&unmasked=true`: the list's filters. */
export const ResidentExportQuerySchema = z.object({
  area: AreaCodeSchema.optional(),
  residence: enumList(ResidenceSchema).optional(),
  key: KeyFilterSchema.optional(),
  registration: RegistrationSchema.optional(),
  unmasked: QueryBoolSchema.optional(),
})

// ── Answers ────────────────────────────────────────────────────────────────────────────────

export const HousePropertiesSchema = z.object({
  id: z.number().int(),
  houseId: z.string(),
  room: z.string().nullable(),
  use: HouseUseSchema,
  useName: z.string(),
  groupRental: z.boolean(),
  rooms: z.number().int().nullable(),
  floorAreaM2: z.number().nullable(),
  /** Masked (`王**`). */
  ownerName: z.string().nullable(),
  /** Masked (`138****5678`). */
  ownerPhone: z.string().nullable(),
  /** Residents living there today (Asia/Shanghai): moved in (or unknown) and not moved out. */
  currentResidents: z.number().int(),
  ...PLACED_PROPERTIES,
  updatedAt: z.string(),
})
export type HouseProperties = z.infer<typeof HousePropertiesSchema>

export const HouseFeatureSchema = pointFeatureSchema(HousePropertiesSchema)
export type HouseFeature = z.infer<typeof HouseFeatureSchema>

/** `GET /api/houses`: newest first; `next` is the cursor of the following page. */
export const HousePageSchema = featurePageSchema(HouseFeatureSchema).extend({ numberMatched: NumberMatchedSchema })
export type HousePage = z.infer<typeof HousePageSchema>

/** A resident as the API gives them (masked unless `unmasked`). */
export const ResidentSchema = z.object({
  id: z.number().int(),
  personId: z.string(),
  /** The house's numeric id and source id, or null. */
  house: z.object({ id: z.number().int(), houseId: z.string() }).nullable(),
  residence: ResidenceSchema,
  residenceName: z.string(),
  registeredOn: z.string().nullable(),
  registrationExpires: z.string().nullable(),
  /** The 居住登记 today (Asia/Shanghai). */
  registration: RegistrationSchema,
  movedIn: z.string().nullable(),
  movedOut: z.string().nullable(),
  /** Living there today: moved in (or unknown) and not moved out. */
  current: z.boolean(),
  keyCategories: z.array(KeyCategorySchema),
  keyCategoryNames: z.array(z.string()),
  name: z.string().nullable(),
  idNumber: z.string().nullable(),
  phone: z.string().nullable(),
  /** True when name, idNumber and phone are the real values (a `pii` caller who asked). */
  unmasked: z.boolean(),
  ...PLACED_PROPERTIES,
  lng: z.number().nullable(),
  lat: z.number().nullable(),
  updatedAt: z.string(),
})
export type Resident = z.infer<typeof ResidentSchema>

/** `GET /api/residents`: newest first, masked. */
export const ResidentPageSchema = z.object({
  residents: z.array(ResidentSchema),
  next: z.string().nullable(),
  numberMatched: NumberMatchedSchema,
})
export type ResidentPage = z.infer<typeof ResidentPageSchema>

/** Counts of a house's current residents. */
export const HouseCountsSchema = z.object({
  residents: z.number().int(),
  /** 流动人口. */
  migrants: z.number().int(),
  /** 户籍人口. */
  registered: z.number().int(),
  /** Migrants without a valid 居住登记 today. */
  unregisteredMigrants: z.number().int(),
  /** With at least one key-person category. */
  keyPersons: z.number().int(),
})
export type HouseCounts = z.infer<typeof HouseCountsSchema>

/** `GET /api/houses/{id}`: the house, its current residents (masked) and their counts. */
export const HouseDetailSchema = HouseFeatureSchema.extend({
  residents: z.array(ResidentSchema),
  counts: HouseCountsSchema,
})
export type HouseDetail = z.infer<typeof HouseDetailSchema>
