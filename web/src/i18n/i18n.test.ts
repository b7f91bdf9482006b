import { describe, expect, it } from 'vitest'
import { districtName, formatNumber, getLang, onLangChange, setLang, t } from './i18n.ts'
import { STRINGS } from './strings.ts'

describe('i18n', () => {
  it('has every string in both languages', () => {
    for (const [key, value] of Object.entries(STRINGS)) {
      expect(value.zh, key).toBeTruthy()
      expect(value.en, key).toBeTruthy()
    }
  })

  it('starts in Chinese and switches to English, telling listeners', () => {
    expect(getLang()).toBe('zh')
    expect(t('app.title')).toBe('平安一张图')
    const seen: string[] = []
    const off = onLangChange((l) => seen.push(l))
    setLang('en')
    expect(t('app.title')).toBe("Ping'an OneMap")
    expect(districtName('330109', '萧山区')).toBe('Xiaoshan District')
    expect(districtName('330108', '滨江区')).toBe('滨江区')
    expect(formatNumber(123456)).toBe('123,456')
    off()
    setLang('zh')
    expect(seen).toEqual(['zh', 'en'])
    expect(districtName('330109', '萧山区')).toBe('萧山区')
  })
})
