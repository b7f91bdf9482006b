/**
 * Words for the codes of the full view (migrations/034_full_view.sql): house uses, organisation
 * types and risk categories, device kinds and events, residence, key-person categories and
 * dispute types, levels and statuses — in both languages, for the legend and an address's
 * inspector. Kept here, beside the layers that show them, apart from codes.ts.
 */
import { getLang } from '../i18n/i18n.ts'
import type { Lang } from '../i18n/strings.ts'

type Words = Readonly<Record<Lang, string>>

export const FULL_VIEW_CODES = {
  houseUse: {
    self_occupied: { zh: '自住', en: 'Owner-occupied' },
    rented: { zh: '出租', en: 'Rented' },
    vacant: { zh: '空置', en: 'Vacant' },
    commercial: { zh: '经营', en: 'Shop or workshop' },
    other: { zh: '其他', en: 'Other' },
  },
  orgType: {
    enterprise: { zh: '企业', en: 'Enterprise' },
    shop: { zh: '沿街商铺', en: 'Shop' },
    venue: { zh: '场所', en: 'Venue' },
  },
  risk: {
    catering: { zh: '餐饮', en: 'Catering' },
    gas: { zh: '燃气', en: 'Gas' },
    hazardous_chemicals: { zh: '危化品', en: 'Hazardous chemicals' },
    rental: { zh: '出租', en: 'Rental' },
    ebike_charging: { zh: '电动车充电', en: 'E-bike charging' },
    crowded_venue: { zh: '人员密集场所', en: 'Crowded venue' },
    production: { zh: '生产加工', en: 'Production' },
    warehouse: { zh: '仓储', en: 'Warehouse' },
    other: { zh: '其他', en: 'Other' },
  },
  deviceKind: {
    smoke_detector: { zh: '烟感', en: 'Smoke detector' },
    gas_alarm: { zh: '燃气报警器', en: 'Gas alarm' },
    gas_cylinder: { zh: '液化气钢瓶', en: 'Gas cylinder' },
    ebike_charger: { zh: '电动车充电桩', en: 'E-bike charger' },
  },
  deviceEvent: {
    alarm: { zh: '告警', en: 'Alarm' },
    fault: { zh: '故障', en: 'Fault' },
    offline: { zh: '离线', en: 'Offline' },
    online: { zh: '上线', en: 'Online' },
    reading: { zh: '读数', en: 'Reading' },
    test: { zh: '测试', en: 'Test' },
    filling: { zh: '充装', en: 'Filling' },
    delivery: { zh: '配送', en: 'Delivery' },
  },
  deviceStatus: {
    active: { zh: '在用', en: 'In use' },
    retired: { zh: '已停用', en: 'Retired' },
  },
  orgStatus: {
    active: { zh: '在营', en: 'Active' },
    closed: { zh: '已关停', en: 'Closed' },
  },
  residence: {
    registered: { zh: '户籍', en: 'Registered' },
    migrant: { zh: '流动', en: 'Migrant' },
  },
  keyCategory: {
    community_correction: { zh: '社区矫正', en: 'Community correction' },
    released_prisoner: { zh: '刑满释放', en: 'Released prisoner' },
    drug: { zh: '涉毒', en: 'Drugs' },
    mental_illness: { zh: '严重精神障碍', en: 'Severe mental illness' },
    petition: { zh: '信访', en: 'Petitions' },
    juvenile: { zh: '重点青少年', en: 'Juvenile' },
    other: { zh: '其他', en: 'Other' },
  },
  disputeType: {
    neighbour: { zh: '邻里纠纷', en: 'Neighbours' },
    family: { zh: '家庭纠纷', en: 'Family' },
    marriage: { zh: '婚恋纠纷', en: 'Marriage' },
    property: { zh: '物业纠纷', en: 'Property' },
    labour: { zh: '劳资纠纷', en: 'Labour' },
    land: { zh: '土地纠纷', en: 'Land' },
    debt: { zh: '债务纠纷', en: 'Debt' },
    consumer: { zh: '消费纠纷', en: 'Consumer' },
    traffic: { zh: '交通纠纷', en: 'Traffic' },
    other: { zh: '其他纠纷', en: 'Other' },
  },
  disputeLevel: {
    village: { zh: '村调委会', en: 'Village' },
    town: { zh: '镇矛调中心', en: 'Town' },
    district: { zh: '区矛调中心', en: 'District' },
    odr: { zh: '在线调解', en: 'Online (ODR)' },
  },
  disputeStatus: {
    open: { zh: '已登记', en: 'Open' },
    mediating: { zh: '调解中', en: 'Mediating' },
    resolved: { zh: '调解成功', en: 'Resolved' },
    failed: { zh: '调解失败', en: 'Failed' },
    withdrawn: { zh: '已撤回', en: 'Withdrawn' },
  },
} as const satisfies Record<string, Record<string, Words>>

export type FullViewCodeGroup = keyof typeof FULL_VIEW_CODES

/**
 * A full-view code in words of the page's language; an unknown code stays as it is.
 * @example fullViewLabel('houseUse', 'rented', 'zh') // '出租'
 */
export function fullViewLabel(group: FullViewCodeGroup, code: string, lang: Lang = getLang()): string {
  const words = (FULL_VIEW_CODES[group] as Record<string, Words>)[code]
  return words ? words[lang] : code
}
