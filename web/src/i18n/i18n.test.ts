import fs from 'node:fs'
import path from 'node:path'

import { describe, expect, it } from 'vitest'

import {
  EMERGING_KINDS,
  HazardCategorySchema,
  HazardSeveritySchema,
  HazardStatusSchema,
  IncidentStatusSchema,
  LevelSchema,
  MatchLevelSchema,
  TaskStatusSchema,
  WarningStatusSchema,
} from '../../../server/shared/api.ts'
import { type CodeGroup, codeLabel, hasCodeLabel } from './codes.ts'
import { districtName, formatNumber, getLang, onLangChange, setLang, t, tf } from './i18n.ts'
import { STRINGS } from './strings.ts'

/**
 * The metric names the warning models write (`metrics: { … }` in server/models/**): read from
 * their source, so a model that gains a metric fails this test until the page names it.
 */
function modelMetricNames(): string[] {
  const dir = path.resolve(import.meta.dirname, '../../../server/models')
  const names = new Set<string>()
  const files = fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
  for (const file of files) {
    const src = fs.readFileSync(path.join(dir, file), 'utf8')
    for (let at = src.indexOf('metrics: {'); at >= 0; at = src.indexOf('metrics: {', at + 1)) {
      // The object literal's top-level entries: `key: value` or a shorthand `key`.
      let depth = 0
      let entry = ''
      for (const ch of src.slice(at + 'metrics: '.length)) {
        if ('{[('.includes(ch)) depth++
        if ('}])'.includes(ch)) depth--
        if ((ch === ',' && depth === 1) || depth === 0) {
          const key = /^\s*(\w+)/.exec(entry.replace(/^\{/, ''))?.[1]
          if (key) names.add(key)
          entry = ''
          if (depth === 0) break
          continue
        }
        entry += ch
      }
    }
  }
  return [...names]
}

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

  it('names every code the server sends in both languages: statuses, levels, categories, patterns, match levels, metrics', () => {
    const groups: [CodeGroup, readonly string[]][] = [
      ['incidentStatus', IncidentStatusSchema.options],
      ['warningStatus', WarningStatusSchema.options],
      ['taskStatus', TaskStatusSchema.options],
      ['hazardStatus', HazardStatusSchema.options],
      ['hazardCategory', HazardCategorySchema.options],
      ['severity', HazardSeveritySchema.options],
      ['level', LevelSchema.options],
      ['match', MatchLevelSchema.options],
      ['pattern', [...EMERGING_KINDS.flatMap((k) => [`${k}_hot`, `${k}_cold`]), 'no_pattern']],
      ['metric', modelMetricNames()],
    ]
    const metrics = groups.at(-1)![1]
    expect(metrics).toEqual(expect.arrayContaining(['count', 'z', 'p', 'q', 'pattern', 'knoxP', 'daysOverdue', 'status', 'incidentIds']))
    expect(metrics).not.toContain('f') // a spread (`...f.metrics`) is no name
    for (const [group, codes] of groups) {
      expect(codes.length, group).toBeGreaterThan(1)
      for (const code of codes) {
        expect(hasCodeLabel(group, code), `${group}.${code}`).toBe(true)
        const zh = codeLabel(group, code, undefined, 'zh')
        expect(zh, `${group}.${code}`).toMatch(/[\u4e00-\u9fff]/) // Chinese words, not the code
        expect(codeLabel(group, code, undefined, 'en'), `${group}.${code}`).not.toMatch(/_/) // words, not an identifier
      }
    }
  })

  it("falls back to the server's name, else the code, for a code it does not know", () => {
    expect(codeLabel('incidentStatus', 'in_progress', undefined, 'zh')).toBe('处置中')
    expect(codeLabel('taskStatus', 'on_hold', '暂停', 'zh')).toBe('暂停')
    expect(codeLabel('taskStatus', 'on_hold', undefined, 'zh')).toBe('on_hold')
    expect(tf('stack.title', { n: 3 }, 'zh')).toBe('此地点 3 起警情')
    expect(tf('stack.title', {}, 'en')).toBe('{n} incidents at this place')
  })
})
