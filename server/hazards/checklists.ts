/**
 * The enterprise self-check (企业自查) checklists: for each hazard category, the items an
 * enterprise checks on its own premises. A failed item becomes a hazard of that category with
 * source `self_check` (registered through `POST /api/hazards`, one per failed item, the item's
 * text in the description). Data, validated when the module loads; shared with the web app
 * through server/shared/api.ts, so the desk's form and any server reader see the same items.
 */
import { z } from 'zod'

import { type HazardCategory, HazardCategorySchema, HazardSeveritySchema } from './schema.ts'

/** One item: a stable id (part of the hazard_id of a failed item), the words, and the default severity of a failure. */
export const ChecklistItemSchema = z.object({
  id: z.string().regex(/^[a-z]{2,4}-\d{2}$/, 'an item id such as fire-01'),
  zh: z.string().min(2).max(200),
  en: z.string().min(2).max(200),
  severity: HazardSeveritySchema,
})
export type ChecklistItem = z.infer<typeof ChecklistItemSchema>

/** Every category's items: at least one each, ids unique across all lists. */
export const ChecklistsSchema = z.record(HazardCategorySchema, z.array(ChecklistItemSchema).min(1)).refine((lists) => {
  const ids = Object.values(lists).flatMap((items) => items.map((i) => i.id))
  return new Set(ids).size === ids.length
}, 'item ids must be unique across the checklists')
export type Checklists = z.infer<typeof ChecklistsSchema>

const item = (id: string, zh: string, en: string, severity: ChecklistItem['severity'] = 'general') => ({ id, zh, en, severity })

/** The district's self-check items per category (一般 unless a failure is more serious). */
export const SELF_CHECK_LISTS: Readonly<Checklists> = ChecklistsSchema.parse({
  fire: [
    item('fire-01', '疏散通道、安全出口畅通，未堆放杂物、未上锁', 'Escape routes and exits are clear and unlocked', 'serious'),
    item('fire-02', '灭火器配置齐全且在有效期内', 'Extinguishers are in place and in date'),
    item('fire-03', '应急照明和疏散指示标志完好有效', 'Emergency lighting and exit signs work'),
    item('fire-04', '消火栓、喷淋等消防设施完好，未被遮挡', 'Hydrants and sprinklers work and are unobstructed'),
    item('fire-05', '电气线路无私拉乱接、无老化破损', 'No makeshift or worn electrical wiring'),
    item(
      'fire-06',
      '生产、储存、住宿场所未设在同一建筑内（"三合一"）',
      'No work, storage and sleeping in one building ("three-in-one")',
      'major',
    ),
  ],
  production_safety: [
    item('ps-01', '主要负责人和安全管理人员经过安全培训', 'Managers and safety officers are trained'),
    item('ps-02', '特种作业人员持证上岗', 'Special operations staff hold their certificates'),
    item('ps-03', '机械设备防护装置齐全有效', 'Machine guards are in place and work', 'serious'),
    item(
      'ps-04',
      '有限空间作业执行审批和"先通风、再检测、后作业"',
      'Confined-space work is permitted, ventilated and tested first',
      'serious',
    ),
    item('ps-05', '安全警示标志设置规范', 'Safety warning signs are posted'),
  ],
  gas_cylinder: [
    item('gas-01', '使用合格气瓶，来源可追溯（有充装标签）', 'Cylinders are certified and traceable (filling label)'),
    item(
      'gas-02',
      '气瓶存放在通风良好处，未放置在地下室或密闭空间',
      'Cylinders are kept ventilated, not in basements or closed rooms',
      'serious',
    ),
    item('gas-03', '安装可燃气体报警装置并联动切断阀', 'A gas alarm with an automatic shut-off valve is installed', 'serious'),
    item('gas-04', '连接软管无老化、龟裂，长度不超过 2 米', 'Hoses are sound and at most 2 m long'),
    item('gas-05', '用气场所与人员密集区分隔', 'Gas use is separated from crowded areas'),
  ],
  ebike_charging: [
    item(
      'eb-01',
      '电动自行车未在楼道、安全出口、疏散通道停放充电',
      'No e-bikes parked or charged in stairwells, exits or escape routes',
      'serious',
    ),
    item('eb-02', '未"飞线"充电、未将电池带入室内充电', 'No dangling cables and no batteries charged indoors', 'serious'),
    item('eb-03', '集中充电场所具备定时断电、过载保护功能', 'Charging points cut off on time and on overload'),
    item('eb-04', '充电区域配置灭火器材', 'Extinguishers at the charging area'),
  ],
  road_traffic: [
    item('rt-01', '单位车辆按期年检、驾驶人证件有效', 'Vehicles inspected on time; drivers licensed'),
    item('rt-02', '厂区出入口视线良好、设置减速及警示标志', 'Gates have clear sight lines, speed bumps and warning signs'),
    item('rt-03', '货车未超限超载', 'Lorries are not overloaded', 'serious'),
  ],
  building: [
    item('bd-01', '房屋无明显开裂、倾斜、沉降', 'No visible cracks, tilt or settling', 'serious'),
    item('bd-02', '未擅自改变主体结构或加层', 'No unauthorised structural changes or extra storeys', 'major'),
    item('bd-03', '外墙、屋面、广告牌等无脱落隐患', 'Facades, roofs and signs are secure'),
    item('bd-04', '经营用途与房屋设计用途相符', 'The use matches the building’s design use'),
  ],
  hazardous_chemicals: [
    item('hc-01', '危险化学品专库专柜储存，禁忌物料分开存放', 'Chemicals in dedicated stores, incompatibles apart', 'serious'),
    item('hc-02', '建立出入库台账，账物相符', 'In/out ledger kept and matching the stock'),
    item('hc-03', '储存场所设置防泄漏、通风及报警设施', 'Stores have spill containment, ventilation and alarms', 'serious'),
    item('hc-04', '安全技术说明书和安全标签齐全', 'Safety data sheets and labels present'),
    item('hc-05', '储存量未超过核定数量', 'Stock within the permitted quantity', 'major'),
  ],
  other: [
    item('ot-01', '安全生产责任制和隐患自查制度已建立', 'A safety responsibility and self-check system is in place'),
    item('ot-02', '应急预案已制定并开展演练', 'An emergency plan exists and is drilled'),
    item('ot-03', '员工知晓本岗位安全风险和应急处置', 'Staff know their job’s risks and what to do in an emergency'),
  ],
})

/**
 * The items of a category's checklist.
 * @example checklistOf('ebike_charging')[0].id // 'eb-01'
 */
export function checklistOf(category: HazardCategory): readonly ChecklistItem[] {
  return SELF_CHECK_LISTS[category]
}

/**
 * A short stable hash of a text (FNV-1a, 32 bits, 8 hex digits).
 * @example fnv1a('') // '811c9dc5'
 */
export function fnv1a(text: string): string {
  let h = 0x811c9dc5
  for (const ch of text) {
    h ^= ch.codePointAt(0)!
    h = Math.imul(h, 0x01000193) >>> 0
  }
  return h.toString(16).padStart(8, '0')
}

/**
 * The hazard_id of a failed self-check item: the day, the checked place (its name and where it
 * is, hashed) and the item. The same form sent twice names the same hazards, and the second
 * `POST /api/hazards` is refused as a taken hazard_id (409) instead of registering them again.
 * @example selfCheckHazardId('2026-12-06', '临浦镇某某五金厂|120.26,30.18', 'fire-01') // 'SC-20261206-xxxxxxxx-fire-01'
 */
export function selfCheckHazardId(day: string, place: string, itemId: string): string {
  return `SC-${day.replaceAll('-', '')}-${fnv1a(place.trim())}-${itemId}`
}
