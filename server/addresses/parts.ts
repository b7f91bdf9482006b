/**
 * Parts of an address from its text, for lines that come without part columns: the geocoder's
 * parser (server/geocode/parse.ts) with the name dictionary of the base as it stands.
 */
import { type NameDictionary, villageAddressName } from '../geocode/dictionary.ts'
import { parseAddress } from '../geocode/parse.ts'
import type { AreaCodes } from './locate.ts'
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

/**
 * The code of the town an address writes (full name, short name, an old name such as 宁围镇 for
 * 宁围街道, or a gazetteer alias); null when it writes none the dictionary knows.
 * @example writtenTownCode('北干', dict) // '330109002'
 */
export function writtenTownCode(town: string | null, dict: NameDictionary): string | null {
  return town === null ? null : (dict.townByName.get(town)?.code ?? null)
}

/**
 * Parts as the geocoder looks them up: a village written the way addresses name it (王村村委会 →
 * 王村), and a villager group's house that writes no village under the village its point is in.
 * @example writtenParts({ ...parts, village: null, groupNo: '3', doorNo: '12' }, codes, dict).village // '马谷村'
 */
export function writtenParts(parts: AddressParts, codes: AreaCodes, dict: NameDictionary): AddressParts {
  let village = parts.village === null ? null : villageAddressName(parts.village)
  if (village === null && parts.groupNo !== null && codes.villageCode) {
    village = dict.villageByCode.get(codes.villageCode)?.name ?? null
  }
  return village === parts.village ? parts : { ...parts, village }
}
