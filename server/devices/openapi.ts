/** The documented operations of ./routes.ts (server/openapi/operation.ts). */
import type { ApiOperation } from '../openapi/operation.ts'
import {
  DeviceEventPageSchema,
  DeviceEventQuerySchema,
  DeviceFeatureSchema,
  DeviceListQuerySchema,
  DevicePageSchema,
  DeviceParamsSchema,
} from './schema.ts'

const tag = 'Devices'
const GEOJSON = 'application/geo+json'
const notFound = { 404: "No such device in the caller's scope" } as const

export const deviceOperations: ApiOperation[] = [
  {
    method: 'get',
    path: '/api/devices',
    tag,
    query: DeviceListQuerySchema,
    summary: 'IoT devices (物联感知) as GeoJSON with their latest event, newest first (keyset pages: pass `next` as `cursor`)',
    description: '`alerting=true`: devices with an alarm or fault in the last 24 hours and no later `online` or `test` event.',
    ok: { description: 'A FeatureCollection page', type: GEOJSON, schema: DevicePageSchema },
  },
  {
    method: 'get',
    path: '/api/devices/:id',
    tag,
    params: DeviceParamsSchema,
    summary: "One device with its latest event (`id`: the number or the source's device_id)",
    ok: { description: 'The device', type: GEOJSON, schema: DeviceFeatureSchema },
    errors: notFound,
  },
  {
    method: 'get',
    path: '/api/devices/:id/events',
    tag,
    params: DeviceParamsSchema,
    query: DeviceEventQuerySchema,
    summary: "A device's events (alarms, faults, readings, fillings, deliveries…), newest first (keyset pages)",
    ok: { description: 'A page of events', schema: DeviceEventPageSchema },
    errors: notFound,
  },
]
