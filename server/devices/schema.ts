/**
 * IoT devices (物联感知) and their events: CSV rows, query strings and answers, as zod schemas.
 * Catalogue values (kinds, statuses, event kinds) are accepted as codes or Chinese names.
 */
import { z } from 'zod'

import { AreaCodeSchema } from '../areas/schema.ts'
import { codeOrName } from '../hazards/schema.ts'
import { InstantSchema } from '../incidents/query-schema.ts'
import { ReportTimeSchema } from '../incidents/schema.ts'
import { absent, BOTH_OR_NEITHER, bothOrNeither, optionalText, PLACED_CSV_COLUMNS, PLACED_CSV_FIELDS } from '../shared/csv-fields.ts'
import {
  DayInputSchema,
  enumList,
  FROM_BEFORE_TO,
  fromBeforeTo,
  IdCursorSchema,
  listLimit,
  ListLimitSchema,
  QueryBoolSchema,
} from '../shared/list-query.ts'
import { featurePageSchema, NumberMatchedSchema, PLACED_PROPERTIES, pointFeatureSchema, PointGeometrySchema } from '../shared/placed.ts'

export const DeviceKindSchema = z.enum(['smoke_detector', 'gas_alarm', 'gas_cylinder', 'ebike_charger'])
export type DeviceKind = z.infer<typeof DeviceKindSchema>
export const DEVICE_KIND_NAMES: Readonly<Record<DeviceKind, string>> = {
  smoke_detector: '烟感',
  gas_alarm: '燃气报警',
  gas_cylinder: '液化气钢瓶',
  ebike_charger: '电动车充电桩',
}

export const DeviceStatusSchema = z.enum(['active', 'retired'])
export type DeviceStatus = z.infer<typeof DeviceStatusSchema>
export const DEVICE_STATUS_NAMES: Readonly<Record<DeviceStatus, string>> = { active: '在用', retired: '停用' }

export const DeviceEventKindSchema = z.enum(['alarm', 'fault', 'offline', 'online', 'reading', 'test', 'filling', 'delivery'])
export type DeviceEventKind = z.infer<typeof DeviceEventKindSchema>
export const DEVICE_EVENT_KIND_NAMES: Readonly<Record<DeviceEventKind, string>> = {
  alarm: '报警',
  fault: '故障',
  offline: '离线',
  online: '上线',
  reading: '读数',
  test: '测试',
  filling: '充装',
  delivery: '配送',
}

const SourceIdSchema = z.string().trim().min(1, 'must not be empty').max(64, 'at most 64 characters')

/**
 * One line of a devices CSV. Where it is: its own address (address_id of the base, address text,
 * lng/lat), or else the organisation (`org_id`) or house (`house_id`) it belongs to — the source
 * ids of those imports; a gas cylinder's is its registered customer.
 */
export const DeviceCsvRowSchema = z
  .object({
    device_id: SourceIdSchema,
    kind: codeOrName(DeviceKindSchema, DEVICE_KIND_NAMES),
    name: optionalText(200),
    status: z.preprocess(absent, codeOrName(DeviceStatusSchema, DEVICE_STATUS_NAMES).default('active')),
    installed_at: z.preprocess(absent, DayInputSchema.optional()),
    org_id: z.preprocess(absent, SourceIdSchema.optional()),
    house_id: z.preprocess(absent, SourceIdSchema.optional()),
    ...PLACED_CSV_FIELDS,
    expected_refill_days: z.preprocess(absent, z.coerce.number().int('a whole number').min(1).max(366).optional()),
    source: optionalText(200),
  })
  .refine(bothOrNeither, BOTH_OR_NEITHER)
  .refine((r) => r.org_id === undefined || r.house_id === undefined, { message: 'give org_id or house_id, not both', path: ['house_id'] })
  .refine((r) => r.expected_refill_days === undefined || r.kind === 'gas_cylinder', {
    message: 'only gas cylinders (液化气钢瓶) are refilled',
    path: ['expected_refill_days'],
  })
export type DeviceCsvRow = z.infer<typeof DeviceCsvRowSchema>

export const DEVICE_REQUIRED_COLUMNS = ['device_id', 'kind'] as const
export const DEVICE_OPTIONAL_COLUMNS = [
  'name',
  'status',
  'installed_at',
  'org_id',
  'house_id',
  ...PLACED_CSV_COLUMNS,
  'expected_refill_days',
  'source',
] as const

/** An event's `details`: a JSON object (a CSV cell holds its text). */
const DetailsSchema = z.preprocess(
  (v) => {
    if (typeof v !== 'string') return v
    try {
      return JSON.parse(v) as unknown
    } catch {
      return v
    }
  },
  z.record(z.string(), z.unknown(), { error: 'a JSON object, e.g. {"ppm": 120}' }),
)

/**
 * One line of a device events CSV: the device by its source device_id; a delivery's point by an
 * address of the base (address_id), address text or lng/lat. A re-sent event (same device, time
 * and kind) is the same event.
 */
export const DeviceEventCsvRowSchema = z
  .object({
    device_id: SourceIdSchema,
    at: ReportTimeSchema,
    kind: codeOrName(DeviceEventKindSchema, DEVICE_EVENT_KIND_NAMES),
    value: z.preprocess(absent, z.coerce.number().finite().optional()),
    station: optionalText(200),
    ...PLACED_CSV_FIELDS,
    details: z.preprocess(absent, DetailsSchema.default({})),
    source: optionalText(200),
  })
  .refine(bothOrNeither, BOTH_OR_NEITHER)
export type DeviceEventCsvRow = z.infer<typeof DeviceEventCsvRowSchema>

export const DEVICE_EVENT_REQUIRED_COLUMNS = ['device_id', 'at', 'kind'] as const
export const DEVICE_EVENT_OPTIONAL_COLUMNS = ['value', 'station', ...PLACED_CSV_COLUMNS, 'details', 'source'] as const

/** `GET /api/devices`. */
export const DeviceListQuerySchema = z.object({
  area: AreaCodeSchema.optional(),
  kind: enumList(DeviceKindSchema).optional(),
  /** Only devices with an alarm or fault in the last 24 h and no later `online` or `test`. */
  alerting: QueryBoolSchema.optional(),
  limit: ListLimitSchema,
  cursor: IdCursorSchema.optional(),
})
export type DeviceListQuery = z.infer<typeof DeviceListQuerySchema>

/** `{id}` in device URLs: the numeric id or the source's device_id. */
export const DeviceParamsSchema = z.object({ id: z.string().trim().min(1).max(200) })

/** `GET /api/devices/{id}/events`: newest first; `from`/`to` bound the event time. */
export const DeviceEventQuerySchema = z
  .object({
    from: InstantSchema.optional(),
    to: InstantSchema.optional(),
    kind: enumList(DeviceEventKindSchema).optional(),
    limit: listLimit(10_000, 100),
    cursor: IdCursorSchema.optional(),
  })
  .refine(fromBeforeTo, FROM_BEFORE_TO)
export type DeviceEventQuery = z.infer<typeof DeviceEventQuerySchema>

/** One event of a device. */
export const DeviceEventSchema = z.object({
  id: z.number().int(),
  at: z.string(),
  kind: DeviceEventKindSchema,
  kindName: z.string(),
  value: z.number().nullable(),
  station: z.string().nullable(),
  address: z.string().nullable(),
  addressId: z.string().nullable(),
  /** Where it happened (a delivery's point), when given. */
  point: PointGeometrySchema.nullable(),
  details: z.record(z.string(), z.unknown()),
})
export type DeviceEvent = z.infer<typeof DeviceEventSchema>

export const DevicePropertiesSchema = z.object({
  id: z.number().int(),
  deviceId: z.string(),
  kind: DeviceKindSchema,
  kindName: z.string(),
  name: z.string().nullable(),
  status: DeviceStatusSchema,
  installedAt: z.string().nullable(),
  /** The organisation or house (their source ids) it belongs to. */
  orgId: z.string().nullable(),
  houseId: z.string().nullable(),
  expectedRefillDays: z.number().int().nullable(),
  ...PLACED_PROPERTIES,
  /** An alarm or fault in the 24 h before now with no later `online` or `test`. */
  alerting: z.boolean(),
  latestEvent: z.object({ at: z.string(), kind: DeviceEventKindSchema, kindName: z.string(), value: z.number().nullable() }).nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
})
export type DeviceProperties = z.infer<typeof DevicePropertiesSchema>

/** A device as an RFC 7946 Feature (null geometry when unplaced). */
export const DeviceFeatureSchema = pointFeatureSchema(DevicePropertiesSchema)
export type DeviceFeature = z.infer<typeof DeviceFeatureSchema>

/** `GET /api/devices`: newest first; `next` is the cursor of the following page; the first page counts the matches. */
export const DevicePageSchema = featurePageSchema(DeviceFeatureSchema).extend({ numberMatched: NumberMatchedSchema })
export type DevicePage = z.infer<typeof DevicePageSchema>

/** `GET /api/devices/{id}/events`: newest first; `next` is the cursor of the following page. */
export const DeviceEventPageSchema = z.object({
  deviceId: z.string(),
  events: z.array(DeviceEventSchema),
  next: z.string().nullable(),
})
export type DeviceEventPage = z.infer<typeof DeviceEventPageSchema>
