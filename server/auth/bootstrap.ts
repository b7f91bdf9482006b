/** The first administrator: created on the first start with a generated password, shown once. */
import { audit } from '../audit/log.ts'
import type { Db } from '../db/index.ts'
import { generatePassword } from './secrets.ts'
import { countUsers, createUser } from './store.ts'

/**
 * With no accounts at all, creates `admin` with a random password and returns it (to print
 * once); otherwise null. Nothing ships with a default password.
 * @example const pw = await ensureFirstAdmin(db); if (pw) console.log(pw)
 */
export async function ensureFirstAdmin(db: Db): Promise<{ username: string; password: string } | null> {
  if ((await countUsers(db.sql)) > 0) return null
  const password = generatePassword()
  try {
    const user = await createUser(
      db.sql,
      { username: 'admin', displayName: '系统管理员', role: 'admin', areaCodes: [], password },
      'system',
    )
    await audit(db.sql, {
      actor: 'system',
      action: 'user.create',
      target: `user:${user.id}`,
      details: { username: 'admin', role: 'admin', firstStart: true },
    })
    return { username: 'admin', password }
  } catch (err) {
    // Another process starting at the same moment made it first.
    if (typeof err === 'object' && err && 'code' in err && err.code === '23505') return null
    throw err
  }
}
