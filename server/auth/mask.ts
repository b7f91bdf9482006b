/**
 * Masks personal data in free text (incident descriptions, hazard notes) for callers without the
 * `pii` permission and in exports by default: ID-card numbers, mobile and landline numbers, and
 * the names that follow the words police reports put before them (报警人, 当事人…).
 */

/** Words after which a report names a person. */
const NAME_CUES = ['报警人', '报案人', '求助人', '当事人', '户主', '房东', '租客', '业主', '嫌疑人', '受害人', '被害人', '联系人', '负责人', '驾驶人', '姓名', '家属']

// Resident ID numbers: 18 digits (region, YYYYMMDD, sequence, check digit or X) or the old 15
// (region, YYMMDD, sequence), with a plausible birth date so order numbers are left alone.
const ID_CARD_18 = /(?<![0-9A-Za-z])(\d{6})((?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[0-9Xx])(?![0-9A-Za-z])/g
const ID_CARD_15 = /(?<![0-9A-Za-z])(\d{6})(\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3})(?![0-9A-Za-z])/g
// Mainland mobile numbers, optionally with +86 / 86.
const MOBILE = /(?<!\d)((?:\+?86[- ]?)?1[3-9]\d)(\d{4})(\d{4})(?!\d)/g
// Landlines with an area code (0571-8xxxxxxx).
const LANDLINE = /(?<!\d)(0\d{2,3}[- ]?)(\d{3,4})(\d{4})(?!\d)/g
// A cue, an optional colon or 是/为/叫, then a 2–3 character Chinese name (surname kept), ended
// by punctuation or a verb such as 称; the shortest name that is so ended wins (户主陈静报称 → 陈*).
// A "surname" that is itself such a verb means there is no name (报警人称…).
const NAME = new RegExp(
  `(${NAME_CUES.join('|')})([:：\\s]*(?:是|为|叫)?\\s*)(?![称说在于报向因被到从对将已和与的])([\\u4e00-\\u9fa5])([\\u4e00-\\u9fa5]{1,2}?)(?=[，。、；,;\\s（(称说于在报]|$)`,
  'g',
)

/**
 * The text with personal data replaced by `*` (same length, so columns still line up).
 * @example maskPii('报警人张三丰称手机13812345678被盗') // '报警人张**称手机138****5678被盗'
 * @example maskPii('身份证330109199001011234') // '身份证330109********1234'
 */
export function maskPii(text: string): string
export function maskPii(text: string | null): string | null
export function maskPii(text: string | null): string | null {
  if (!text) return text
  return text
    .replace(ID_CARD_18, (_m, head: string, rest: string) => `${head}${'*'.repeat(rest.length - 4)}${rest.slice(-4)}`)
    .replace(ID_CARD_15, (_m, head: string, rest: string) => `${head}${'*'.repeat(rest.length - 4)}${rest.slice(-4)}`)
    .replace(MOBILE, (_m, head: string, mid: string, tail: string) => `${head}${'*'.repeat(mid.length)}${tail}`)
    .replace(LANDLINE, (_m, area: string, mid: string, tail: string) => `${area}${'*'.repeat(mid.length)}${tail}`)
    .replace(NAME, (_m, cue: string, gap: string, surname: string, given: string) => `${cue}${gap}${surname}${'*'.repeat(given.length)}`)
}
