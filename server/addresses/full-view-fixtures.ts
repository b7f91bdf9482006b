/**
 * Rows of the full view (migrations/034_full_view.sql) at one address of the base, for the tile
 * and full-view tests: written with SQL as the importers would store them (names and phones
 * sealed, placement copied from the address), so the readers are tested apart from the writers.
 */
import type { Sql } from 'postgres'

import { idHash, maskNumber, seal, sealName, sealPhone } from '../auth/sealed.ts'

/** The plaintext personal data the fixture seals: none of it may appear in any answer. */
export interface FullViewFixture {
  addressId: string
  houses: { rented: string; own: string }
  organisation: string
  dispute: string
  devices: { alerting: string; quiet: string; cylinder: string }
  patrol: string
  /** Every name, phone and ID number written (sealed) into the rows. */
  secrets: string[]
}

/** Names, phones and ID numbers of the fixture's people (made distinct per tag). */
const PEOPLE = [
  { name: '欧阳明远', phone: '13800001111', idNo: '330109198001011234', residence: 'migrant', key: [] as string[] },
  { name: '司马青云', phone: '13800002222', idNo: '330109198502021235', residence: 'migrant', key: ['community_correction'] },
  { name: '诸葛亮节', phone: '13800003333', idNo: '330109199003031236', residence: 'migrant', key: [] as string[] },
  { name: '上官婉儿', phone: '13800004444', idNo: '330109199504041237', residence: 'registered', key: [] as string[] },
] as const

/** The address's placement columns, copied onto a row (select list of `addresses a`). */
const place = (sql: Sql) =>
  sql`a.geom, a.address, a.address_id, a.town_code, a.village_code, a.grid_code, a.microgrid_code, a.h3_r7, a.h3_r8, a.h3_r9, a.h3_r10`

/**
 * Inserts at `addressId` (an address of the base): a rented house flagged as a group rental with
 * 4 current residents (3 migrants, 1 a key person) and one moved out, a self-occupied house with
 * one, a shop with a 30-day self-check duty last checked 40 days ago (10 days overdue), a failed
 * neighbour dispute with two parties, three devices (a smoke detector alarming 2 h ago, a gas
 * alarm whose alarm was followed by an online event, a cylinder with no events) and a patrol that
 * ended 2 days ago with a track through the address. `tag` keeps source ids apart between calls.
 * @example const f = await insertFullView(db.sql, 'F_R3_2_501', 'a')
 */
export async function insertFullView(sql: Sql, addressId: string, tag: string): Promise<FullViewFixture> {
  const [a] = await sql<{ grid_code: string | null }[]>`SELECT grid_code FROM addresses WHERE address_id = ${addressId}`
  if (!a) throw new Error(`no address ${addressId}`)
  const secrets: string[] = []
  const person = (i: number) => {
    const p = PEOPLE[i % PEOPLE.length]!
    const name = `${p.name}${tag}`
    secrets.push(name, p.phone, p.idNo)
    return { ...p, name }
  }
  const owner = person(3)
  const ownerName = sealName(owner.name)
  const ownerPhone = sealPhone(owner.phone)
  const houseRow = async (houseId: string, use: string, group: boolean, rooms: number) => {
    const [h] = await sql<{ id: string }[]>`
      INSERT INTO houses (house_id, use, group_rental, rooms, room, owner_name_sealed, owner_name_masked, owner_phone_sealed, owner_phone_masked,
                          geom, address, address_id, town_code, village_code, grid_code, microgrid_code, h3_r7, h3_r8, h3_r9, h3_r10, source)
      SELECT ${houseId}, ${use}, ${group}, ${rooms}, '501', ${ownerName.sealed}, ${ownerName.masked}, ${ownerPhone.sealed}, ${ownerPhone.masked},
             ${place(sql)}, 'fixture'
      FROM addresses a WHERE a.address_id = ${addressId}
      RETURNING id::text`
    return h!.id
  }
  const rented = await houseRow(`FV-H-${tag}-1`, 'rented', true, 3)
  const own = await houseRow(`FV-H-${tag}-2`, 'self_occupied', false, 4)
  const resident = async (house: string, i: number, movedIn: string, movedOut: string | null) => {
    const p = person(i)
    const n = sealName(p.name)
    const ph = sealPhone(p.phone)
    await sql`
      INSERT INTO residents (person_id, house_id, residence, registered_on, moved_in, moved_out, key_categories,
                             name_sealed, name_masked, id_hash, id_masked, id_sealed, phone_sealed, phone_masked,
                             geom, address, address_id, town_code, village_code, grid_code, microgrid_code, h3_r7, h3_r8, h3_r9, h3_r10, source)
      SELECT ${`FV-P-${tag}-${house}-${i}`}, ${house}::bigint, ${p.residence}, ${p.residence === 'migrant' ? movedIn : null}::date,
             ${movedIn}::date, ${movedOut}::date, ${[...p.key]}::text[],
             ${n.sealed}, ${n.masked}, ${idHash(p.idNo)}, ${maskNumber(p.idNo)}, ${seal(p.idNo)}, ${ph.sealed}, ${ph.masked},
             ${place(sql)}, 'fixture'
      FROM addresses a WHERE a.address_id = ${addressId}`
  }
  for (let i = 0; i < 4; i++) await resident(rented, i, '2025-01-01', null)
  await resident(rented, 4, '2024-01-01', '2025-06-01') // moved out: not counted
  await resident(own, 7, '2020-01-01', null)

  const resp = person(5)
  const rn = sealName(resp.name)
  const rp = sealPhone(resp.phone)
  const [org] = await sql<{ id: string }[]>`
    INSERT INTO organisations (org_id, name, type, risk_categories, responsible_name_sealed, responsible_name_masked,
                               responsible_phone_sealed, responsible_phone_masked, self_check_every_days, self_check_checklist,
                               geom, address, address_id, town_code, village_code, grid_code, microgrid_code, h3_r7, h3_r8, h3_r9, h3_r10, source, created_at)
    SELECT ${`FV-O-${tag}`}, '金色小吃店', 'shop', ARRAY['catering', 'gas']::text[], ${rn.sealed}, ${rn.masked}, ${rp.sealed}, ${rp.masked},
           30, 'fire', ${place(sql)}, 'fixture', now() - interval '200 days'
    FROM addresses a WHERE a.address_id = ${addressId}
    RETURNING id::text`
  await sql`INSERT INTO self_checks (organisation_id, checked_at, checklist, items, failed_items, actor)
            VALUES (${org!.id}::bigint, now() - interval '40 days', 'fire', 10, '{}', 'fixture')`

  const [dispute] = await sql<{ id: string }[]>`
    INSERT INTO disputes (case_id, type, summary, reported_at, level, status, outcome_at, party_key,
                          geom, address, address_id, town_code, village_code, grid_code, microgrid_code, h3_r7, h3_r8, h3_r9, h3_r10, source)
    SELECT ${`FV-D-${tag}`}, 'neighbour', '楼上漏水引发邻里纠纷', now() - interval '10 days', 'village', 'failed', now() - interval '3 days',
           ${`FV-P-${tag}-x,FV-P-${tag}-y`}, ${place(sql)}, 'fixture'
    FROM addresses a WHERE a.address_id = ${addressId}
    RETURNING id::text`
  for (const [i, role] of [
    [6, 'applicant'],
    [8, 'respondent'],
  ] as const) {
    const p = person(i)
    const n = sealName(p.name)
    const ph = sealPhone(p.phone)
    await sql`INSERT INTO dispute_parties (dispute_id, party_id, role, name_sealed, name_masked, phone_sealed, phone_masked)
              VALUES (${dispute!.id}::bigint, ${`FV-P-${tag}-${i}`}, ${role}, ${n.sealed}, ${n.masked}, ${ph.sealed}, ${ph.masked})`
  }

  const device = async (deviceId: string, kind: string, house: string | null, orgId: string | null) => {
    const [d] = await sql<{ id: string }[]>`
      INSERT INTO devices (device_id, kind, name, house_id, organisation_id, expected_refill_days,
                           geom, address, address_id, town_code, village_code, grid_code, microgrid_code, h3_r7, h3_r8, h3_r9, h3_r10, source)
      SELECT ${deviceId}, ${kind}, ${`${kind} ${tag}`}, ${house}::bigint, ${orgId}::bigint, ${kind === 'gas_cylinder' ? 30 : null}::int,
             ${place(sql)}, 'fixture'
      FROM addresses a WHERE a.address_id = ${addressId}
      RETURNING id::text`
    return d!.id
  }
  const alerting = await device(`FV-DEV-${tag}-1`, 'smoke_detector', rented, null)
  const quiet = await device(`FV-DEV-${tag}-2`, 'gas_alarm', null, org!.id)
  const cylinder = await device(`FV-DEV-${tag}-3`, 'gas_cylinder', null, org!.id)
  await sql`INSERT INTO device_events (device_id, at, kind) VALUES
    (${alerting}::bigint, now() - interval '2 hours', 'alarm'),
    (${alerting}::bigint, now() - interval '3 days', 'online'),
    (${quiet}::bigint, now() - interval '5 hours', 'alarm'),
    (${quiet}::bigint, now() - interval '4 hours', 'online')`

  // A track from 300 m west of the address to 300 m east, through it.
  const [patrol] = await sql<{ id: string }[]>`
    INSERT INTO patrols (patrol_id, team, members, started_at, ended_at, track, length_m, town_codes, village_codes, grid_codes, source)
    SELECT ${`FV-PT-${tag}`}, '城关巡防一队', 3, now() - interval '2 days 2 hours', now() - interval '2 days',
           ST_MakeLine(ST_Translate(a.geom, -0.003, 0), ST_Translate(a.geom, 0.003, 0)), 600,
           ARRAY[a.town_code], ARRAY[a.village_code], ARRAY[a.grid_code], 'fixture'
    FROM addresses a WHERE a.address_id = ${addressId}
    RETURNING id::text`
  return {
    addressId,
    houses: { rented, own },
    organisation: org!.id,
    dispute: dispute!.id,
    devices: { alerting, quiet, cylinder },
    patrol: patrol!.id,
    secrets,
  }
}
