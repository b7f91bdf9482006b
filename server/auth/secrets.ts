/**
 * Passwords and tokens. Passwords are hashed with Argon2id (@node-rs/argon2: OWASP's first
 * choice, prebuilt binaries, no compiler needed); tokens are random and only their SHA-256 is
 * stored, so a leaked table gives no way in.
 */
import crypto from 'node:crypto'

import { hash, verify } from '@node-rs/argon2'

/**
 * An Argon2id hash in PHC format.
 * @example await hashPassword('correct horse battery') // '$argon2id$v=19$m=19456,t=2,p=1$…'
 */
export function hashPassword(password: string): Promise<string> {
  // OWASP's minimum for Argon2id: 19 MiB, 2 iterations, 1 lane (~30 ms here).
  return hash(password, { memoryCost: 19_456, timeCost: 2, parallelism: 1 })
}

/** A hash of nothing, checked when the user does not exist so both answers take as long. */
let decoy: Promise<string> | null = null

/**
 * True when `password` matches the stored hash; with no hash (unknown user, or an account without
 * password login) it still spends the time of a check and answers false.
 * @example await verifyPassword(await hashPassword('x'.repeat(12)), 'x'.repeat(12)) // true
 */
export async function verifyPassword(stored: string | null, password: string): Promise<boolean> {
  if (!stored) {
    decoy ??= hashPassword(crypto.randomBytes(16).toString('hex'))
    await verify(await decoy, password).catch(() => false)
    return false
  }
  return verify(stored, password).catch(() => false)
}

/**
 * A random secret with a readable prefix (`oms_` session, `omd_` display, `omk_` API key).
 * @example newToken('omk') // 'omk_3q2…' (43 base64url characters after the prefix)
 */
export function newToken(prefix: 'oms' | 'omd' | 'omk' | 'csrf'): string {
  return `${prefix}_${crypto.randomBytes(32).toString('base64url')}`
}

/**
 * What the database keeps of a token.
 * @example hashToken('omk_abc').length // 64
 */
export function hashToken(token: string): string {
  return crypto.createHash('sha256').update(token).digest('hex')
}

/**
 * A generated password for the first administrator: 20 characters from an alphabet without
 * look-alikes (no 0/O, 1/l/I), about 115 bits.
 * @example generatePassword().length // 20
 */
export function generatePassword(length = 20): string {
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789'
  let out = ''
  while (out.length < length) {
    for (const b of crypto.randomBytes(length)) {
      // Rejection sampling: no bias toward the first letters.
      if (b < 256 - (256 % alphabet.length) && out.length < length) out += alphabet[b % alphabet.length]
    }
  }
  return out
}

/**
 * Compares two strings in constant time (CSRF tokens).
 * @example sameSecret('a', 'a') // true
 */
export function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && crypto.timingSafeEqual(x, y)
}
