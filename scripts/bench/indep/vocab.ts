/**
 * This folder's own word lists: road, compound, village and landmark stems and endings, and a
 * same-syllable (homophone) table used only as a noise model. Written from scratch for the
 * independent set; none of it comes from the project's demo generator.
 */

/** Road endings with weights; directional endings make road families (金丰路 / 金丰东路). */
export const ROAD_ENDINGS: readonly (readonly [string, number])[] = [
  ['路', 42],
  ['街', 9],
  ['大道', 6],
  ['东路', 4],
  ['西路', 4],
  ['南路', 3],
  ['北路', 3],
  ['中路', 3],
  ['二路', 3],
  ['巷', 5],
  ['弄', 3],
  ['支路', 2],
]

/** Endings a second road of the same stem takes. */
export const ROAD_FAMILY_ENDINGS = ['东路', '西路', '南路', '北路', '中路', '二路', '支路'] as const

/** First characters of road stems. */
export const ROAD_FIRST =
  '银鑫锦宏鸿洋杨甜铭萍凝岸康福湖禾源嘉橙枫隆晴澜善江贝楠冬溪钟温宇泰瑞湘春秋岳蜀琳秀梅广煌宝晶亭湾俊芝辉融雅怡桃竹松博海叶彩勇芳昌凯琪塘桥谷伟建通高卢珍翠浦登豪坤朗芸吉杜雪潘牧柯良柳'

/** Second characters of road stems. */
export const ROAD_SECOND =
  '音心达华星金虹阳田明丽平宁安丰峰龙青兰山疆北南东西中文玉雨台生锐祥纯月书林修美光黄报景庭万君志惠荣亚益涛珠颂波业菜永坊畅开齐棠乔鼓马维泽剑诗同膏鹿振崔谱灯浩昆浪云季渡学盼木沙科梁流'

/** First characters of compound stems. */
export const COMPOUND_FIRST =
  '银新华星锦红洋天明丽萍宁安福和家城丰龙清蓝山江北南东溪中文宇泰瑞香春悦蜀林秀美光皇宝景庭湾君芝慧荣雅逸桃竹松博海叶彩永芳昌凯棋塘桥古维泽德建世通高鹿珍翠浦登浩昆朗云吉杜学盘木沙可良柳'

/** Second characters of compound stems. */
export const COMPOUND_SECOND =
  '音心达花兴金虹阳甜铭萍凝岸康湖禾源嘉橙枫隆晴澜善疆贝楠冬溪钟温雨台生锐祥纯秋岳琳绣梅广煌宝晶亭万俊辉容亚怡涛珠颂波业菜勇坊畅楷琪棠乔谷伟则剑诗桐膏禄振萃谱灯豪坤浪芸季渡雪潘慕纱柯梁流'

/** Optional third characters (the one a near-duplicate sibling changes: 和院御 / 和院西). */
export const COMPOUND_MODIFIERS = '御西北东南新中上云锦润悦雅翠金嘉盛和泰瑞'

/** Compound endings. */
export const COMPOUND_ENDINGS = [
  '府',
  '苑',
  '庭',
  '湾',
  '公馆',
  '名邸',
  '雅居',
  '家园',
  '花园',
  '公寓',
  '新村',
  '城',
  '里',
  '佳苑',
  '华庭',
  '御园',
  '府邸',
  '嘉园',
  '园',
  '锦苑',
  '天地',
  '小筑',
  '坊',
] as const

/** Endings of compound aliases (another name people use for the same compound). */
export const ALIAS_ENDINGS = ['小区', '住宅区', '新苑', '花苑', '宿舍'] as const

/** Village name prefixes of the "position + landform" pattern (下溇村). */
export const VILLAGE_POS = '上下前后东西南北新大小高中'
/** Landform characters. */
export const VILLAGE_LAND = '岙塘埠浦湾坞溪畈埭溇堰港墩垟坂庄弄桥池'
/** Surnames for the "surname + 家 + landform" pattern (寿家埭村). */
export const VILLAGE_SURNAMES = '沈俞楼韩傅曹孔汪倪来莫戚娄虞寿屠施裘钱邵'
/** Characters of the collective-era pattern (联丰村). */
export const VILLAGE_ERA_A = '红联民永建光胜跃群曙卫向'
export const VILLAGE_ERA_B = '星丰进明华新利胜联强盛围'

/** Community-name stems (for invented 社区 names that do not exist). */
export const COMMUNITY_STEMS = ['枕河', '听潮', '拾翠', '沐风', '临芳', '栖霞', '观澜', '映月', '闻莺', '梧岗'] as const

/** Landmark types that follow a town's short name (瓜沥第二小学). */
export const TOWN_LANDMARK_TYPES = [
  '第一小学',
  '第二小学',
  '第三小学',
  '初级中学',
  '中心幼儿园',
  '中心卫生院',
  '社区卫生服务中心',
  '农贸市场',
  '客运站',
  '文化站',
  '体育馆',
  '派出所',
  '敬老院',
] as const

/** Landmark stems and types for the free-standing pattern (云梦公园). */
export const LANDMARK_STEMS = [
  '云梦',
  '曲水',
  '望江',
  '梧桐',
  '荷塘',
  '听雨',
  '揽月',
  '碧波',
  '翠微',
  '凌霄',
  '霁虹',
  '拂柳',
  '鹤鸣',
  '松涛',
  '桂香',
  '晨曦',
] as const
export const LANDMARK_TYPES = [
  '公园',
  '医院',
  '实验学校',
  '外国语学校',
  '菜市场',
  '公交站',
  '图书馆',
  '广场',
  '湿地',
  '体育中心',
  '妇幼保健院',
  '汽车站',
] as const

/** Stems of compounds that must NOT exist (unknown_place): characters kept out of the stems above. */
export const FAKE_COMPOUND_STEMS = ['翡冷', '璟樾', '珺瑶', '翊宸', '曜玥', '琰瓴', '瑷珀', '霁岚', '琅嬛', '玥珑'] as const

/** Characters never used as a homophone replacement: numerals and address words would change the parse. */
export const NEVER_SLIP = new Set('零一二三四五六七八九十百千两幺号幢栋座单元室房组村镇街道路巷弄区市省楼层户')

/**
 * Same-syllable groups, each character followed by its tone (1–4). Only characters with a single
 * common reading are listed, so a replacement is a true homophone up to tone.
 */
const HOMOPHONE_GROUPS: Record<string, string> = {
  yin: '银2音1因1印4引3隐3殷1尹3茵1',
  xin: '新1心1信4欣1鑫1馨1辛1芯1',
  da: '达2大4搭1答2',
  hua: '华2花1化4画4话4桦4',
  xing: '兴1星1杏4幸4形2型2醒3邢2',
  jin: '金1锦3进4近4晋4今1津1瑾3',
  hong: '红2虹2洪2宏2鸿2弘2泓2轰1烘1',
  yang: '阳2杨2洋2扬2羊2养3样4漾4央1秧1',
  tian: '天1田2甜2添1恬2填2',
  ming: '明2名2鸣2铭2茗2命4',
  li: '里3丽4力4利4立4理3礼3李3黎2莉4历4荔4梨2璃2',
  ping: '平2苹2萍2评2坪2瓶2凭2乒1',
  ning: '宁2凝2柠2泞4',
  an: '安1岸4按4案4暗4庵1鞍1',
  kang: '康1抗4慷1炕4糠1',
  fu: '福2富4府3复4付4甫3芙2扶2浮2抚3傅4符2阜4',
  hu: '湖2胡2虎3护4互4壶2葫2弧2沪4',
  he: '河2禾2合2荷2贺4鹤4何2赫4',
  yuan: '园2元2源2远3苑4院4圆2原2缘2渊1',
  jia: '家1佳1嘉1加1甲3架4驾4',
  cheng: '城2成2诚2承2程2橙2呈2逞3秤4',
  feng: '丰1风1峰1枫1锋1凤4奉4封1逢2冯2',
  long: '龙2隆2珑2陇3拢3垄3',
  qing: '青1清1庆4晴2情2轻1请3擎2卿1倾1',
  lan: '兰2蓝2澜2岚2览3揽3烂4栏2懒3',
  shan: '山1善4衫1珊1闪3陕3',
  jiang: '江1蒋3疆1姜1匠4奖3讲3',
  bei: '北3贝4倍4杯1悲1被4碑1',
  nan: '南2楠2男2喃2',
  dong: '东1冬1董3动4洞4懂3',
  xi: '西1溪1喜3希1熙1锡1曦1习2席2细4戏4',
  zhong: '中1钟1忠1众4仲4终1肿3',
  wen: '文2温1闻2问4稳3雯2纹2吻3',
  yu: '玉4雨3宇3鱼2余2榆2羽3育4愉2御4裕4渝2域4誉4',
  tai: '泰4太4台2态4抬2苔2',
  sheng: '胜4生1声1升1圣4笙1绳2',
  rui: '瑞4锐4蕊3睿4',
  xiang: '香1祥2湘1翔2想3向4响3享3象4乡1项4',
  chun: '春1纯2椿1唇2淳2醇2',
  qiu: '秋1求2球2丘1邱1裘2',
  yue: '月4悦4越4粤4岳4跃4约1',
  shu: '书1树4舒1蜀3淑1殊1薯3曙3述4',
  lin: '林2临2琳2霖2麟2邻2凛3吝4',
  xiu: '秀4修1绣4袖4休1朽3',
  mei: '美3梅2每3玫2眉2媚4妹4煤2',
  guang: '光1广3逛4',
  huang: '黄2皇2煌2凰2晃3谎3璜2',
  bao: '宝3保3报4包1豹4抱4饱3',
  jing: '景3京1晶1静4境4精1井3敬4菁1靖4镜4',
  ting: '庭2亭2廷2婷2听1挺3汀1',
  wan: '湾1万4婉3晚3弯1碗3玩2完2',
  jun: '君1俊4郡4骏4军1均1峻4',
  zhi: '芝1志4智4知1之1致4枝1至4置4植2直2',
  hui: '辉1惠4汇4慧4徽1晖1回2绘4卉4',
  rong: '荣2容2融2蓉2榕2熔2绒2冗3',
  ya: '雅3亚4压1鸭1牙2芽2崖2',
  yi: '怡2逸4依1益4颐2伊1宜2艺4毅4仪2谊4翼4',
  tao: '桃2陶2涛1淘2讨3套4滔1',
  zhu: '竹2珠1朱1住4筑4祝4竺2烛2主3柱4',
  song: '松1宋4颂4送4嵩1耸3',
  bo: '博2波1伯2播1',
  hai: '海3害4亥4骇4',
  ye: '叶4业4野3夜4椰1爷2也3',
  cai: '彩3菜4才2财2材2采3猜1',
  yong: '永3勇3涌3泳3咏3庸1拥1用4雍1',
  fang: '芳1方1放4访3坊1仿3防2纺3',
  chang: '昌1常2畅4厂3唱4尝2肠2',
  kai: '凯3开1楷3铠3慨3',
  qi: '齐2琪2启3其2祺2棋2旗2起3汽4器4骐2岐2',
  tang: '塘2唐2堂2棠2汤1糖2躺3烫4',
  qiao: '桥2乔2巧3侨2俏4悄1',
  gu: '谷3古3顾4鼓3固4孤1姑1故4',
  ma: '马3玛3码3麻2妈1骂4',
  wei: '围2伟3卫4维2薇1未4威1微1味4位4',
  ze: '泽2则2择2责2',
  jian: '建4健4剑4坚1见4鉴4简3尖1箭4',
  shi: '世4时2诗1实2史3士4师1施1狮1',
  tong: '通1同2桐2童2铜2统3桶3痛4彤2',
  gao: '高1搞3告4糕1膏1稿3皋1',
  lu: '鹿4卢2鲁3芦2炉2录4禄4璐4',
  zhen: '振4珍1真1臻1震4针1枕3甄1',
  cui: '翠4崔1脆4萃4璀3',
  pu: '浦3普3谱3蒲2葡2仆2',
  deng: '登1灯1等3邓4瞪4蹬1',
  hao: '豪2浩4毫2昊4皓4',
  kun: '坤1昆1困4琨1鲲1捆3',
  lang: '朗3浪4郎2廊2狼2琅2',
  yun: '云2运4韵4芸2允3蕴4匀2孕4',
  ji: '吉2及2极2基1季4技4记4集2鸡1积1继4冀4',
  du: '杜4渡4独2读2堵3赌3笃3督1',
  xue: '学2雪3薛1穴2靴1',
  pan: '潘1盘2盼4攀1判4畔4',
  mu: '木4目4牧4慕4穆4母3亩3姆3幕4',
  sha: '沙1纱1杀1傻3',
  ke: '科1可3克4客4课4柯1棵1刻4',
  liang: '良2梁2凉2粮2亮4辆4',
  liu: '柳3流2留2刘2榴2琉2溜1',
}

/** A character's syllable (without tone) and tone. */
export interface Reading {
  syllable: string
  tone: number
}

/** Character → reading, built once from the groups. */
export const READINGS: ReadonlyMap<string, Reading> = buildReadings()

/** Syllable → its characters. */
const GROUP_CHARS: ReadonlyMap<string, readonly string[]> = new Map(
  Object.keys(HOMOPHONE_GROUPS).map((syl) => [syl, parseGroup(HOMOPHONE_GROUPS[syl]!).map(([ch]) => ch)]),
)

/**
 * Splits a group string into [character, tone] pairs.
 * @example parseGroup('银2音1') // [['银', 2], ['音', 1]]
 */
export function parseGroup(group: string): [string, number][] {
  const out: [string, number][] = []
  const chars = Array.from(group)
  for (let i = 0; i + 1 < chars.length; i += 2) out.push([chars[i]!, Number(chars[i + 1])])
  return out
}

/**
 * Builds the character → reading map (a character listed twice would be a table error).
 * @example buildReadings().get('银') // { syllable: 'yin', tone: 2 }
 */
function buildReadings(): Map<string, Reading> {
  const map = new Map<string, Reading>()
  for (const [syllable, group] of Object.entries(HOMOPHONE_GROUPS)) {
    for (const [ch, tone] of parseGroup(group)) {
      if (map.has(ch)) throw new Error(`homophone table lists ${ch} twice`)
      map.set(ch, { syllable, tone })
    }
  }
  return map
}

/**
 * The characters sharing a character's syllable (itself excluded), different tones first, since
 * a tone slip is the commonest way a heard name is typed wrong.
 * @example homophonesOf('银')[0] // '音' (yīn, a different tone)
 */
export function homophonesOf(ch: string): string[] {
  const reading = READINGS.get(ch)
  if (!reading || NEVER_SLIP.has(ch)) return []
  const others = (GROUP_CHARS.get(reading.syllable) ?? []).filter((c) => c !== ch && !NEVER_SLIP.has(c))
  const differentTone = others.filter((c) => READINGS.get(c)!.tone !== reading.tone)
  const sameTone = others.filter((c) => READINGS.get(c)!.tone === reading.tone)
  return [...differentTone, ...sameTone]
}

/**
 * Every unordered homophone pair of the table, with whether the tones differ.
 * @example homophonePairs().length > 80 // true
 */
export function homophonePairs(): { a: string; b: string; differentTone: boolean }[] {
  const out: { a: string; b: string; differentTone: boolean }[] = []
  for (const chars of GROUP_CHARS.values()) {
    for (let i = 0; i < chars.length; i++) {
      for (let j = i + 1; j < chars.length; j++) {
        const a = chars[i]!
        const b = chars[j]!
        out.push({ a, b, differentTone: READINGS.get(a)!.tone !== READINGS.get(b)!.tone })
      }
    }
  }
  return out
}

/**
 * Whether two characters share a syllable (tone ignored).
 * @example sameSyllable('银', '音') // true
 */
export function sameSyllable(a: string, b: string): boolean {
  const ra = READINGS.get(a)
  const rb = READINGS.get(b)
  return ra !== undefined && rb !== undefined && ra.syllable === rb.syllable
}

/** Other provinces, cities and districts for garbage queries (must never resolve in Xiaoshan). */
export const ELSEWHERE = [
  '杭州市西湖区文三路',
  '杭州市西湖区天目山路',
  '杭州市拱墅区莫干山路',
  '杭州市上城区解放路',
  '杭州市滨江区江南大道',
  '杭州市余杭区文一西路',
  '上海市浦东新区世纪大道',
  '上海市徐汇区漕溪北路',
  '北京市朝阳区建国路',
  '绍兴市柯桥区笛扬路',
  '宁波市海曙区中山西路',
  '南京市鼓楼区中山北路',
  '苏州市姑苏区人民路',
  '广州市天河区天河路',
  '深圳市南山区科技园路',
  '温州市鹿城区车站大道',
] as const

/** Short phrases that are not addresses at all. */
export const NON_ADDRESS = [
  '不知道在哪',
  '你们快来',
  '喂喂听得到吗',
  '具体位置说不清',
  '无',
  '待核实',
  'asdfgh',
  'test123',
  '？？？',
  '在家里',
] as const

/** Trailing descriptions appended to an address by callers. */
export const TRAILING = [
  '门口',
  '旁边',
  '往东50米',
  '往南100米左右',
  '对面的店',
  '附近',
  '楼下',
  '边上',
  '后门',
  '西侧',
  '隔壁',
  '对面',
  '往北走一点',
] as const

/** Reporter phrases before an address. */
export const REPORTER_BEFORE = [
  '报警人称在',
  '来电称',
  '群众反映',
  '我在',
  '有人在',
  '报警人位于',
  '求助人在',
  '地址：',
  '位置:',
  '事发地点',
] as const

/** Reporter phrases after an address. */
export const REPORTER_AFTER = [
  '有人打架',
  '发生纠纷',
  '电动车被盗',
  '有人吵架',
  '需要救护车',
  '噪音扰民',
  '有人晕倒',
  '门被撬了',
  '漏水了',
  '',
] as const
