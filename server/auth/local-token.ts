/**
 * The local command-line token: a server on an embedded database holds its data directory
 * alone, so `npm run import`, `reconcile` and `onboard` hand their jobs to it. The server makes
 * a random token when it starts and writes it, with its port, to DATA_DIR/server.json (mode
 * 0600: only the account that runs the server can read it). Whoever can read that file can
 * already open the database files, so the token grants administrator rights and nothing more.
 */
import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'

import { z } from 'zod'

import type { AuthUser } from './schema.ts'

/** What a running server tells the command line (DATA_DIR/server.json). */
export const ServerFileSchema = z.object({
  pid: z.number().int(),
  url: z.string().url(),
  token: z.string().regex(/^oml_[A-Za-z0-9_-]{43}$/),
})
export type ServerFile = z.infer<typeof ServerFileSchema>

export const SERVER_FILE = 'server.json'

/** The command line's account as the audit log and policies see it. */
export const LOCAL_CLI_USER: AuthUser = { id: '0', username: 'cli@local', displayName: '命令行', role: 'admin', areaCodes: [], team: null }

let current: string | null = null

/**
 * Makes this process's token (once) and returns it.
 * @example localToken() // 'oml_…'
 */
export function localToken(): string {
  current ??= `oml_${crypto.randomBytes(32).toString('base64url')}`
  return current
}

/**
 * Whether a presented token is this process's local token (constant time).
 * @example isLocalToken(localToken()) // true
 */
export function isLocalToken(token: string): boolean {
  if (current === null || token.length !== current.length) return false
  return crypto.timingSafeEqual(Buffer.from(token), Buffer.from(current))
}

/**
 * Writes DATA_DIR/server.json for the command line; returns a function that removes it.
 * @example const remove = writeServerFile('.data', 'http://127.0.0.1:8080'); … remove()
 */
export function writeServerFile(dataDir: string, url: string): () => void {
  const file = path.join(dataDir, SERVER_FILE)
  const body: ServerFile = { pid: process.pid, url, token: localToken() }
  fs.writeFileSync(file, JSON.stringify(body), { mode: 0o600 })
  fs.chmodSync(file, 0o600)
  return () => {
    try {
      const now = ServerFileSchema.safeParse(JSON.parse(fs.readFileSync(file, 'utf8')))
      if (now.success && now.data.pid === process.pid) fs.rmSync(file, { force: true })
    } catch {
      // already gone
    }
  }
}

/**
 * The server running on a data directory, if its file is there and its process alive.
 * @example readServerFile('.data') // { pid: 4242, url: 'http://127.0.0.1:8080', token: 'oml_…' } | null
 */
export function readServerFile(dataDir: string): ServerFile | null {
  let parsed: ServerFile
  try {
    const r = ServerFileSchema.safeParse(JSON.parse(fs.readFileSync(path.join(dataDir, SERVER_FILE), 'utf8')))
    if (!r.success) return null
    parsed = r.data
  } catch {
    return null
  }
  try {
    process.kill(parsed.pid, 0)
  } catch {
    return null
  }
  return parsed
}
