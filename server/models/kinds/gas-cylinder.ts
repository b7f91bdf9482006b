/**
 * Gas cylinders (液化气钢瓶, the LPG case) in the last `window.days`:
 * (a) deliveries (device_events `delivery`) farther than `params.toleranceM` from the cylinder's
 *     registered customer (its organisation's or house's point, else where the cylinder is
 *     registered), grouped by delivery point — its standard address, else a cell about
 *     `params.cellM` wide: one finding per unregistered point (`point:<address_id>` or
 *     `point:cell:<x>:<y>`), levelled by the deliveries there; cylinders without a registered
 *     point are left out (nothing to be far from);
 * (b) cylinders (`cylinder:<device_id>`) with at least `params.minFillings` fillings whose median
 *     interval is below `params.cycleRatio` × their expected refill days: yellow, orange when the
 *     same cylinder was also delivered to an unregistered point.
 */
import type { DefinitionOf } from '../definition.ts'
import type { Detector, Finding } from '../types.ts'
import { byString, fmt1, levelAtLeast, round6, zhDate } from '../util.ts'
import { type Placed, placeOf } from './full-view.ts'
import { coordinateWords, type PlaceName, placeNames, placeWords } from './places.ts'

const DAY_MS = 86_400_000
/** Metres per degree near Xiaoshan (30° N). */
const M_PER_DEG_LAT = 110_854
const M_PER_DEG_LNG = 96_388

export interface Delivery {
  /** the device's source id */
  deviceId: string
  at: Date
  address: string | null
  addressId: string | null
  lng: number
  lat: number
  /** metres from the registered customer */
  distM: number
}

export interface CylinderFillings extends Placed {
  deviceId: string
  expectedRefillDays: number
  /** oldest first */
  fillings: Date[]
}

/**
 * The point a delivery counts at: its standard address, else a cell of `cellM` metres.
 * @example deliveryPoint({ addressId: null, lng: 120.27, lat: 30.17 }, 50) // 'point:cell:231851:66889'
 */
export function deliveryPoint(d: Pick<Delivery, 'addressId' | 'lng' | 'lat'>, cellM: number): string {
  if (d.addressId) return `point:${d.addressId}`
  return `point:cell:${Math.floor((d.lng * M_PER_DEG_LNG) / cellM)}:${Math.floor((d.lat * M_PER_DEG_LAT) / cellM)}`
}

/**
 * The median of numbers (NaN for none).
 * @example median([5, 1, 3, 10]) // 4
 */
export function median(xs: readonly number[]): number {
  if (xs.length === 0) return Number.NaN
  const s = [...xs].sort((a, b) => a - b)
  const m = Math.floor(s.length / 2)
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2
}

/** The unregistered points' deliveries, by subject. */
export function farDeliveries(def: DefinitionOf<'gas_cylinder'>, deliveries: readonly Delivery[]): Map<string, Delivery[]> {
  const out = new Map<string, Delivery[]>()
  for (const d of deliveries) {
    if (!(d.distM > def.params.toleranceM)) continue
    const k = deliveryPoint(d, def.params.cellM)
    const list = out.get(k)
    if (list) list.push(d)
    else out.set(k, [d])
  }
  return out
}

/** Gas cylinder findings (pure): `names` name the points without an address (placeNames). */
export function gasCylinderFindings(
  def: DefinitionOf<'gas_cylinder'>,
  deliveries: readonly Delivery[],
  cylinders: readonly CylinderFillings[],
  names: ReadonlyMap<string, PlaceName> = new Map(),
): Finding[] {
  const out: Finding[] = []
  const far = farDeliveries(def, deliveries)
  const farByDevice = new Map<string, number>()
  for (const list of far.values()) for (const d of list) farByDevice.set(d.deviceId, (farByDevice.get(d.deviceId) ?? 0) + 1)
  for (const [subject, list] of [...far].sort((a, b) => byString(a[0], b[0]))) {
    const level = levelAtLeast(list.length, def.thresholds)
    if (!level) continue
    list.sort((a, b) => a.at.getTime() - b.at.getTime() || byString(a.deviceId, b.deviceId))
    const lng = list.reduce((s, d) => s + d.lng, 0) / list.length
    const lat = list.reduce((s, d) => s + d.lat, 0) / list.length
    const cylinders = new Set(list.map((d) => d.deviceId)).size
    const address = list.find((d) => d.address)?.address ?? null
    const where = address ?? (names.has(subject) ? placeWords(names.get(subject), { lng, lat }) : `${coordinateWords({ lng, lat })}附近`)
    const nearest = Math.min(...list.map((d) => d.distM))
    out.push({
      subject,
      level,
      title: `液化气钢瓶配送至非登记地点：${where}`,
      explanation:
        `近${def.window.days}日向此处配送液化气钢瓶 ${list.length} 次，涉及钢瓶 ${cylinders} 个，均距其登记用户 ${def.params.toleranceM} 米以上` +
        `（最近的也有 ${Math.round(nearest)} 米），${zhDate(list[0]!.at)}至${zhDate(list[list.length - 1]!.at)}，疑似非登记用户用气`,
      metrics: {
        deliveries: list.length,
        cylinders,
        minDistanceM: Math.round(nearest),
        first: list[0]!.at.toISOString(),
        last: list[list.length - 1]!.at.toISOString(),
      },
      place: { kind: 'point', lng, lat, addressId: list[0]!.addressId },
    })
  }
  for (const c of [...cylinders].sort((a, b) => byString(a.deviceId, b.deviceId))) {
    if (c.fillings.length < def.params.minFillings) continue
    const times = [...c.fillings].sort((a, b) => a.getTime() - b.getTime())
    const intervals = times.slice(1).map((t, i) => (t.getTime() - times[i]!.getTime()) / DAY_MS)
    const med = median(intervals)
    const limit = def.params.cycleRatio * c.expectedRefillDays
    if (!(med < limit)) continue
    const place = placeOf(c)
    if (!place) continue
    const elsewhere = farByDevice.get(c.deviceId) ?? 0
    out.push({
      subject: `cylinder:${c.deviceId}`,
      level: elsewhere > 0 ? 'orange' : 'yellow',
      title: `液化气钢瓶充装过频：钢瓶 ${c.deviceId}`,
      explanation:
        `近${def.window.days}日充装 ${times.length} 次，充装间隔中位数 ${fmt1(med)} 日，低于正常周期 ${c.expectedRefillDays} 日的 ${Math.round(def.params.cycleRatio * 100)}%（${fmt1(limit)} 日），疑似转供或私充` +
        (elsewhere > 0 ? `；另有 ${elsewhere} 次配送至距登记用户 ${def.params.toleranceM} 米以外，升为橙色` : ''),
      metrics: {
        fillings: times.length,
        medianIntervalDays: round6(med),
        expectedRefillDays: c.expectedRefillDays,
        farDeliveries: elsewhere,
        last: times[times.length - 1]!.toISOString(),
      },
      place,
    })
  }
  return out
}

export const detectGasCylinder: Detector<'gas_cylinder'> = async (sql, def, asOf) => {
  const from = new Date(asOf.getTime() - def.window.days * DAY_MS)
  const registered = sql`coalesce(o.geom, h.geom, dv.geom)`
  const deliveries = await sql<Delivery[]>`
    SELECT dv.device_id AS "deviceId", e.at, coalesce(e.address, a.address) AS address, e.address_id AS "addressId",
           ST_X(coalesce(e.geom, a.geom)) AS lng, ST_Y(coalesce(e.geom, a.geom)) AS lat,
           ST_Distance(coalesce(e.geom, a.geom)::geography, ${registered}::geography) AS "distM"
    FROM device_events e JOIN devices dv ON dv.id = e.device_id
    LEFT JOIN organisations o ON o.id = dv.organisation_id LEFT JOIN houses h ON h.id = dv.house_id
    LEFT JOIN addresses a ON a.address_id = e.address_id
    WHERE dv.kind = 'gas_cylinder' AND e.kind = 'delivery' AND e.at >= ${from} AND e.at < ${asOf}
      AND coalesce(e.geom, a.geom) IS NOT NULL AND ${registered} IS NOT NULL
    ORDER BY e.at, dv.device_id`
  const fillings = await sql<
    {
      deviceId: string
      expectedRefillDays: number
      at: Date
      lng: number | null
      lat: number | null
      addressId: string | null
      townCode: string | null
      villageCode: string | null
      gridCode: string | null
    }[]
  >`
    SELECT dv.device_id AS "deviceId", dv.expected_refill_days AS "expectedRefillDays", e.at,
           ST_X(${registered}) AS lng, ST_Y(${registered}) AS lat, coalesce(o.address_id, h.address_id, dv.address_id) AS "addressId",
           coalesce(o.town_code, h.town_code, dv.town_code) AS "townCode", coalesce(o.village_code, h.village_code, dv.village_code) AS "villageCode",
           coalesce(o.grid_code, h.grid_code, dv.grid_code) AS "gridCode"
    FROM device_events e JOIN devices dv ON dv.id = e.device_id
    LEFT JOIN organisations o ON o.id = dv.organisation_id LEFT JOIN houses h ON h.id = dv.house_id
    WHERE dv.kind = 'gas_cylinder' AND e.kind = 'filling' AND dv.expected_refill_days IS NOT NULL
      AND e.at >= ${from} AND e.at < ${asOf}
    ORDER BY dv.device_id, e.at`
  const cylinders = new Map<string, CylinderFillings>()
  for (const { at, ...c } of fillings) {
    const cur = cylinders.get(c.deviceId)
    if (cur) cur.fillings.push(at)
    else cylinders.set(c.deviceId, { ...c, fillings: [at] })
  }
  // Points without an address are named from the address base around them.
  const unnamed = [...farDeliveries(def, deliveries)]
    .filter(([, list]) => !list.some((d) => d.address))
    .map(([subject, list]) => ({ subject, place: { kind: 'point' as const, lng: list[0]!.lng, lat: list[0]!.lat } }))
  return {
    findings: gasCylinderFindings(def, deliveries, [...cylinders.values()], await placeNames(sql, unnamed)),
    window: { from, to: asOf },
    notes: { deliveries: deliveries.length, cylinders: cylinders.size },
  }
}
