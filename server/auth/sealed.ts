/**
 * Personal data at rest (residents, landlords, dispute parties, responsible persons): names,
 * phones and ID numbers sealed with AES-256-GCM, ID numbers also kept as a keyed hash
 * (HMAC-SHA256, to match one person across imports) and a masked form, so a copied table or
 * backup shows no one. The key is PII_KEY, or DATA_DIR/pii.key made on
 * first use (mode 600). Readers without `pii` get the `*_masked` columns and never touch the key.
 */
import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'

import { loadConfig } from '../config.ts'
import { maskPii } from './mask.ts'

const VERSION = 'v1'

let cached: { pii: string | undefined; dataDir: string | undefined; key: Buffer } | null = null

/** The sealing key: PII_KEY, else DATA_DIR/pii.key (made if missing); read once per setting. */
function key(): Buffer {
  const env = process.env
  // Compared by the raw settings: parsing the configuration on every seal doubled a seed's load time.
  if (cached && cached.pii === env.PII_KEY && cached.dataDir === env.DATA_DIR) return cached.key
  const config = loadConfig(env)
  let k: Buffer
  if (config.PII_KEY) k = Buffer.from(config.PII_KEY, 'base64')
  else {
    const file = path.join(config.DATA_DIR, 'pii.key')
    if (!fs.existsSync(file)) {
      fs.mkdirSync(path.dirname(file), { recursive: true })
      // Written aside, then linked into place: link fails if another process made the key first,
      // and no process ever reads a half-written key.
      const aside = `${file}.${process.pid}.${crypto.randomBytes(4).toString('hex')}`
      fs.writeFileSync(aside, crypto.randomBytes(32).toString('base64') + '\n', { mode: 0o600 })
      try {
        fs.linkSync(aside, file)
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e
      } finally {
        fs.rmSync(aside, { force: true })
      }
    }
    k = Buffer.from(fs.readFileSync(file, 'utf8').trim(), 'base64')
  }
  if (k.length !== 32) throw new Error('the PII key must be 32 bytes')
  cached = { pii: env.PII_KEY, dataDir: env.DATA_DIR, key: k }
  return k
}

/**
 * Seals a text (a fresh IV each time, so equal names give different ciphertexts).
 * @example seal('张三') // 'v1:…' (base64url IV, tag and ciphertext)
 */
export function seal(text: string): string
export function seal(text: string | null | undefined): string | null
export function seal(text: string | null | undefined): string | null {
  if (text == null || text === '') return null
  const iv = crypto.randomBytes(12)
  const c = crypto.createCipheriv('aes-256-gcm', key(), iv)
  const body = Buffer.concat([c.update(text, 'utf8'), c.final()])
  return [VERSION, iv.toString('base64url'), c.getAuthTag().toString('base64url'), body.toString('base64url')].join(':')
}

/**
 * Opens a sealed text; null for null. Throws on a wrong key or a tampered value.
 * @example unseal(seal('张三')) // '张三'
 */
export function unseal(sealed: string | null): string | null {
  if (sealed == null) return null
  const [v, iv, tag, body] = sealed.split(':')
  if (v !== VERSION || !iv || !tag || body === undefined) throw new Error('not a sealed value')
  const d = crypto.createDecipheriv('aes-256-gcm', key(), Buffer.from(iv, 'base64url'))
  d.setAuthTag(Buffer.from(tag, 'base64url'))
  return Buffer.concat([d.update(Buffer.from(body, 'base64url')), d.final()]).toString('utf8')
}

/**
 * A keyed hash of an ID number (upper-cased, spaces removed): equal numbers match, the number
 * cannot be read back or guessed from a list of numbers without the key.
 * @example idHash('330109199001011234') === idHash(' 330109199001011234 ') // true
 */
export function idHash(idNumber: string | null | undefined): string | null {
  if (!idNumber) return null
  return crypto.createHmac('sha256', key()).update(idNumber.replace(/\s+/g, '').toUpperCase()).digest('hex')
}

/**
 * A person's name as readers without `pii` see it: the surname, then one `*` per character.
 * @example maskName('欧阳娜娜') // '欧***'
 */
export function maskName(name: string | null | undefined): string | null {
  if (!name) return null
  const chars = [...name.trim()]
  return chars.length <= 1 ? '*' : chars[0] + '*'.repeat(chars.length - 1)
}

/**
 * A phone or ID number masked as free text is (maskPii); anything unrecognised fully starred
 * but for its last 4 characters.
 * @example maskNumber('13812345678') // '138****5678'
 * @example maskNumber('330109199001011234') // '330109********1234'
 */
export function maskNumber(n: string | null | undefined): string | null {
  if (!n) return null
  const s = n.trim()
  const m = maskPii(s)
  if (m !== s) return m
  return s.length <= 4 ? '*'.repeat(s.length) : '*'.repeat(s.length - 4) + s.slice(-4)
}

/** A sealed name and its masked form, ready for the `*_sealed`/`*_masked` columns. */
export interface SealedField {
  sealed: string | null
  masked: string | null
}

/**
 * A name sealed and masked. @example sealName('王小明') // { sealed: 'v1:…', masked: '王**' }
 */
export function sealName(name: string | null | undefined): SealedField {
  return { sealed: seal(name ?? null), masked: maskName(name) }
}

/**
 * A phone sealed and masked. @example sealPhone('13812345678').masked // '138****5678'
 */
export function sealPhone(phone: string | null | undefined): SealedField {
  return { sealed: seal(phone ?? null), masked: maskNumber(phone) }
}
