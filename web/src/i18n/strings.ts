/** The page's languages: Chinese first, English second. */
export const LANGS = ['zh', 'en'] as const
export type Lang = (typeof LANGS)[number]

/** Every UI string, in both languages. Place names on the map stay as the data gives them (Chinese). */
export const STRINGS = {
  'app.title': { zh: '平安一张图', en: "Ping'an OneMap" },
  'app.loading': { zh: '正在加载地图…', en: 'Loading the map…' },
  'app.loadFailed': { zh: '地图数据加载失败', en: 'Could not load the map data' },
  'app.noWebgl': { zh: '此浏览器不支持 WebGL，无法显示地图', en: 'This browser has no WebGL; the map cannot be shown' },
  'lang.toggle': { zh: 'English', en: '中文' },
  'lang.toggleTitle': { zh: '切换到英文', en: 'Switch to Chinese' },
  'basemap.toggle': { zh: '底图', en: 'Basemap' },
  'panel.close': { zh: '关闭', en: 'Close' },
  'panel.name': { zh: '名称', en: 'Name' },
  'panel.code': { zh: '编码', en: 'Code' },
  'panel.level': { zh: '层级', en: 'Level' },
  'panel.population': { zh: '人口', en: 'Population' },
  'panel.populationUnknown': { zh: '暂无', en: 'n/a' },
  'level.district': { zh: '区县', en: 'District' },
  'level.town': { zh: '乡镇街道', en: 'Town / subdistrict' },
  'level.village': { zh: '村社区', en: 'Village / community' },
  'level.grid': { zh: '网格', en: 'Grid' },
  'level.microgrid': { zh: '微网格', en: 'Micro-grid' },
  'attribution.synthetic': { zh: '边界为示意数据，非官方界线', en: 'Illustrative boundaries, not official' },
} as const satisfies Record<string, Record<Lang, string>>

export type StringKey = keyof typeof STRINGS

/** English names of districts the UI knows, by division code; others show their Chinese name. */
export const DISTRICT_NAMES_EN: Record<string, string> = {
  '330109': 'Xiaoshan District',
}
