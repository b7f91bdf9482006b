/**
 * Demo hazards (隐患) and rectification tasks (整改任务): a modest register over the last ~4
 * months before `end`, at addresses of the incident sample, with their whole workflow history.
 * Pure and deterministic from the seed string and `end` (no database code here).
 *
 * Planted: the category mix of a district's three-in-one register (fire and e-bike charging
 * most common), severities mostly 一般, the three sources, due dates by severity, a workflow that
 * moves at realistic speeds (confirmation within days; rectification slower for major hazards,
 * some stubborn ones running late), so that at `end` some hazards and tasks are overdue, some
 * tasks were returned once, and a task's close-out closes its hazard (server/tasks/store.ts).
 */
import type { AddressRow } from '../addresses/schema.ts'
import { shanghaiDay } from '../shared/time.ts'
import { chance, deriveRng, pick, randInt, type Rng, uniform, weightedPick } from './rng.ts'

const DAY = 86_400_000

export type SeedHazardSource = 'self_check' | 'grid_inspection' | 'regulator_inspection'
export type SeedHazardCategory =
  'fire' | 'production_safety' | 'gas_cylinder' | 'ebike_charging' | 'road_traffic' | 'building' | 'hazardous_chemicals' | 'other'
export type SeedSeverity = 'general' | 'serious' | 'major'

/** One step of a demo history. */
export interface SeedEvent {
  at: Date
  actor: string
  action: 'created' | 'transition'
  from: string | null
  to: string
  comment: string | null
}

/** One demo hazard (a hazards row plus its hazard_events). */
export interface HazardSeedRow {
  hazardId: string
  source: SeedHazardSource
  category: SeedHazardCategory
  severity: SeedSeverity
  status: 'reported' | 'confirmed' | 'rectifying' | 'closed'
  description: string
  placeName: string
  responsibleParty: string
  dueDate: string
  reportedAt: Date
  attachments: { ref: string; name: string; type: 'photo' }[]
  address: string
  lng: number
  lat: number
  addressId: string
  townCode: string
  villageCode: string
  gridCode: string
  microgridCode: string
  events: SeedEvent[]
}

/** One demo task (a tasks row plus its task_events); `hazardRef` is its hazard's hazardId. */
export interface TaskSeedRow {
  ref: string
  title: string
  description: string
  source: 'hazard' | 'manual'
  hazardRef: string | null
  areaCode: string
  areaLevel: 'town' | 'village' | 'grid'
  townCode: string
  villageCode: string | null
  gridCode: string | null
  assigneeTeam: string
  dueDate: string
  status: 'issued' | 'accepted' | 'in_progress' | 'submitted' | 'closed' | 'returned'
  /** The hazard's point; null = the area's label point. */
  point: [number, number] | null
  events: SeedEvent[]
}

export interface HazardSeedOptions {
  seed: string
  /** Hazards to generate (tasks follow: about half of them get one, plus a quarter as many by hand). */
  count: number
  /** Nothing happens at or after this instant. */
  end: Date
  /** Window in days before `end` (default 120). */
  days?: number
}

const CATEGORIES: readonly SeedHazardCategory[] = [
  'fire',
  'ebike_charging',
  'gas_cylinder',
  'production_safety',
  'road_traffic',
  'building',
  'hazardous_chemicals',
  'other',
]
const CATEGORY_WEIGHTS = [30, 22, 14, 14, 8, 6, 3, 3]

const PROBLEMS: Record<SeedHazardCategory, readonly string[]> = {
  fire: [
    '疏散通道堆放杂物，安全出口被锁闭',
    '灭火器过期未更换',
    '室内消火栓被货物遮挡',
    '厨房烟道未定期清洗，油污严重',
    '住人与经营场所未有效分隔（“三合一”场所）',
    '应急照明和疏散指示标志损坏',
    '电气线路私拉乱接，未穿管保护',
  ],
  ebike_charging: [
    '电动自行车在楼道内停放充电',
    '住户从楼上私拉电线“飞线”充电',
    '电动自行车停放堵塞疏散通道',
    '集中充电棚未配置灭火器材',
    '电动自行车电池带入室内过夜充电',
  ],
  gas_cylinder: [
    '液化气钢瓶未安装燃气泄漏报警装置',
    '液化气钢瓶存放于地下室',
    '使用超期未检液化气钢瓶',
    '燃气软管老化开裂',
    '钢瓶与灶具间距不足，无防倾倒措施',
  ],
  production_safety: [
    '车间电气线路私拉乱接',
    '机械设备防护罩缺失',
    '员工未经安全培训上岗',
    '有限空间作业未落实审批制度',
    '高处作业未系安全带',
    '仓库货物堆垛超高',
  ],
  road_traffic: ['路口绿化遮挡视线', '学校门口缺少减速带和警示标志', '道路坑洼未及时修复', '占道经营影响车辆通行', '交通信号灯故障'],
  building: ['自建房墙体出现贯穿裂缝', '房屋违规加层', '阳台外挂空调架锈蚀松动', '房屋擅自改变用途用于经营', '外墙装饰层空鼓脱落'],
  hazardous_chemicals: ['危化品未分区分类储存', '无证经营危险化学品', '危化品仓库通风设施损坏', '危化品包装安全标签缺失'],
  other: ['高空坠物隐患', '户外广告牌固定不牢', '河道护栏缺失'],
}

const PREMISES: Record<SeedHazardCategory, readonly string[]> = {
  fire: ['小吃店', '百货超市', '出租房', '五金店', '小旅馆', '棋牌室', '服装店'],
  ebike_charging: ['出租房', '居民楼', '公寓', '小区'],
  gas_cylinder: ['面馆', '快餐店', '烧烤店', '早餐店', '饭店'],
  production_safety: ['纺织有限公司', '机械厂', '五金加工厂', '印染有限公司', '汽配有限公司', '羽绒制品厂'],
  road_traffic: ['路口', '小学门口', '农贸市场门口'],
  building: ['自建房', '农居房', '沿街商铺'],
  hazardous_chemicals: ['化工有限公司', '油漆经营部', '加油站'],
  other: ['商铺', '居民楼'],
}

const BRANDS = ['恒达', '鑫源', '兴旺', '永盛', '华丰', '宏运', '顺发', '金马', '天成', '瑞丰', '聚福', '万家']
const SURNAMES = ['王', '李', '张', '陈', '沈', '俞', '徐', '孙', '朱', '周', '韩', '汪', '高', '来', '楼']
const REGULATORS = ['区应急管理局', '区消防救援大队', '区市场监管局', '区住建局', '区交警大队']

/** Severity and how long it gets to be rectified (days). */
const SEVERITY: Record<SeedSeverity, { weight: number; days: [number, number] }> = {
  general: { weight: 75, days: [7, 15] },
  serious: { weight: 20, days: [15, 30] },
  major: { weight: 5, days: [30, 60] },
}

const addDays = (t: Date, d: number) => new Date(t.getTime() + d * DAY)

/** A premises name for a category, e.g. 恒达五金店 or 王记面馆. */
function premisesName(rng: Rng, category: SeedHazardCategory, a: AddressRow): string {
  const kind = pick(rng, PREMISES[category])
  if (kind === '小区') return a.compound ?? `${a.village}小区`
  if (kind === '居民楼' || kind === '出租房' || kind === '自建房' || kind === '农居房')
    return `${a.compound ?? a.road ?? a.village}${a.doorNo ? `${a.doorNo}号` : ''}${kind}`
  if (kind.endsWith('门口') || kind === '路口') return `${a.road ?? a.village}${kind}`
  return chance(rng, 0.4) ? `${pick(rng, SURNAMES)}记${kind}` : `${pick(rng, BRANDS)}${kind}`
}

/**
 * Keeps the events before `end` and gives the state they lead to.
 * @example cut(events, end).status // the last kept event's `to`
 */
function cut<S extends string>(events: SeedEvent[], end: Date): { events: SeedEvent[]; status: S } {
  const kept = events.filter((e) => e.at < end)
  return { events: kept, status: kept.at(-1)!.to as S }
}

/**
 * The demo register: hazards and tasks, each with its history up to `end`.
 * @example const { hazards, tasks } = generateHazards(sample, { seed: 'xiaoshan', count: 240, end })
 */
export function generateHazards(
  addresses: readonly AddressRow[],
  opts: HazardSeedOptions,
): { hazards: HazardSeedRow[]; tasks: TaskSeedRow[] } {
  if (addresses.length === 0 || opts.count <= 0) return { hazards: [], tasks: [] }
  const rng = deriveRng(opts.seed, 'hazards')
  const days = opts.days ?? 120
  const start = opts.end.getTime() - days * DAY
  const hazards: HazardSeedRow[] = []
  const tasks: TaskSeedRow[] = []
  const severities = Object.keys(SEVERITY) as SeedSeverity[]

  for (let i = 1; i <= opts.count; i++) {
    const a = addresses[Math.floor(rng() * addresses.length)]!
    const category = weightedPick(rng, CATEGORIES, CATEGORY_WEIGHTS)
    const severity = weightedPick(
      rng,
      severities,
      severities.map((s) => SEVERITY[s].weight),
    )
    const source: SeedHazardSource =
      category === 'production_safety' || category === 'hazardous_chemicals'
        ? weightedPick(rng, ['self_check', 'regulator_inspection', 'grid_inspection'] as const, [5, 3, 2])
        : weightedPick(rng, ['grid_inspection', 'regulator_inspection', 'self_check'] as const, [6, 2, 2])
    const town = a.town
    const placeName = premisesName(rng, category, a)
    const boss = `${pick(rng, SURNAMES)}某某`
    const reportedAt = new Date(Math.floor(start + rng() * (days * DAY - 3_600_000)))
    const hazardId = `DEMO-YH-${String(i).padStart(5, '0')}`
    const reporter =
      source === 'grid_inspection'
        ? `网格员${pick(rng, SURNAMES)}某`
        : source === 'self_check'
          ? `${placeName}（企业自查）`
          : pick(rng, REGULATORS)
    const office = `${town}平安办`
    const [d0, d1] = SEVERITY[severity].days
    const dueDate = shanghaiDay(addDays(reportedAt, randInt(rng, d0, d1)))

    // The whole workflow as it would play out; cut at `end` below.
    const confirmedAt = addDays(reportedAt, uniform(rng, 0.2, 3))
    const rectifyingAt = addDays(confirmedAt, uniform(rng, 0.1, 2))
    const allowed = Math.max(1, (Date.parse(`${dueDate}T16:00:00Z`) - rectifyingAt.getTime()) / DAY)
    // Most finish inside the deadline; one in six is stubborn and runs well past it, and a few
    // are stuck (the overdue backlog every register has).
    const pace = chance(rng, 0.08) ? 1_000 : chance(rng, 1 / 6) ? uniform(rng, 1.1, 2.5) : uniform(rng, 0.2, 0.95)
    const closeAt = addDays(rectifyingAt, pace * allowed)
    const hasTask = severity !== 'general' || chance(rng, 0.35)
    const events: SeedEvent[] = [
      { at: reportedAt, actor: reporter, action: 'created', from: null, to: 'reported', comment: null },
      { at: confirmedAt, actor: office, action: 'transition', from: 'reported', to: 'confirmed', comment: '现场核实，隐患属实' },
      {
        at: rectifyingAt,
        actor: office,
        action: 'transition',
        from: 'confirmed',
        to: 'rectifying',
        comment: hasTask ? '已下发整改任务' : `责令${boss}限期整改`,
      },
      {
        at: closeAt,
        actor: office,
        action: 'transition',
        from: 'rectifying',
        to: 'closed',
        comment: hasTask ? '随整改任务销号' : '复查合格，予以销号',
      },
    ]
    const h = cut<HazardSeedRow['status']>(events, opts.end)
    const problem = pick(rng, PROBLEMS[category])
    hazards.push({
      hazardId,
      source,
      category,
      severity,
      status: h.status,
      description: `${placeName}：${problem}`,
      placeName,
      responsibleParty: `${boss}（${placeName}负责人）`,
      dueDate,
      reportedAt,
      attachments: Array.from({ length: randInt(rng, 1, 3) }, (_, k) => ({
        ref: `demo://hazards/${hazardId}/${k + 1}.jpg`,
        name: `现场照片${k + 1}.jpg`,
        type: 'photo' as const,
      })),
      address: a.address,
      lng: a.lng,
      lat: a.lat,
      addressId: a.addressId,
      townCode: a.townCode,
      villageCode: a.villageCode,
      gridCode: a.gridCode,
      microgridCode: a.microgridCode,
      events: h.events,
    })

    if (hasTask && rectifyingAt < opts.end) {
      const team = pick(rng, [`${a.village}网格工作站`, `${town}安监站`, `${town}消防工作站`, `${town}综合行政执法中队`])
      tasks.push(
        taskTimeline(
          rng,
          {
            ref: `DEMO-RW-${String(tasks.length + 1).padStart(5, '0')}`,
            title: `整改：${problem}`,
            description: `${placeName}（${a.address}）${problem}，请督促责任人${boss}于${dueDate}前整改到位并上传整改照片。`,
            source: 'hazard',
            hazardRef: hazardId,
            areaCode: a.gridCode,
            areaLevel: 'grid',
            townCode: a.townCode,
            villageCode: a.villageCode,
            gridCode: a.gridCode,
            assigneeTeam: team,
            dueDate,
            point: [a.lng, a.lat],
          },
          rectifyingAt,
          closeAt,
          office,
          opts.end,
        ),
      )
    }
  }

  // Campaign tasks by hand: special inspections assigned to a village or a town.
  const campaigns = [
    '开展出租房消防安全专项检查',
    '电动自行车集中充电设施排查',
    '餐饮场所瓶装燃气安全入户检查',
    '小微企业安全生产隐患排查',
    '学校周边道路交通秩序整治',
    '老旧自建房安全隐患排查',
  ]
  const manual = Math.max(1, Math.round(opts.count / 8))
  for (let k = 0; k < manual; k++) {
    const a = addresses[Math.floor(rng() * addresses.length)]!
    const toVillage = chance(rng, 0.6)
    const title = pick(rng, campaigns)
    const issuedAt = new Date(Math.floor(start + rng() * (days * DAY - DAY)))
    const dueDate = shanghaiDay(addDays(issuedAt, randInt(rng, 10, 30)))
    const allowed = randInt(rng, 10, 30)
    const closeAt = addDays(issuedAt, chance(rng, 0.2) ? uniform(rng, 1.1, 2) * allowed : uniform(rng, 0.4, 0.95) * allowed)
    tasks.push(
      taskTimeline(
        rng,
        {
          ref: `DEMO-RW-${String(tasks.length + 1).padStart(5, '0')}`,
          title: `${toVillage ? a.village : a.town}${title}`,
          description: `按照区平安办部署，${title}，发现隐患及时录入隐患台账并跟踪整改。`,
          source: 'manual',
          hazardRef: null,
          areaCode: toVillage ? a.villageCode : a.townCode,
          areaLevel: toVillage ? 'village' : 'town',
          townCode: a.townCode,
          villageCode: toVillage ? a.villageCode : null,
          gridCode: null,
          assigneeTeam: toVillage ? `${a.village}网格工作站` : `${a.town}平安办`,
          dueDate,
          point: null,
        },
        issuedAt,
        closeAt,
        '区平安办',
        opts.end,
      ),
    )
  }
  return { hazards, tasks }
}

/** A task's workflow from issue to close-out (one return in five), cut at `end`. */
function taskTimeline(
  rng: Rng,
  t: Omit<TaskSeedRow, 'status' | 'events'>,
  issuedAt: Date,
  closeAt: Date,
  issuer: string,
  end: Date,
): TaskSeedRow {
  const span = Math.max(closeAt.getTime() - issuedAt.getTime(), DAY)
  const at = (f: number) => new Date(issuedAt.getTime() + f * span)
  const assignee = t.assigneeTeam
  const events: SeedEvent[] = [
    { at: issuedAt, actor: issuer, action: 'created', from: null, to: 'issued', comment: null },
    { at: at(0.05), actor: assignee, action: 'transition', from: 'issued', to: 'accepted', comment: '已签收' },
    { at: at(0.1), actor: assignee, action: 'transition', from: 'accepted', to: 'in_progress', comment: null },
  ]
  if (chance(rng, 0.2)) {
    events.push(
      { at: at(0.5), actor: assignee, action: 'transition', from: 'in_progress', to: 'submitted', comment: '已整改，附整改照片' },
      { at: at(0.6), actor: issuer, action: 'transition', from: 'submitted', to: 'returned', comment: '整改不到位，请重新整改' },
      { at: at(0.65), actor: assignee, action: 'transition', from: 'returned', to: 'in_progress', comment: null },
    )
  }
  events.push(
    { at: at(0.9), actor: assignee, action: 'transition', from: 'in_progress', to: 'submitted', comment: '整改完成，申请销号' },
    { at: closeAt, actor: issuer, action: 'transition', from: 'submitted', to: 'closed', comment: '复查合格，予以销号' },
  )
  const c = cut<TaskSeedRow['status']>(events, end)
  return { ...t, status: c.status, events: c.events }
}
