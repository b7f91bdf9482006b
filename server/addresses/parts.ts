/**
 * Parts of an address from its text, for lines that come without part columns: the geocoder's
 * parser (server/geocode/parse.ts) with the name dictionary of the base as it stands.
 */
import type { NameDictionary } from '../geocode/dictionary.ts'
import { parseAddress } from '../geocode/parse.ts'
import type { AddressParts } from './schema.ts'

/**
 * The canonical parts of an address text (what parseAddress recognises; null where it cannot).
 * @example partsFromText('浙江省杭州市萧山区城厢街道金城路438号金色家园3幢2单元501室', dict).room // '501'
 */
export function partsFromText(text: string, dict: NameDictionary): AddressParts {
  const p = parseAddress(text, dict)
  return {
    town: p.town,
    village: p.village,
    groupNo: p.groupNo,
    road: p.road,
    doorNo: p.doorNo,
    compound: p.compound,
    building: p.building,
    unit: p.unit,
    room: p.room,
  }
}
