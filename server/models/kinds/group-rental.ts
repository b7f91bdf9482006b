/**
 * Group rental (群租): per house, its current residents per room (a house with no room count, or
 * 0, counts as one room). A house with fewer residents than `params.minOccupants` never warns,
 * however small. Subject `house:<house_id>` (the source's house id); the title is the house's
 * address, the explanation its numbers — never a resident.
 */
import type { DefinitionOf } from '../definition.ts'
import type { Detector, Finding } from '../types.ts'
import { byString, fmt1, levelAtLeast, round6 } from '../util.ts'
import { asOfDay, HOUSE_USE_NAMES, type Placed, placeOf } from './full-view.ts'

export interface HouseOccupancy extends Placed {
  houseId: string
  address: string | null
  use: string
  /** flagged 群租 by an inspection */
  flagged: boolean
  rooms: number | null
  occupants: number
  migrants: number
}

/**
 * Rooms a house counts (null or 0 → 1).
 * @example roomsOf(null) // 1
 */
export function roomsOf(rooms: number | null): number {
  return rooms && rooms > 0 ? rooms : 1
}

/** Group rental findings (pure). */
export function groupRentalFindings(def: DefinitionOf<'group_rental'>, houses: readonly HouseOccupancy[]): Finding[] {
  const out: Finding[] = []
  for (const h of [...houses].sort((a, b) => byString(a.houseId, b.houseId))) {
    if (h.occupants < def.params.minOccupants) continue
    const rooms = roomsOf(h.rooms)
    const perRoom = h.occupants / rooms
    const level = levelAtLeast(perRoom, def.thresholds)
    const place = placeOf(h)
    if (!level || !place) continue
    const roomWords = h.rooms && h.rooms > 0 ? `房间 ${rooms} 间` : '房间数未登记（按 1 间计）'
    out.push({
      subject: `house:${h.houseId}`,
      level,
      title: `${def.name.zh}：${h.address ?? `房屋 ${h.houseId}`}`,
      explanation:
        `现住 ${h.occupants} 人（其中流动人口 ${h.migrants} 人），${roomWords}，每间 ${fmt1(perRoom)} 人` +
        `（每间 ${def.thresholds.yellow} 人起预警），房屋用途：${HOUSE_USE_NAMES[h.use] ?? h.use}` +
        (h.flagged ? '，核查已标为群租房' : ''),
      metrics: {
        occupants: h.occupants,
        migrants: h.migrants,
        rooms,
        perRoom: round6(perRoom),
        use: h.use,
        flagged: h.flagged,
      },
      place,
    })
  }
  return out
}

export const detectGroupRental: Detector<'group_rental'> = async (sql, def, asOf) => {
  const day = asOfDay(asOf)
  const rows = await sql<HouseOccupancy[]>`
    SELECT h.house_id AS "houseId", h.address, h.use, h.group_rental AS flagged, h.rooms,
           ST_X(h.geom) AS lng, ST_Y(h.geom) AS lat, h.address_id AS "addressId",
           h.town_code AS "townCode", h.village_code AS "villageCode", h.grid_code AS "gridCode",
           count(*)::int AS occupants, (count(*) FILTER (WHERE r.residence = 'migrant'))::int AS migrants
    FROM houses h JOIN residents r ON r.house_id = h.id
    WHERE (r.moved_in IS NULL OR r.moved_in <= ${day}::date) AND (r.moved_out IS NULL OR r.moved_out > ${day}::date)
    GROUP BY h.id
    HAVING count(*) >= ${def.params.minOccupants}
    ORDER BY h.house_id`
  return { findings: groupRentalFindings(def, rows), window: { from: asOf, to: asOf }, notes: { housesConsidered: rows.length } }
}
