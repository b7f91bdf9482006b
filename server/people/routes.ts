import { stringify } from 'csv-stringify/sync'
import { type Request, Router } from 'express'

import { auditRequest } from '../audit/request.ts'
import { allowed, scopeOf } from '../auth/context.ts'
import { unseal } from '../auth/sealed.ts'
import type { Db } from '../db/index.ts'
import { HttpError, parseInput } from '../http/errors.ts'
import { resolveRecordId } from '../shared/placed.ts'
import { shanghaiDay } from '../shared/time.ts'
import { findArea } from '../stats/queries.ts'
import {
  HouseListQuerySchema,
  KEY_CATEGORY_NAMES,
  PeopleParamsSchema,
  RESIDENCE_NAMES,
  ResidentDetailQuerySchema,
  ResidentExportQuerySchema,
  ResidentListQuerySchema,
} from './schema.ts'
import { getHouse, getResident, houseCounts, listHouses, listResidents, residentSealed, residentsForExport } from './store.ts'

const GEOJSON = 'application/geo+json; charset=utf-8'

export interface PeopleRouteOptions {
  /** The clock that decides who lives where today and whose registration is valid (tests fix it). */
  now?: () => Date
}

/** The columns of the residents CSV export, in order. */
export const RESIDENT_EXPORT_COLUMNS = [
  'id',
  'person_id',
  'house_id',
  'residence',
  'registered_on',
  'registration_expires',
  'moved_in',
  'moved_out',
  'key_categories',
  'name',
  'id_number',
  'phone',
  'address',
  'town_code',
  'village_code',
  'grid_code',
] as const

/**
 * Houses (实有房屋) and residents (实有人口) over HTTP, always inside the caller's areas
 * (row-level security: a record elsewhere is the same 404 as none):
 * - `GET /api/houses?area=&use=&groupRental=&limit=&cursor=`: GeoJSON, newest first, owner masked,
 *   with the count of residents living there today;
 * - `GET /api/houses/{id}`: the house, its current residents (masked) and their counts;
 * - `GET /api/residents?area=&house=&residence=&key=&registration=&limit=&cursor=`: masked;
 * - `GET /api/residents/{id}?reveal=true`: masked, or the real name, phone and ID number for a
 *   `pii` caller who asks (never a 403);
 * - `GET /api/export/residents.csv?area=&residence=&key=&registration=&unmasked=true`: the caller's residents (the list's filters) as CSV, masked
 *   unless a district-wide `pii` caller asks.
 * Every read of residents writes one `people.read` audit row (the export `people.export`).
 * @example app.use(peopleRoutes(db))
 */
export function peopleRoutes(db: Db, opts: PeopleRouteOptions = {}): Router {
  const router = Router()
  const today = () => shanghaiDay((opts.now ?? (() => new Date()))())

  router.get('/api/houses', async (req, res) => {
    const q = parseInput(HouseListQuerySchema, req.query, 'query')
    const page = await db.withScope(scopeOf(req), async (tx) => {
      const area = q.area ? await findArea(tx, q.area) : null
      return listHouses(tx, { area, use: q.use, groupRental: q.groupRental }, today(), q.limit, q.cursor ?? null)
    })
    res.type(GEOJSON).send(JSON.stringify(page))
  })

  router.get('/api/houses/:id', async (req, res) => {
    const { id } = parseInput(PeopleParamsSchema, req.params, 'params')
    const day = today()
    const detail = await db.withScope(scopeOf(req), async (tx) => {
      const found = await resolveRecordId(tx, 'houses', id)
      const house = found ? await getHouse(tx, found, day) : null
      if (!found || !house) return null
      const residents = await listResidents(tx, { house: found, current: true }, day, 1000, null)
      return { ...house, residents: residents.residents, counts: await houseCounts(tx, found, day) }
    })
    if (!detail) throw new HttpError(404, `no house ${id}`)
    await auditRequest(db, req, res, 'people.read', `house:${detail.id}`, { residents: detail.residents.length, unmasked: false })
    res.type(GEOJSON).send(JSON.stringify(detail))
  })

  router.get('/api/residents', async (req, res) => {
    const q = parseInput(ResidentListQuerySchema, req.query, 'query')
    const page = await db.withScope(scopeOf(req), async (tx) => {
      const area = q.area ? await findArea(tx, q.area) : null
      let house: string | undefined
      if (q.house) {
        const found = await resolveRecordId(tx, 'houses', q.house)
        if (!found) throw new HttpError(404, `no house ${q.house}`)
        house = found
      }
      const filter = { area, house, residence: q.residence, key: q.key, registration: q.registration }
      return listResidents(tx, filter, today(), q.limit, q.cursor ?? null)
    })
    await auditRequest(db, req, res, 'people.read', 'residents:list', {
      count: page.residents.length,
      filters: { ...req.query },
      unmasked: false,
    })
    res.json(page)
  })

  router.get('/api/residents/:id', async (req, res) => {
    const { id } = parseInput(PeopleParamsSchema, req.params, 'params')
    const { reveal } = parseInput(ResidentDetailQuerySchema, req.query, 'query')
    const unmask = reveal === true && allowed(req, 'pii')
    const found = await db.withScope(scopeOf(req), async (tx) => {
      const rid = await resolveRecordId(tx, 'residents', id)
      const resident = rid ? await getResident(tx, rid, today()) : null
      if (!rid || !resident) return null
      return { resident, sealed: unmask ? await residentSealed(tx, rid) : null }
    })
    if (!found) throw new HttpError(404, `no resident ${id}`)
    const { resident, sealed } = found
    if (sealed) {
      resident.name = unseal(sealed.name)
      resident.phone = unseal(sealed.phone)
      resident.idNumber = unseal(sealed.idNumber)
      resident.unmasked = true
    }
    await auditRequest(db, req, res, 'people.read', `resident:${resident.id}`, { count: 1, unmasked: resident.unmasked })
    // A person's record, revealed or not, is kept in no cache (the desk shows it, nothing stores it).
    res.setHeader('Cache-Control', 'no-store')
    res.json(resident)
  })

  router.get('/api/export/residents.csv', async (req: Request, res) => {
    const q = parseInput(ResidentExportQuerySchema, req.query, 'query')
    const unmasked = q.unmasked === true
    if (unmasked && !allowed(req, 'pii')) throw new HttpError(403, 'invalid query: unmasked: your role may not see personal data unmasked')
    // As every export: town and grid staff take their own areas out masked only (server/export/routes.ts).
    if (unmasked && scopeOf(req).areaCodes !== null)
      throw new HttpError(403, 'invalid query: unmasked: exports of town and grid staff are always masked')
    const rows = await db.withScope(scopeOf(req), async (tx) => {
      const area = q.area ? await findArea(tx, q.area) : null
      return residentsForExport(tx, { area, residence: q.residence, key: q.key, registration: q.registration }, today(), unmasked)
    })
    const records = rows.map((r) => [
      r.id,
      r.person_id,
      r.house_source_id,
      RESIDENCE_NAMES[r.residence],
      r.registered_on,
      r.registration_expires,
      r.moved_in,
      r.moved_out,
      r.key_categories.map((k) => KEY_CATEGORY_NAMES[k]).join(';'),
      unmasked ? unseal(r.name_sealed) : r.name_masked,
      unmasked ? unseal(r.id_sealed) : r.id_masked,
      unmasked ? unseal(r.phone_sealed) : r.phone_masked,
      r.address,
      r.town_code,
      r.village_code,
      r.grid_code,
    ])
    const areas = scopeOf(req).areaCodes
    await auditRequest(db, req, res, 'people.export', 'residents:csv', {
      count: rows.length,
      unmasked,
      filters: { ...req.query },
      ...(q.area ? { area: q.area } : {}),
      ...(areas ? { areas } : {}),
    })
    res.setHeader('Content-Disposition', `attachment; filename="residents${q.area ? `_${q.area}` : ''}.csv"`)
    res.setHeader('Cache-Control', 'no-store')
    res
      .type('text/csv; charset=utf-8')
      .send(stringify(records, { header: true, bom: true, columns: [...RESIDENT_EXPORT_COLUMNS], record_delimiter: 'windows' }))
  })

  return router
}
