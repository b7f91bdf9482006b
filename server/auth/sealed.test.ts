import { describe, expect, it } from 'vitest'

import { idHash, maskName, maskNumber, seal, sealName, sealPhone, unseal } from './sealed.ts'

describe('sealed personal data', () => {
  it('round-trips and never stores the text', () => {
    const s = seal('王小明 13812345678')
    expect(s).not.toContain('王')
    expect(s).not.toContain('1381234')
    expect(unseal(s)).toBe('王小明 13812345678')
    expect(seal('王小明')).not.toBe(seal('王小明'))
    expect(seal('')).toBeNull()
    expect(unseal(null)).toBeNull()
  })
  it('refuses a tampered value', () => {
    const s = seal('张三')
    const parts = s.split(':')
    parts[3] = Buffer.from('李四').toString('base64url')
    expect(() => unseal(parts.join(':'))).toThrow()
  })
  it('hashes ID numbers stably, ignoring case and spaces', () => {
    expect(idHash('33010919900101123x')).toBe(idHash(' 33010919900101123X '))
    expect(idHash('330109199001011234')).not.toBe(idHash('330109199001011235'))
    expect(idHash('330109199001011234')).toMatch(/^[0-9a-f]{64}$/)
  })
  it('masks names and numbers as the masked columns show them', () => {
    expect(maskName('欧阳娜娜')).toBe('欧***')
    expect(maskName('李')).toBe('*')
    expect(maskNumber('13812345678')).toBe('138****5678')
    expect(maskNumber('330109199001011234')).toBe('330109********1234')
    expect(maskNumber('A12345678')).toBe('*****5678')
    expect(sealName('王小明').masked).toBe('王**')
    expect(sealPhone('0571-82345678').masked).not.toContain('2345')
  })
})
