/**
 * Masks personal data in free text (incident descriptions, hazard notes) for callers without the
 * `pii` permission and in exports by default: ID-card numbers, mobile and landline numbers, and
 * the names that follow the words police reports put before them (报警人, 当事人…).
 */

/** Words after which a report names a person. */
const NAME_CUES = [
  '报警人',
  '报案人',
  '求助人',
  '当事人',
  '户主',
  '房东',
  '租客',
  '业主',
  '嫌疑人',
  '受害人',
  '被害人',
  '联系人',
  '负责人',
  '驾驶人',
  '姓名',
  '家属',
  // A dispute's parties (申请人, 被申请人) in its summary and mediation notes.
  '申请人',
]

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
  `(${NAME_CUES.join('|')})([:：\\s]*(?:是|为|叫)?\\s*)(?![称说在于报向因被到从对将已和与的撤])([\\u4e00-\\u9fa5])([\\u4e00-\\u9fa5]{1,2}?)(?=[，。、；,;\\s（(称说于在报\\d+]|$)`,
  'g',
)

// The same cue followed by a name that runs straight into more words (报警人张三丰电话…): no
// ending tells how long the name is, so the two characters after the surname are masked.
const NAME_RUN_ON = new RegExp(
  `(${NAME_CUES.join('|')})([:：\\s]*(?:是|为|叫)?\\s*)(?![称说在于报向因被到从对将已和与的撤])([\\u4e00-\\u9fa5])([\\u4e00-\\u9fa5]{2})`,
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
    .replace(
      NAME_RUN_ON,
      (_m, cue: string, gap: string, surname: string, given: string) => `${cue}${gap}${surname}${'*'.repeat(given.length)}`,
    )
}

// A person's name standing alone in a contact field: 2–3 Chinese characters between separators,
// not an organisation (公司, 店, 厂… end those).
const BARE_NAME = /(?<=^|[\s,，、;；:：/（(])([\u4e00-\u9fa5])([\u4e00-\u9fa5]{1,2})(?=$|[\s,，、;；/）)0-9+])/g
const ORG_END = /[司店厂场局所站院校馆部社队组室处会村区镇街路号楼栋园城行业]$/

/**
 * A contact field (a hazard's responsible party: "name phone", "company name phone") with phone
 * and ID numbers masked as in {@link maskPii} and a bare person's name cut to the surname.
 * @example maskParty('张三丰 13812345678') // '张** 138****5678'
 * @example maskParty('恒达物业公司 李四 0571-82345678') // '恒达物业公司 李* 0571-****5678'
 */
export function maskParty(text: string | null): string | null {
  if (!text) return text
  return maskPii(text).replace(BARE_NAME, (m: string, surname: string, given: string) =>
    ORG_END.test(m) ? m : `${surname}${'*'.repeat(given.length)}`,
  )
}

/** Free-text keys of history `changes` and event `details`; codes, dates and ids are left alone. */
const TEXT_KEYS = new Set(['description', 'title', 'place_name', 'placeName', 'comment', 'reason', 'address'])
const PARTY_KEYS = new Set(['responsible_party', 'responsibleParty'])

/**
 * A history event's `changes` (`{ field: { from, to } }`) or `details` with the free-text fields'
 * values masked ({@link maskPii}; {@link maskParty} for the responsible party).
 * @example maskChanges({ description: { from: '联系人王五', to: null }, area_code: { from: '330109001', to: '330109002' } })
 * // { description: { from: '联系人王*', to: null }, area_code: { from: '330109001', to: '330109002' } }
 */
export function maskChanges(changes: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(changes)) {
    const mask = PARTY_KEYS.has(k) ? maskParty : TEXT_KEYS.has(k) ? maskPii : null
    out[k] = mask ? maskValue(v, mask) : v
  }
  return out
}

/** A text, or the `from`/`to` of a change, masked. */
function maskValue(v: unknown, mask: (t: string | null) => string | null): unknown {
  if (typeof v === 'string') return mask(v)
  if (v && typeof v === 'object' && !Array.isArray(v))
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, typeof x === 'string' ? mask(x) : x]))
  return v
}
