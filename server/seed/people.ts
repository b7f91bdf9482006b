/**
 * Synthetic personal data for the demo's full information view: Chinese names, mobile numbers and
 * 18-digit resident ID numbers with a valid check digit (GB 11643). Pure and deterministic from an
 * `Rng`; nothing here is a real person (the loader seals it all anyway, server/auth/sealed.ts).
 */
import { chance, pick, randInt, type Rng, weightedPick } from './rng.ts'

const SURNAMES = [
  '王', '李', '张', '陈', '沈', '俞', '徐', '孙', '朱', '周', '韩', '汪', '高', '来', '楼', '何', '吴', '赵', '刘', '杨',
  '黄', '郑', '钱', '施', '丁', '傅', '蔡', '方', '邵', '任', '潘', '董', '裘', '曹', '许', '金', '胡', '蒋', '郭', '罗',
] // prettier-ignore
const SURNAME_WEIGHTS = SURNAMES.map((_, i) => (i < 10 ? 4 : i < 20 ? 2 : 1))
const GIVEN = [
  '伟', '芳', '娜', '敏', '静', '丽', '强', '磊', '军', '洋', '勇', '艳', '杰', '娟', '涛', '明', '超', '秀', '霞', '平',
  '刚', '桂', '英', '华', '建', '国', '文', '斌', '辉', '红', '玲', '林', '海', '峰', '燕', '萍', '飞', '鹏', '浩', '宇',
  '婷', '雪', '琴', '云', '亮', '成', '志', '荣', '晓', '佳', '俊', '欣', '梅', '丹', '春', '立', '兰', '凤', '新', '永',
] // prettier-ignore
const MOBILE_PREFIXES = ['130', '131', '132', '133', '135', '136', '137', '138', '139', '150', '151', '152', '155', '157', '158',
  '159', '177', '180', '181', '182', '183', '186', '187', '188', '189', '191', '199'] // prettier-ignore

/** Where people's ID numbers were issued: Xiaoshan (330181 before 2001, 330109 after) and where migrants come from. */
export const LOCAL_REGIONS = ['330109', '330181'] as const
export const MIGRANT_REGIONS = [
  '342222', '341221', '412721', '412723', '511321', '510922', '522401', '522121', '362321', '430521', '500234', '360722',
  '421127', '452626', '330382', '330522',
] // prettier-ignore

/**
 * A two- or three-character Chinese name.
 * @example personName(rng) // '沈建华'
 */
export function personName(rng: Rng): string {
  const given = chance(rng, 0.7) ? pick(rng, GIVEN) + pick(rng, GIVEN) : pick(rng, GIVEN)
  return weightedPick(rng, SURNAMES, SURNAME_WEIGHTS) + given
}

/**
 * An 11-digit mainland mobile number.
 * @example mobile(rng) // '13857104468'
 */
export function mobile(rng: Rng): string {
  let s = pick(rng, MOBILE_PREFIXES)
  for (let i = 0; i < 8; i++) s += String(randInt(rng, 0, 9))
  return s
}

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]

/**
 * The check character of the first 17 digits of an ID number (GB 11643, ISO 7064 MOD 11-2).
 * @example idCheckDigit('11010519491231002') // 'X'
 */
export function idCheckDigit(first17: string): string {
  let sum = 0
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * WEIGHTS[i]!
  return '10X98765432'[sum % 11]!
}

/**
 * An 18-digit ID number: region, birth date (YYYYMMDD), a 3-digit sequence (odd for men), check.
 * @example idNumber(rng, '330109', new Date('1980-05-01'), 'm') // '330109198005010173'
 */
export function idNumber(rng: Rng, region: string, birth: Date, sex: 'm' | 'f'): string {
  const ymd = birth.toISOString().slice(0, 10).replace(/-/g, '')
  let seq = randInt(rng, 0, 499) * 2
  if (sex === 'm') seq += 1
  const first17 = region + ymd + String(seq).padStart(3, '0')
  return first17 + idCheckDigit(first17)
}
