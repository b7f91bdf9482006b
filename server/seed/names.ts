/**
 * Name pools for synthetic roads and residential compounds. The urban-core road names are real
 * Xiaoshan street names (used here only as names — positions are synthetic); rural road names and
 * all compound names are invented in the local style.
 */
import { chance, pick, type Rng } from './rng.ts'

/** Road names per town (real names in the urban core; a few deliberately repeat across towns). */
export const TOWN_ROADS: Record<string, readonly string[]> = {
  '330109001': [
    '人民路',
    '城河街',
    '江寺路',
    '体育路',
    '文化路',
    '工人路',
    '西河路',
    '萧然南路',
    '市心南路',
    '湘湖路',
    '育才路',
    '潘水路',
    '拱秀路',
    '南门路',
    '回澜路',
    '崇化路',
  ],
  '330109002': [
    '金城路',
    '市心中路',
    '北山路',
    '金惠路',
    '山阴路',
    '通惠中路',
    '博学路',
    '育才北路',
    '永久路',
    '兴议路',
    '晨晖路',
    '北干路',
    '广德路',
    '金家埭路',
  ],
  '330109003': ['蜀山路', '湘西路', '沈家里路', '南秀路', '银隆路', '亚太路', '湘南路', '联华路', '萧山路'],
  '330109004': ['萧绍路', '通惠南路', '新塘路', '东瑞路', '霞江路', '涝湖路', '育东路', '汇宇路', '通惠路'],
  '330109005': ['靖江路', '保税路', '甘露路', '靖东路', '协谊路', '雷东路', '航城大道'],
  '330109006': ['南阳大道', '赭山路', '阳城路', '潮都路', '南翔路', '龙虎路'],
  '330109012': ['闻堰路', '湘滨路', '三江路', '老虎洞路', '闻兴路', '时代大道'],
  '330109013': ['宁税路', '振宁路', '鸿达路', '市心北路', '通惠北路', '宁东路', '宁安路', '利华路', '民和路', '兴宁路'],
  '330109014': ['新街大道', '长山路', '新华路', '元沙路', '江南大道', '长鸣路', '盛中路'],
  '330109015': ['丰北路', '奔竞大道', '平澜路', '飞虹路', '利一路', '盈丰路', '丰东路'],
  '330109100': ['楼塔路', '仙岩路', '雪环路', '大同路', '岩山路'],
  '330109101': ['河上路', '凤凰路', '紫霞路', '大桥路', '溪头路'],
  '330109102': ['戴村路', '云石路', '尖山路', '三头路', '凌溪路'],
  '330109103': ['浦阳路', '桃源路', '灵山路', '江西路', '浦阳江路'],
  '330109104': ['进化路', '欢潭路', '城山路', '吉山路', '天乐路', '大汤坞路'],
  '330109105': ['峙山路', '东藩路', '临浦大道', '人民路', '通济路', '浦南路', '苎萝路'],
  '330109106': ['义桥路', '渔浦路', '民丰路', '罗峰路', '湘东路', '山后路'],
  '330109107': ['所前路', '越王路', '金临湖路', '杜家路', '传芳路', '天乐大道'],
  '330109108': ['衙前路', '凤凰路', '项漾路', '四翔路', '螺山路', '明华路'],
  '330109113': ['航坞路', '人民路', '东灵路', '党山路', '友谊路', '沙田路', '运东路', '坎山路', '瓜港路'],
  '330109115': ['益农大道', '群围路', '利围路', '东沙路', '兴裕路'],
  '330109120': ['党湾大道', '梅林路', '镇中路', '曙光路', '幸福路', '庆丰路'],
  '330109401': ['建设一路', '建设二路', '建设三路', '建设四路', '高新路', '桥南路', '启迪路', '鸿兴路'],
  '330109403': ['商城路', '商业街', '萧然东路', '恒隆路', '商城南路'],
  '330109501': ['围垦大道', '农发路', '垦区一路', '垦区二路', '十二工段路'],
  '330109503': ['红山路', '同舟路', '同心路', '农场路'],
  '330109505': ['钱江世纪大道', '民和路', '博奥路', '七甲闸路', '市心北路', '金鸡路'],
}

const ROAD_TAILS = ['东路', '西路', '南路', '北路', '中路', '大道', '街', '一路', '二路', '三路']

/**
 * n distinct road names for a town: its listed names first, then town-prefixed ones.
 * @example roadNames('330109105', '临浦', 3) // ['峙山路', '东藩路', '临浦大道']
 */
export function roadNames(townCode: string, townShort: string, n: number): string[] {
  const out = [...(TOWN_ROADS[townCode] ?? [])].slice(0, n)
  const seen = new Set(out)
  const stem = townShort.length > 2 ? townShort.slice(0, 2) : townShort
  for (let i = 0; out.length < n; i++) {
    const name = `${stem}${ROAD_TAILS[i % ROAD_TAILS.length]}${i >= ROAD_TAILS.length ? Math.floor(i / ROAD_TAILS.length) + 1 : ''}`
    if (!seen.has(name)) {
      seen.add(name)
      out.push(name)
    }
  }
  return out
}

/**
 * A road named after a village (common in Xiaoshan: 潘水路, 江寺路…).
 * @example villageRoadName('江寺') // '江寺路'; villageRoadName('工人路') // '工人路'
 */
export function villageRoadName(stem: string): string {
  if (/[路街道]$/.test(stem)) return stem
  return stem.length >= 2 ? `${stem}路` : `${stem}村路`
}

/** Well-known compound names from the brief, handed out first in the urban core. */
export const FEATURED_COMPOUNDS = ['金色家园', '银河小区', '湘湖人家', '绿都四季花城', '金城花园', '江南春城', '旺角城', '潘水苑']

const COMPOUND_PREFIXES = [
  '金色',
  '银河',
  '湘湖',
  '绿都',
  '东方',
  '南江',
  '银隆',
  '新城',
  '丽都',
  '锦绣',
  '明珠',
  '翠苑',
  '阳光',
  '海月',
  '天元',
  '世纪',
  '春江',
  '钱江',
  '博奥',
  '德信',
  '滨江',
  '保利',
  '万科',
  '绿城',
  '金地',
  '宝龙',
  '融创',
  '中天',
  '信达',
  '广宇',
  '耀江',
  '荣星',
  '开元',
  '金科',
  '中梁',
  '祥生',
  '新湖',
  '众安',
  '南都',
  '城建',
  '亚太',
  '蓝天',
  '白马湖',
  '江南',
  '盛世',
  '山水',
  '君悦',
  '星都',
  '华润',
  '龙湖',
  '旭辉',
  '富力',
  '招商',
  '越秀',
  '金辰',
  '汇德',
  '欣都',
  '丰收',
  '宏达',
  '金泰',
  '金山',
  '泰和',
  '广泽',
  '罗马',
  '东海',
  '国信',
  '时代',
  '未来',
  '望湖',
  '观澜',
  '听澜',
  '桂语',
  '云栖',
  '潮鸣',
  '钱塘',
  '春晓',
  '秋水',
  '紫金',
  '凤凰',
  '锦江',
  '伟业',
  '华丰',
  '恒隆',
  '天汇',
  '新明',
  '长山',
  '城河',
  '崇化',
  '拱秀',
  '育才',
  '高桥',
  '梅花',
  '仙家',
  '湖滨',
  '金稼',
  '加德',
  '天逸',
  '丽景',
  '景都',
  '嘉和',
  '嘉禾',
  '和家',
  '和美',
  '幸福',
  '康桥',
  '康城',
  '逸天',
  '坤和',
  '滨湖',
  '香樟',
  '桂花',
  '玉兰',
  '枫丹',
  '紫薇',
  '蓝湾',
  '碧水',
  '青山',
  '绿洲',
  '金茂',
  '华悦',
  '鸿宁',
  '宁馨',
  '新安',
  '湘景',
  '萧然',
  '越秀',
  '贺知',
  '知章',
]

const COMPOUND_SUFFIXES = [
  '家园',
  '小区',
  '花园',
  '人家',
  '公寓',
  '苑',
  '府',
  '城',
  '华庭',
  '名苑',
  '新村',
  '雅苑',
  '花城',
  '嘉园',
  '公馆',
  '里',
  '国际',
  '府邸',
  '花苑',
  '庭',
  '湾',
  '阁',
  '御府',
  '名邸',
  '佳苑',
  '丽苑',
  '雅居',
  '东苑',
  '西苑',
  '南苑',
  '北苑',
  '一品',
  '山庄',
  '水岸',
  '悦府',
  '四季花城',
  '星城',
  '新城',
  '嘉苑',
  '景园',
]

const VILLAGE_COMPOUND_SUFFIXES = ['新村', '花苑', '公寓', '小区', '家园', '佳苑', '安置小区', '新苑']
const PHASES = ['二期', '三期', '四期', '五期', '六期']

/**
 * A new compound name not in `used` (added to it): featured names first in the urban core, a
 * village-stem name for resettlement housing, else prefix+suffix (with 二期… on collisions).
 * @example compoundName(rng, used, { stem: '霞江', resettlement: true }) // '霞江新村'
 */
export function compoundName(
  rng: Rng,
  used: Set<string>,
  opts: { stem?: string; resettlement?: boolean; featured?: boolean } = {},
): string {
  const take = (name: string) => {
    used.add(name)
    return name
  }
  if (opts.featured) for (const name of FEATURED_COMPOUNDS) if (!used.has(name)) return take(name)
  if (opts.stem && (opts.resettlement || chance(rng, 0.25))) {
    for (let i = 0; i < 4; i++) {
      const name = `${opts.stem}${pick(rng, VILLAGE_COMPOUND_SUFFIXES)}`
      if (!used.has(name)) return take(name)
    }
  }
  for (let i = 0; i < 30; i++) {
    const name = `${pick(rng, COMPOUND_PREFIXES)}${pick(rng, COMPOUND_SUFFIXES)}`
    if (!used.has(name)) return take(name)
  }
  const base = `${pick(rng, COMPOUND_PREFIXES)}${pick(rng, COMPOUND_SUFFIXES)}`
  for (const phase of PHASES) if (!used.has(base + phase)) return take(base + phase)
  for (let k = 7; ; k++) if (!used.has(`${base}${k}期`)) return take(`${base}${k}期`)
}

/**
 * Other names people use for a compound (the address base keeps them as aliases), e.g. 园↔苑,
 * dropping 小区 or a developer brand, 新村→新邨. Empty for most names.
 * @example compoundAliases('金色家园') // ['金色家苑']
 */
export function compoundAliases(name: string): string[] {
  const out: string[] = []
  if (name.endsWith('小区') && name.length > 3) out.push(name.slice(0, -2))
  else if (name.endsWith('家园')) out.push(`${name.slice(0, -1)}苑`)
  else if (name.endsWith('花园')) out.push(`${name.slice(0, -1)}苑`)
  else if (name.endsWith('名苑') || name.endsWith('花苑')) out.push(`${name.slice(0, -1)}园`)
  else if (name.endsWith('新村')) out.push(`${name.slice(0, -1)}邨`)
  const brand = ['绿都', '绿城', '万科', '保利', '融创', '龙湖', '华润', '金地', '宝龙', '旭辉', '中天', '德信']
  for (const b of brand) {
    const rest = name.slice(b.length)
    if (name.startsWith(b) && rest.length >= 3) out.push(rest)
  }
  return out
}
