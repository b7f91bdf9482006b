/**
 * Demo incidents (警情 and other reports) over a window of `years` (default 2) ending at `end`,
 * streamed day by day in time order. Located at addresses of a bounded address sample (the loader
 * keeps e.g. every 12th generated address, ≤ ~300k rows — see `tapSample`), so memory stays flat
 * for 1 M incidents.
 *
 * Structure planted in the data (and returned by `planIncidents` as ground truth):
 * - category mix: public order and traffic largest (30 % each), disputes 18 %, fraud 8 %…;
 * - time: category-specific daily cycles (burglary in working hours, fights and noise at night,
 *   traffic at rush hours), weekly cycles, seasons (e-bike charging fires in summer, labour
 *   disputes before the Spring Festival, fewer reports while migrant workers are away), year-on-year
 *   trends (fraud −15 %/yr, e-bike accidents +10 %/yr);
 * - space: background ∝ addresses by category profile (street, residential, rural, work…),
 *   persistent hot spots (a market street, an urban village, an old compound… at many times the
 *   base rate), emerging hot spots (rates ramping up over the last ~5 months), repeat addresses
 *   (esp. family/neighbour disputes), and near-repeat burglary/e-bike theft (follow-ups within
 *   ~200 m and 7 days).
 * The reported address text carries realistic noise (address-text.ts).
 */
import type { AddressRow } from '../addresses/schema.ts'
import { DAY_MS, SHANGHAI_OFFSET_MS } from '../shared/time.ts'
import { type AddressParts, formatAddress, randomNoiseStyle, randomSuffix } from './address-text.ts'
import { aliasSampler, chance, deriveRng, exponential, pick, poisson, randInt, type Rng, shuffle, uniform, weightedPick } from './rng.ts'
import type { IncidentRow } from './types.ts'

export interface IncidentOptions {
  seed: string
  /** Target total (the result is within a few per cent): small 50,000; full 1,000,000. */
  count: number
  /** Exclusive end of the window (e.g. now); no incident is at or after it. */
  end: Date
  /** Window length in years (default 2). */
  years?: number
}

type Hourly = readonly number[]
type Weekly = readonly number[]
type Monthly = readonly number[]

// Daily cycles (local time, hour 0–23): relative rates.
const H_DAY: Hourly = [1, 0.6, 0.4, 0.3, 0.3, 0.5, 1.2, 2.5, 3.5, 4, 4, 4, 3.5, 3.5, 4, 4, 4, 4.5, 5, 5.5, 5.5, 4.5, 3, 1.8]
const H_COMMUTE: Hourly = [0.6, 0.4, 0.3, 0.3, 0.4, 0.8, 2.5, 5, 5.5, 3.5, 3, 3, 3, 3, 3, 3.5, 4.5, 6, 6, 4, 3, 2.5, 1.8, 1]
const H_NIGHT: Hourly = [4, 3.2, 2.2, 1.2, 0.7, 0.4, 0.3, 0.4, 0.6, 0.8, 1, 1.2, 1.4, 1.4, 1.4, 1.5, 1.7, 2, 2.6, 3.5, 4.5, 5, 5, 4.5]
const H_BURGLARY: Hourly = [1, 0.8, 0.7, 0.5, 0.4, 0.4, 0.6, 1, 2, 3, 3.5, 3.5, 3, 3, 3.5, 3.5, 3, 2.5, 2, 1.8, 1.5, 1.3, 1.2, 1.1]
const H_NOISE: Hourly = [3, 2, 1, 0.4, 0.2, 0.3, 0.6, 1.2, 1.5, 1.5, 1.5, 1.5, 1.5, 1.5, 1.5, 1.5, 1.5, 2, 3, 4.5, 6, 6.5, 6, 4.5]
const H_CHARGING: Hourly = [2.5, 2.2, 1.6, 1.2, 1, 0.8, 0.8, 0.8, 0.8, 0.8, 0.8, 1, 1.2, 1.2, 1.2, 1.2, 1.5, 2, 2.5, 3, 3.5, 4, 4, 3.2]
const H_OFFICE: Hourly = [0.2, 0.1, 0.1, 0.1, 0.1, 0.2, 0.5, 1.5, 3.5, 5, 5, 4.5, 3, 4, 5, 5, 4.5, 4, 3, 2.5, 2, 1.5, 0.8, 0.4]
const H_FAMILY: Hourly = [1.5, 1, 0.6, 0.3, 0.2, 0.3, 0.6, 1.2, 1.8, 2, 2, 2.2, 2.4, 2, 2, 2, 2.2, 2.6, 3.5, 4.5, 5, 4.5, 3.5, 2.5]

// Weekly cycles, Monday first.
const W_FLAT: Weekly = [1, 1, 1, 1, 1, 1, 1]
const W_WORK: Weekly = [1.12, 1.1, 1.1, 1.1, 1.12, 0.78, 0.68]
const W_LEISURE: Weekly = [0.85, 0.85, 0.9, 0.95, 1.1, 1.25, 1.1]

// Seasons, January first.
const M_FLAT: Monthly = [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]
const M_SUMMER: Monthly = [0.6, 0.6, 0.7, 0.9, 1.1, 1.4, 1.7, 1.7, 1.3, 0.9, 0.7, 0.6]
const M_WARM: Monthly = [0.8, 0.8, 0.9, 1, 1.1, 1.2, 1.3, 1.3, 1.1, 1, 0.9, 0.8]
const M_WINTER: Monthly = [1.4, 1.4, 1.2, 1, 0.9, 0.8, 0.8, 0.8, 0.9, 1, 1.2, 1.4]
const M_YEAR_END: Monthly = [1.8, 1.2, 0.7, 0.7, 0.8, 0.8, 0.8, 0.8, 0.9, 1, 1.2, 1.6]
const M_BURGLARY: Monthly = [1.3, 1.2, 1, 0.9, 0.9, 0.9, 1, 1, 0.9, 1, 1.1, 1.3]

/** Where a category happens: relative weight of a sampled address by kind and setting. */
type LocationProfile = 'residential' | 'ebike' | 'street' | 'noise' | 'traffic' | 'household' | 'percapita' | 'work'

const PROFILE_WEIGHTS: Record<LocationProfile, { room: number; door: number; group: number; urbanFactor: number }> = {
  residential: { room: 1, door: 0.3, group: 1.6, urbanFactor: 1 },
  ebike: { room: 1.3, door: 0.6, group: 1, urbanFactor: 1.3 },
  street: { room: 0.2, door: 3, group: 0.15, urbanFactor: 2.5 },
  noise: { room: 2, door: 0.8, group: 0.4, urbanFactor: 1.5 },
  traffic: { room: 0.15, door: 3, group: 0.5, urbanFactor: 1.3 },
  household: { room: 1, door: 0.4, group: 1.2, urbanFactor: 1 },
  percapita: { room: 1, door: 0.3, group: 1, urbanFactor: 1 },
  work: { room: 0.15, door: 3, group: 0.5, urbanFactor: 0.7 },
}

interface CategoryProfile {
  code: string
  name: string
  /** Share of all incidents. */
  share: number
  hourly: Hourly
  weekly: Weekly
  monthly: Monthly
  /** Multiplier per year (fraud 0.85 = −15 % per year). */
  trend: number
  /** Multiplier around the Spring Festival (migrant workers leave; fireworks; empty homes). */
  festival: number
  location: LocationProfile
  sources: Record<string, number>
  /** Reported as a street location (road + door or intersection) rather than a home address. */
  street?: boolean
  describe: (rng: Rng) => string
}

const money = (rng: Rng, lo: number, hi: number) => String(Math.round(uniform(rng, lo, hi) / 100) * 100)
const EBIKES = ['雅迪', '爱玛', '台铃', '新日', '绿源', '小牛']
const PLACES = ['小区门口', '菜市场', '超市', '公交站', '商场', '夜市', '工地', '厂区门口']

/** The catalogue of migrations/002_categories.sql with generation profiles. */
export const CATEGORY_PROFILES: readonly CategoryProfile[] = [
  {
    code: '0101',
    name: '入室盗窃',
    share: 0.04,
    hourly: H_BURGLARY,
    weekly: W_FLAT,
    monthly: M_BURGLARY,
    trend: 0.95,
    festival: 1.3,
    location: 'residential',
    sources: { 110: 0.9, 网格上报: 0.05, 12345: 0.05 },
    describe: (r) =>
      pick(r, [
        `报警人称家中被盗，损失现金约${money(r, 500, 8000)}元`,
        `报警人称回家发现门锁被撬，家中财物被盗`,
        `报警人称出租房被盗，丢失笔记本电脑一台`,
        `报警人称家中金饰被盗，价值约${money(r, 3000, 30000)}元`,
      ]),
  },
  {
    code: '0102',
    name: '盗窃电动车',
    share: 0.05,
    hourly: H_NIGHT,
    weekly: W_FLAT,
    monthly: M_WARM,
    trend: 0.97,
    festival: 0.8,
    location: 'ebike',
    sources: { 110: 0.85, 12345: 0.1, 网格上报: 0.05 },
    describe: (r) => `报警人称停放在${pick(r, ['楼下', '小区车棚', '店门口', '厂区门口', '路边'])}的${pick(r, EBIKES)}电动车被盗`,
  },
  {
    code: '0103',
    name: '扒窃及其他盗窃',
    share: 0.07,
    hourly: H_DAY,
    weekly: W_LEISURE,
    monthly: M_FLAT,
    trend: 0.95,
    festival: 0.7,
    location: 'street',
    street: true,
    sources: { 110: 0.95, 12345: 0.05 },
    describe: (r) =>
      pick(r, [
        `报警人称在${pick(r, PLACES)}手机被扒窃`,
        `报警人称钱包被偷，内有现金约${money(r, 200, 2000)}元`,
        `报警人称店内物品被盗`,
        `报警人称停在路边的车内财物被盗`,
      ]),
  },
  {
    code: '0104',
    name: '打架斗殴',
    share: 0.06,
    hourly: H_NIGHT,
    weekly: W_LEISURE,
    monthly: M_WARM,
    trend: 0.98,
    festival: 0.8,
    location: 'street',
    street: true,
    sources: { 110: 0.95, 网格上报: 0.05 },
    describe: (r) =>
      pick(r, [
        `报警称${pick(r, ['烧烤店', '夜宵摊', 'KTV', '饭店', '路边'])}有人打架，约${randInt(r, 2, 8)}人`,
        '两名男子因琐事发生口角后互殴',
        '报警称有人酒后闹事并动手打人',
      ]),
  },
  {
    code: '0105',
    name: '噪声扰民',
    share: 0.08,
    hourly: H_NOISE,
    weekly: W_LEISURE,
    monthly: M_WARM,
    trend: 1,
    festival: 1,
    location: 'noise',
    sources: { 12345: 0.55, 110: 0.35, 网格上报: 0.1 },
    describe: (r) => `报警人称${pick(r, ['楼上装修', '隔壁KTV', '附近广场舞', '工地夜间施工', '楼下商铺音响', '邻居深夜喧哗'])}噪声扰民`,
  },
  {
    code: '0201',
    name: '交通事故（财损）',
    share: 0.1,
    hourly: H_COMMUTE,
    weekly: W_WORK,
    monthly: M_FLAT,
    trend: 1,
    festival: 0.6,
    location: 'traffic',
    street: true,
    sources: { 122: 0.6, 110: 0.4 },
    describe: (r) =>
      pick(r, [
        '两车发生剐蹭，无人员受伤',
        '轿车与电动车发生碰撞，仅财损',
        '车辆倒车时撞到路边护栏',
        `${randInt(r, 2, 4)}车追尾，无人员受伤`,
      ]),
  },
  {
    code: '0202',
    name: '交通事故（伤人）',
    share: 0.03,
    hourly: H_COMMUTE,
    weekly: W_WORK,
    monthly: M_FLAT,
    trend: 0.97,
    festival: 0.6,
    location: 'traffic',
    street: true,
    sources: { 122: 0.55, 110: 0.45 },
    describe: (r) => pick(r, ['轿车与行人相撞，一人受伤', '货车与电动车相撞，骑车人受伤', '两车相撞，有人员受伤，已通知120']),
  },
  {
    code: '0203',
    name: '电动自行车事故',
    share: 0.06,
    hourly: H_COMMUTE,
    weekly: W_WORK,
    monthly: M_WARM,
    trend: 1.1,
    festival: 0.6,
    location: 'traffic',
    street: true,
    sources: { 122: 0.55, 110: 0.45 },
    describe: (r) =>
      pick(r, [
        `电动自行车与${pick(r, ['轿车', '货车', '电动车', '行人'])}相撞，骑车人受伤`,
        '电动车驾驶人自行摔倒受伤',
        '电动车逆行与轿车发生碰撞',
      ]),
  },
  {
    code: '0204',
    name: '交通拥堵',
    share: 0.04,
    hourly: H_COMMUTE,
    weekly: W_WORK,
    monthly: M_FLAT,
    trend: 1,
    festival: 0.5,
    location: 'traffic',
    street: true,
    sources: { 122: 0.5, 12345: 0.3, 110: 0.2 },
    describe: (r) => `路段交通拥堵，车辆排队约${randInt(r, 2, 15) * 100}米`,
  },
  {
    code: '0205',
    name: '违法停车',
    share: 0.07,
    hourly: H_DAY,
    weekly: W_FLAT,
    monthly: M_FLAT,
    trend: 1.02,
    festival: 0.8,
    location: 'street',
    street: true,
    sources: { 12345: 0.6, 122: 0.2, 网格上报: 0.2 },
    describe: (r) => `有车辆违停堵塞${pick(r, ['小区出入口', '消防通道', '人行道', '店门口', '公交站'])}`,
  },
  {
    code: '0301',
    name: '火灾',
    share: 0.01,
    hourly: H_DAY,
    weekly: W_FLAT,
    monthly: M_WINTER,
    trend: 0.97,
    festival: 1.6,
    location: 'household',
    sources: { 119: 0.85, 110: 0.1, 网格上报: 0.05 },
    describe: (r) => `${pick(r, ['民房', '厂房', '仓库', '出租房', '垃圾堆'])}起火，${pick(r, ['无人员被困', '已扑灭', '消防已到场处置'])}`,
  },
  {
    code: '0302',
    name: '火警',
    share: 0.02,
    hourly: H_DAY,
    weekly: W_FLAT,
    monthly: M_WINTER,
    trend: 1,
    festival: 1.5,
    location: 'household',
    sources: { 119: 0.85, 110: 0.1, 网格上报: 0.05 },
    describe: (r) => pick(r, ['报警称闻到焦味', '报警称看到楼道冒烟', '烟感报警器报警', '报警称有人焚烧垃圾']),
  },
  {
    code: '0303',
    name: '电动车充电起火',
    share: 0.012,
    hourly: H_CHARGING,
    weekly: W_FLAT,
    monthly: M_SUMMER,
    trend: 1.05,
    festival: 0.8,
    location: 'ebike',
    sources: { 119: 0.85, 110: 0.1, 网格上报: 0.05 },
    describe: (r) => `${pick(r, ['楼道内', '出租房内', '车棚', '店铺内'])}电动车充电时起火`,
  },
  {
    code: '0304',
    name: '消防通道堵塞',
    share: 0.018,
    hourly: H_OFFICE,
    weekly: W_WORK,
    monthly: M_FLAT,
    trend: 0.95,
    festival: 0.8,
    location: 'noise',
    sources: { 网格上报: 0.5, 12345: 0.3, 自查: 0.2 },
    describe: (r) => `小区消防通道被${pick(r, ['私家车', '电动车', '杂物', '快递车'])}占用`,
  },
  {
    code: '0401',
    name: '家庭纠纷',
    share: 0.05,
    hourly: H_FAMILY,
    weekly: W_LEISURE,
    monthly: M_FLAT,
    trend: 1,
    festival: 1.3,
    location: 'household',
    sources: { 110: 0.7, 网格上报: 0.2, 12345: 0.1 },
    describe: (r) => pick(r, ['夫妻因家庭琐事发生争吵', '母子因赡养问题发生纠纷', '兄弟因房屋分割发生争执', '夫妻因子女教育问题发生争吵']),
  },
  {
    code: '0402',
    name: '邻里纠纷',
    share: 0.06,
    hourly: H_FAMILY,
    weekly: W_LEISURE,
    monthly: M_FLAT,
    trend: 1,
    festival: 1,
    location: 'noise',
    sources: { 网格上报: 0.45, 110: 0.3, 12345: 0.25 },
    describe: (r) => `邻居因${pick(r, ['漏水', '噪音', '停车位', '宅基地', '楼道堆物', '养狗'])}问题发生纠纷`,
  },
  {
    code: '0403',
    name: '劳资纠纷',
    share: 0.035,
    hourly: H_OFFICE,
    weekly: W_WORK,
    monthly: M_YEAR_END,
    trend: 1,
    festival: 0.6,
    location: 'work',
    sources: { 12345: 0.5, 110: 0.3, 网格上报: 0.2 },
    describe: (r) => `${randInt(r, 1, 30)}名工人讨要工资，金额约${money(r, 5000, 300000)}元`,
  },
  {
    code: '0404',
    name: '经济纠纷',
    share: 0.035,
    hourly: H_OFFICE,
    weekly: W_WORK,
    monthly: M_FLAT,
    trend: 1,
    festival: 0.8,
    location: 'work',
    sources: { 110: 0.5, 12345: 0.4, 网格上报: 0.1 },
    describe: (r) =>
      pick(r, [`报警人称对方欠款${money(r, 2000, 200000)}元未还`, '买卖双方因货款结算发生纠纷', '租客与房东因押金退还发生纠纷']),
  },
  {
    code: '0501',
    name: '刷单返利诈骗',
    share: 0.025,
    hourly: H_OFFICE,
    weekly: W_FLAT,
    monthly: M_FLAT,
    trend: 0.85,
    festival: 0.8,
    location: 'percapita',
    sources: { 110: 0.6, 96110: 0.3, 网格上报: 0.1 },
    describe: (r) => `报警人称在网上做刷单任务被骗${money(r, 1000, 80000)}元`,
  },
  {
    code: '0502',
    name: '冒充公检法诈骗',
    share: 0.015,
    hourly: H_OFFICE,
    weekly: W_FLAT,
    monthly: M_FLAT,
    trend: 0.85,
    festival: 0.8,
    location: 'percapita',
    sources: { 110: 0.6, 96110: 0.3, 网格上报: 0.1 },
    describe: (r) => `报警人接到自称${pick(r, ['公安局', '检察院', '法院'])}工作人员电话，被骗${money(r, 5000, 500000)}元`,
  },
  {
    code: '0503',
    name: '虚假网络贷款诈骗',
    share: 0.02,
    hourly: H_OFFICE,
    weekly: W_FLAT,
    monthly: M_FLAT,
    trend: 0.85,
    festival: 0.8,
    location: 'percapita',
    sources: { 110: 0.6, 96110: 0.3, 网格上报: 0.1 },
    describe: (r) => `报警人称通过网络贷款APP申请贷款，被以“解冻费”名义骗取${money(r, 1000, 50000)}元`,
  },
  {
    code: '0504',
    name: '虚假投资理财诈骗',
    share: 0.02,
    hourly: H_OFFICE,
    weekly: W_FLAT,
    monthly: M_FLAT,
    trend: 0.85,
    festival: 0.8,
    location: 'percapita',
    sources: { 110: 0.6, 96110: 0.3, 网格上报: 0.1 },
    describe: (r) => `报警人称在${pick(r, ['投资理财平台', '炒股群', '虚拟币平台'])}被骗${money(r, 10000, 1000000)}元`,
  },
  {
    code: '0601',
    name: '生产安全事故',
    share: 0.02,
    hourly: H_OFFICE,
    weekly: W_WORK,
    monthly: M_FLAT,
    trend: 0.97,
    festival: 0.45,
    location: 'work',
    sources: { 110: 0.5, 网格上报: 0.3, 自查: 0.2 },
    describe: (r) => `${pick(r, ['厂区内', '车间内', '仓库内'])}一名工人作业时${pick(r, ['手部受伤', '被机器夹伤', '摔伤'])}`,
  },
  {
    code: '0602',
    name: '危险化学品',
    share: 0.01,
    hourly: H_OFFICE,
    weekly: W_WORK,
    monthly: M_SUMMER,
    trend: 1,
    festival: 0.45,
    location: 'work',
    sources: { 自查: 0.45, 网格上报: 0.4, 12345: 0.15 },
    describe: (r) => pick(r, ['发现危险化学品违规存放', '企业液化气钢瓶违规使用', '检查发现化学品仓库无防泄漏措施']),
  },
  {
    code: '0603',
    name: '建筑施工安全',
    share: 0.03,
    hourly: H_OFFICE,
    weekly: W_WORK,
    monthly: M_WARM,
    trend: 1,
    festival: 0.45,
    location: 'work',
    sources: { 自查: 0.45, 网格上报: 0.4, 12345: 0.15 },
    describe: (r) => `工地${pick(r, ['脚手架', '塔吊', '基坑', '临时用电'])}存在安全隐患`,
  },
  {
    code: '0604',
    name: '特种设备安全',
    share: 0.02,
    hourly: H_DAY,
    weekly: W_FLAT,
    monthly: M_FLAT,
    trend: 1,
    festival: 0.8,
    location: 'work',
    sources: { 自查: 0.45, 网格上报: 0.4, 12345: 0.15 },
    describe: (r) => pick(r, ['电梯困人，已通知维保单位', '电梯故障停运', '锅炉压力容器检验过期']),
  },
]

/** Lunar New Year's Day (local dates) for the Spring Festival dip. */
const SPRING_FESTIVAL: Record<number, [number, number]> = {
  2019: [2, 5],
  2020: [1, 25],
  2021: [2, 12],
  2022: [2, 1],
  2023: [1, 22],
  2024: [2, 10],
  2025: [1, 29],
  2026: [2, 17],
  2027: [2, 6],
  2028: [1, 26],
  2029: [2, 13],
  2030: [2, 3],
  2031: [1, 23],
  2032: [2, 11],
}

/** Local (UTC+8) calendar facts of a day index (days since 1970-01-01 local). */
function dayInfo(day: number) {
  const d = new Date(day * DAY_MS)
  const year = d.getUTCFullYear()
  const sf = SPRING_FESTIVAL[year]
  const sfDay = sf ? Math.floor(Date.UTC(year, sf[0] - 1, sf[1]) / DAY_MS) : null
  // Days from the nearest Spring Festival (this year's or next year's).
  const next = SPRING_FESTIVAL[year + 1]
  const nextDay = next ? Math.floor(Date.UTC(year + 1, next[0] - 1, next[1]) / DAY_MS) : null
  const offsets = [sfDay, nextDay].filter((x): x is number => x !== null).map((x) => day - x)
  const festival = offsets.some((o) => o >= -10 && o <= 12)
  return { month: d.getUTCMonth(), dow: (d.getUTCDay() + 6) % 7, festival, ymd: d.toISOString().slice(0, 10).replace(/-/g, '') }
}

function isUrbanTown(town: string): boolean {
  return town.endsWith('街道') || town === '萧山经济技术开发区' || town === '萧山商业城' || town === '萧山钱江世纪城'
}

type AddressKind = 'room' | 'door' | 'group'
function kindOf(a: AddressRow): AddressKind {
  return a.room !== null ? 'room' : a.groupNo !== null ? 'group' : 'door'
}

/** A planted hot spot: which addresses, which categories, how strong. */
export interface HotSpot {
  kind: 'persistent' | 'emerging'
  label: string
  /** 'compound' | 'road' | 'village', and its key (town code + name, or village code). */
  unit: string
  key: string
  villageCodes: string[]
  /** Per category: extra incidents as a fraction of that category's background rate. */
  categories: Record<string, number>
  /** Emerging spots: the first day (ms) of the ramp; the rate grows linearly to its peak at `end`. */
  rampStart?: number
}

/** An address with many incidents of one category (a problem household, a noisy bar…). */
export interface RepeatAddress {
  addressId: string
  category: string
  /** Expected incidents over the whole window. */
  expected: number
}

export interface IncidentPlan {
  start: Date
  end: Date
  hotSpots: HotSpot[]
  repeats: RepeatAddress[]
}

interface Unit {
  unit: 'compound' | 'road' | 'village'
  key: string
  members: number[]
  urban: boolean
  rural: boolean
  villages: Set<string>
}

/** Groups sample addresses into compounds, roads (street doors) and villages. */
function units(addresses: readonly AddressRow[]): Unit[] {
  const map = new Map<string, Unit>()
  const add = (unit: Unit['unit'], key: string, i: number, a: AddressRow) => {
    const k = `${unit}|${key}`
    let u = map.get(k)
    if (!u) map.set(k, (u = { unit, key, members: [], urban: isUrbanTown(a.town), rural: !isUrbanTown(a.town), villages: new Set() }))
    u.members.push(i)
    u.villages.add(a.villageCode)
  }
  addresses.forEach((a, i) => {
    if (a.compound !== null) add('compound', `${a.townCode}|${a.compound}`, i, a)
    else if (a.road !== null) add('road', `${a.townCode}|${a.road}`, i, a)
    add('village', a.villageCode, i, a)
  })
  return [...map.values()].sort((a, b) => (a.unit + a.key < b.unit + b.key ? -1 : 1))
}

interface HotSpotSpec {
  kind: HotSpot['kind']
  label: string
  unit: Unit['unit']
  where: (u: Unit, addresses: readonly AddressRow[]) => boolean
  categories: Record<string, number>
}

const urbanVillage = (u: Unit, a: readonly AddressRow[]) => u.urban && u.members.some((i) => a[i]!.groupNo !== null)

/** The hot spots planted in every data set (units chosen per seed among those that fit). */
const HOT_SPOTS: readonly HotSpotSpec[] = [
  {
    kind: 'persistent',
    label: '城中村出租房集中区',
    unit: 'village',
    where: urbanVillage,
    categories: { '0101': 0.05, '0102': 0.05, '0303': 0.05, '0401': 0.02 },
  },
  {
    kind: 'persistent',
    label: '商业步行街',
    unit: 'road',
    where: (u) => u.urban,
    categories: { '0103': 0.07, '0104': 0.05, '0205': 0.05, '0204': 0.04 },
  },
  {
    kind: 'persistent',
    label: '老旧小区',
    unit: 'compound',
    where: (u) => u.urban,
    categories: { '0105': 0.05, '0402': 0.05, '0304': 0.06, '0102': 0.03 },
  },
  {
    kind: 'persistent',
    label: '工业集聚区',
    unit: 'village',
    where: (u) => u.rural,
    categories: { '0403': 0.08, '0601': 0.06, '0602': 0.05, '0603': 0.04 },
  },
  {
    kind: 'persistent',
    label: '事故多发路段',
    unit: 'road',
    where: (u) => u.rural,
    categories: { '0201': 0.05, '0202': 0.06, '0203': 0.05 },
  },
  {
    kind: 'persistent',
    label: '夜宵一条街',
    unit: 'road',
    where: (u) => u.urban,
    categories: { '0104': 0.06, '0105': 0.04, '0103': 0.02 },
  },
  {
    kind: 'persistent',
    label: '诈骗高发小区',
    unit: 'compound',
    where: () => true,
    categories: { '0501': 0.04, '0503': 0.04, '0504': 0.04 },
  },
  {
    kind: 'persistent',
    label: '集镇中心',
    unit: 'village',
    where: (u) => u.rural,
    categories: { '0101': 0.03, '0103': 0.03, '0201': 0.02, '0403': 0.02 },
  },
  { kind: 'emerging', label: '新兴电动车盗窃与充电火灾', unit: 'village', where: urbanVillage, categories: { '0102': 0.25, '0303': 0.3 } },
  { kind: 'emerging', label: '新交付小区诈骗上升', unit: 'compound', where: (u) => u.urban, categories: { '0501': 0.25, '0504': 0.25 } },
  { kind: 'emerging', label: '新开酒吧街', unit: 'road', where: (u) => u.urban, categories: { '0104': 0.25, '0105': 0.2 } },
  { kind: 'emerging', label: '新开工地块', unit: 'village', where: (u) => u.rural, categories: { '0603': 0.35, '0601': 0.2 } },
]

/** Emerging hot spots ramp up over this many days before the end. */
const RAMP_DAYS = 150

/** Repeat-address plan per 50,000 incidents: category, number of addresses, incidents each. */
const REPEATS: readonly { category: string; per50k: number; min: number; max: number; kinds: AddressKind[] }[] = [
  { category: '0401', per50k: 20, min: 12, max: 45, kinds: ['room', 'group'] },
  { category: '0402', per50k: 10, min: 10, max: 30, kinds: ['room', 'group'] },
  { category: '0105', per50k: 8, min: 10, max: 35, kinds: ['door'] },
  { category: '0404', per50k: 5, min: 8, max: 20, kinds: ['door'] },
]

/**
 * Chooses the hot spots and repeat addresses for a seed and address sample (the ground truth the
 * generated incidents were built from — useful to check hot-spot analyses against).
 * @example planIncidents(sample, { seed: 'demo', count: 50_000, end: new Date() }).hotSpots[0].label
 */
export function planIncidents(addresses: readonly AddressRow[], opts: IncidentOptions): IncidentPlan {
  const rng = deriveRng(opts.seed, 'incident-plan')
  const end = opts.end
  // Calendar years in local time (UTC+8): 2026-03-01 00:00 local → 2024-03-01 00:00 local.
  const start = new Date(end.getTime() + SHANGHAI_OFFSET_MS)
  start.setUTCFullYear(start.getUTCFullYear() - (opts.years ?? 2))
  start.setTime(start.getTime() - SHANGHAI_OFFSET_MS)
  const all = units(addresses)
  const used = new Set<string>()
  const minSize: Record<Unit['unit'], number> = { compound: 8, road: 8, village: 20 }
  const hotSpots: HotSpot[] = []
  for (const spec of HOT_SPOTS) {
    const fits = all.filter((u) => u.unit === spec.unit && !used.has(u.unit + u.key) && [...u.villages].every((v) => !used.has(v)))
    let candidates = fits.filter((u) => u.members.length >= minSize[u.unit] && spec.where(u, addresses))
    if (candidates.length === 0) candidates = fits.filter((u) => spec.where(u, addresses))
    if (candidates.length === 0) candidates = fits
    if (candidates.length === 0) continue
    // Prefer the larger units: hot spots are busy places.
    const sorted = candidates.sort((a, b) => b.members.length - a.members.length)
    const u = pick(rng, sorted.slice(0, Math.max(3, Math.ceil(sorted.length / 4))))
    used.add(u.unit + u.key)
    for (const v of u.villages) used.add(v)
    hotSpots.push({
      kind: spec.kind,
      label: spec.label,
      unit: u.unit,
      key: u.key,
      villageCodes: [...u.villages].sort(),
      categories: spec.categories,
      ...(spec.kind === 'emerging' ? { rampStart: end.getTime() - RAMP_DAYS * DAY_MS } : {}),
    })
  }
  const repeats: RepeatAddress[] = []
  const taken = new Set<number>()
  for (const rep of REPEATS) {
    const pool = addresses.flatMap((a, i) => (rep.kinds.includes(kindOf(a)) && !taken.has(i) ? [i] : []))
    const n = Math.min(pool.length, Math.max(1, Math.round((rep.per50k * opts.count) / 50_000)))
    for (const i of shuffle(rng, pool).slice(0, n)) {
      taken.add(i)
      repeats.push({ addressId: addresses[i]!.addressId, category: rep.category, expected: randInt(rng, rep.min, rep.max) })
    }
  }
  return { start, end, hotSpots, repeats }
}

/** Near-repeat: mean follow-ups per burglary / e-bike theft, distance and time limits. */
const NEAR_REPEAT: Record<string, number> = { '0101': 0.35, '0102': 0.25 }
const NEAR_REPEAT_METRES = 200
const NEAR_REPEAT_DAYS = 7

interface Pending {
  t: number
  cat: number
  addr: number
  /** Follow-ups do not spawn follow-ups of their own. */
  followUp: boolean
}

/**
 * Streams incidents in time order over [end − years, end), about `opts.count` in all, each at an
 * address of `addresses` (a bounded sample of the address base; see the module comment).
 * Ids are `JQ` + local date + 5-digit sequence of the day.
 * @example for (const i of generateIncidents(sample, { seed: 'demo', count: 50_000, end: new Date() })) insert(i)
 */
export function* generateIncidents(addresses: readonly AddressRow[], opts: IncidentOptions): Generator<IncidentRow> {
  if (addresses.length === 0) throw new Error('generateIncidents: empty address sample')
  const plan = planIncidents(addresses, opts)
  const rng = deriveRng(opts.seed, 'incidents')
  const startMs = plan.start.getTime()
  const endMs = plan.end.getTime()
  const firstDay = Math.floor((startMs + SHANGHAI_OFFSET_MS) / DAY_MS)
  const lastDay = Math.floor((endMs - 1 + SHANGHAI_OFFSET_MS) / DAY_MS)
  const cats = CATEGORY_PROFILES
  const catIndex = new Map(cats.map((c, i) => [c.code, i]))
  const yearsSpan = opts.years ?? 2

  // Temporal intensity of each category per day (× the part of the day inside the window).
  const days: { day: number; info: ReturnType<typeof dayInfo>; cover: number }[] = []
  for (let day = firstDay; day <= lastDay; day++) {
    const from = Math.max(startMs, day * DAY_MS - SHANGHAI_OFFSET_MS)
    const to = Math.min(endMs, (day + 1) * DAY_MS - SHANGHAI_OFFSET_MS)
    days.push({ day, info: dayInfo(day), cover: Math.max(0, to - from) / DAY_MS })
  }
  const intensity = (c: CategoryProfile, d: (typeof days)[number]) => {
    const years = ((d.day + 0.5) * DAY_MS - SHANGHAI_OFFSET_MS - startMs) / (365.25 * DAY_MS)
    return (
      d.cover *
      (c.monthly[d.info.month] as number) *
      (c.weekly[d.info.dow] as number) *
      c.trend ** (years - yearsSpan / 2) *
      (d.info.festival ? c.festival : 1)
    )
  }
  const intensitySum = cats.map((c) => days.reduce((s, d) => s + intensity(c, d), 0))

  // Budget: background + hot spots + repeats + near-repeat follow-ups ≈ count.
  const repeatTotal = plan.repeats.reduce((s, r) => s + r.expected, 0)
  const persistentShare = plan.hotSpots
    .filter((h) => h.kind === 'persistent')
    .reduce((s, h) => s + Object.entries(h.categories).reduce((t, [code, f]) => t + f * (cats[catIndex.get(code)!]?.share ?? 0), 0), 0)
  // An emerging spot's extra rate ramps linearly: on average half its peak over RAMP_DAYS.
  const windowDays = days.reduce((s, d) => s + d.cover, 0)
  const emergingShare =
    plan.hotSpots
      .filter((h) => h.kind === 'emerging')
      .reduce((s, h) => s + Object.entries(h.categories).reduce((t, [code, f]) => t + f * (cats[catIndex.get(code)!]?.share ?? 0), 0), 0) *
    (Math.min(RAMP_DAYS, windowDays) / 2 / windowDays)
  const nearShare = Object.entries(NEAR_REPEAT).reduce((s, [code, m]) => s + m * (cats[catIndex.get(code)!]?.share ?? 0), 0)
  const background = Math.max(0, opts.count - repeatTotal) / (1 + persistentShare + emergingShare + nearShare)
  const daily = (ci: number, d: (typeof days)[number]) =>
    (background * (cats[ci]!.share * intensity(cats[ci]!, d))) / (intensitySum[ci] as number)

  // Where: one alias table per location profile over the sample.
  const kinds = addresses.map(kindOf)
  const urban = addresses.map((a) => isUrbanTown(a.town))
  const samplers = new Map<LocationProfile, (r: Rng) => number>()
  for (const [profile, w] of Object.entries(PROFILE_WEIGHTS) as [LocationProfile, (typeof PROFILE_WEIGHTS)[LocationProfile]][]) {
    samplers.set(profile, aliasSampler(addresses.map((_, i) => w[kinds[i] as AddressKind] * (urban[i] ? w.urbanFactor : 1))))
  }
  const allUnits = new Map(units(addresses).map((u) => [`${u.unit}|${u.key}`, u]))
  const spots = plan.hotSpots.map((h) => ({ h, members: allUnits.get(`${h.unit}|${h.key}`)?.members ?? [] }))
  const byId = new Map(addresses.map((a, i) => [a.addressId, i]))
  const repeats = plan.repeats.map((r) => ({ ...r, addr: byId.get(r.addressId) as number, ci: catIndex.get(r.category) as number }))
  const hourly = cats.map((c) => aliasSampler(c.hourly))

  // Near-repeat neighbours: a ~200 m grid over the sample.
  const cellDeg = 0.002
  const cellKey = (lng: number, lat: number) => Math.floor(lng / cellDeg) * 100_000 + Math.floor(lat / cellDeg)
  const grid = new Map<number, number[]>()
  addresses.forEach((a, i) => {
    const k = cellKey(a.lng, a.lat)
    const list = grid.get(k)
    if (list) list.push(i)
    else grid.set(k, [i])
  })
  const nearby = (i: number): number => {
    const a = addresses[i] as AddressRow
    const cx = Math.floor(a.lng / cellDeg)
    const cy = Math.floor(a.lat / cellDeg)
    const lists: number[][] = []
    let total = 0
    for (let dx = -1; dx <= 1; dx++) {
      for (let dy = -1; dy <= 1; dy++) {
        const list = grid.get((cx + dx) * 100_000 + cy + dy)
        if (list) {
          lists.push(list)
          total += list.length
        }
      }
    }
    // Random probes instead of a full scan: dense urban cells hold thousands of addresses.
    for (let probe = 0; probe < 40; probe++) {
      let k = Math.floor(rng() * total)
      let list = lists[0] as number[]
      for (const l of lists) {
        if (k < l.length) {
          list = l
          break
        }
        k -= l.length
      }
      const j = list[k] as number
      const b = addresses[j] as AddressRow
      if (kinds[j] !== 'door' && Math.hypot((b.lng - a.lng) * 96_388, (b.lat - a.lat) * 110_854) <= NEAR_REPEAT_METRES) return j
    }
    return i
  }

  // Roads per town (for intersections in traffic reports).
  const townRoads = new Map<string, string[]>()
  for (const a of addresses) {
    if (a.road === null) continue
    const list = townRoads.get(a.townCode) ?? []
    if (!list.includes(a.road)) list.push(a.road)
    townRoads.set(a.townCode, list)
  }

  const pending = new Map<number, Pending[]>()
  const timeIn = (day: number, ci: number) =>
    day * DAY_MS - SHANGHAI_OFFSET_MS + ((hourly[ci] as (r: Rng) => number)(rng) + rng()) * 3_600_000

  for (const d of days) {
    const events: Pending[] = pending.get(d.day) ?? []
    pending.delete(d.day)
    const add = (ci: number, addr: number) => events.push({ t: timeIn(d.day, ci), cat: ci, addr, followUp: false })
    // Background.
    cats.forEach((c, ci) => {
      const n = poisson(rng, daily(ci, d))
      const draw = samplers.get(c.location) as (r: Rng) => number
      for (let k = 0; k < n; k++) add(ci, draw(rng))
    })
    // Hot spots: a fraction of the category's background rate, at the spot's addresses.
    const dayMid = (d.day + 0.5) * DAY_MS - SHANGHAI_OFFSET_MS
    for (const { h, members } of spots) {
      if (members.length === 0) continue
      const ramp = h.rampStart === undefined ? 1 : Math.max(0, Math.min(1, (dayMid - h.rampStart) / (endMs - h.rampStart)))
      if (ramp <= 0) continue
      for (const [code, f] of Object.entries(h.categories)) {
        const ci = catIndex.get(code) as number
        const n = poisson(rng, daily(ci, d) * f * ramp)
        for (let k = 0; k < n; k++) add(ci, pick(rng, members))
      }
    }
    // Repeat addresses: their expected total spread by the category's seasonality.
    for (const r of repeats) {
      const n = poisson(rng, (r.expected * intensity(cats[r.ci]!, d)) / (intensitySum[r.ci] as number))
      for (let k = 0; k < n; k++) add(r.ci, r.addr)
    }
    // Near-repeat follow-ups (one generation), possibly later today.
    for (let k = 0; k < events.length; k++) {
      const e = events[k] as Pending
      const mean = NEAR_REPEAT[cats[e.cat]!.code]
      if (mean === undefined || e.followUp) continue
      const n = poisson(rng, mean)
      for (let j = 0; j < n; j++) {
        const t = e.t + Math.min(NEAR_REPEAT_DAYS * DAY_MS - 1, exponential(rng, 2 * DAY_MS))
        if (t >= endMs) continue
        const f: Pending = { t, cat: e.cat, addr: nearby(e.addr), followUp: true }
        const fd = Math.floor((t + SHANGHAI_OFFSET_MS) / DAY_MS)
        if (fd === d.day) events.push(f)
        else {
          const list = pending.get(fd)
          if (list) list.push(f)
          else pending.set(fd, [f])
        }
      }
    }
    events.sort((a, b) => a.t - b.t)
    let seq = 0
    for (const e of events) {
      if (e.t < startMs || e.t >= endMs) continue
      seq++
      yield incidentRow(
        rng,
        e,
        `JQ${d.info.ymd}${String(seq).padStart(5, '0')}`,
        addresses[e.addr] as AddressRow,
        cats[e.cat]!,
        endMs,
        townRoads,
      )
    }
  }
}

/** Source names and weights per category, as arrays (looked up once per incident). */
const SOURCES = new Map(CATEGORY_PROFILES.map((c) => [c.code, { names: Object.keys(c.sources), weights: Object.values(c.sources) }]))

function incidentRow(
  rng: Rng,
  e: Pending,
  id: string,
  a: AddressRow,
  c: CategoryProfile,
  endMs: number,
  townRoads: Map<string, string[]>,
): IncidentRow {
  const src = SOURCES.get(c.code) as { names: string[]; weights: number[] }
  const source = weightedPick(rng, src.names, src.weights)
  const ageDays = (endMs - e.t) / DAY_MS
  // 110/119/122 cases close within hours; complaints and disputes take days; all close in 30 days.
  const tau = source === '110' || source === '119' || source === '122' ? 0.5 : 6
  const open = ageDays < 30 && chance(rng, Math.exp(-ageDays / tau))
  return {
    incidentId: id,
    reportedAt: new Date(Math.floor(e.t / 1000) * 1000),
    categoryCode: c.code,
    address: reportedAddress(rng, a, c, townRoads),
    description: c.describe(rng),
    source,
    status: open ? 'open' : 'closed',
    lng: a.lng,
    lat: a.lat,
    truthAddressId: a.addressId,
    townCode: a.townCode,
    villageCode: a.villageCode,
    gridCode: a.gridCode,
    microgridCode: a.microgridCode,
  }
}

/**
 * The address as a reporter gives it: noisy (address-text.ts); street incidents are placed by
 * road (+ door, an intersection or 附近/路口) rather than by flat.
 * @example reportedAddress(rng, address, CATEGORY_PROFILES[5], roads) // '萧山区金城路与市心中路交叉口'
 */
export function reportedAddress(rng: Rng, a: AddressRow, c: Pick<CategoryProfile, 'street'>, townRoads: Map<string, string[]>): string {
  const parts: AddressParts = {
    town: a.town,
    village: a.village,
    groupNo: a.groupNo,
    road: a.road,
    doorNo: a.doorNo,
    compound: a.compound,
    building: a.building,
    unit: a.unit,
    room: a.room,
  }
  const style = randomNoiseStyle(rng, parts, a.aliases)
  if (c.street && a.road !== null) {
    style.parts = 'road'
    const roads = townRoads.get(a.townCode) ?? []
    const other = roads.length > 1 && chance(rng, 0.3) ? pick(rng, roads) : a.road
    if (other !== a.road) {
      style.crossRoad = other
      if (style.suffix) style.suffix = chance(rng, 0.5) ? '附近' : `${pick(rng, ['东', '南', '西', '北'])}侧${randInt(rng, 2, 10) * 10}米`
    } else if (!style.suffix && chance(rng, 0.5)) style.suffix = randomSuffix(rng)
  }
  return formatAddress(parts, style)
}
