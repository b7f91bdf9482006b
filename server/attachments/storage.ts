/**
 * Where an attachment's bytes live, decided in one place by the kind of database: native
 * PostgreSQL keeps them as files under `DATA_DIR/attachments/ab/cd/<id>` (a database of photos
 * grows backups and replication for nothing), the embedded database in its own rows (bytea), so
 * its one data directory stays the whole state. Files are content-addressed: a name is the id,
 * written once through a temporary file and a rename, so a re-upload or a race writes the same
 * bytes and never a half file.
 */
import fs from 'node:fs'
import path from 'node:path'

import type { DbKind } from '../db/index.ts'

export type StoredIn = 'db' | 'disk'
export type Variant = 'file' | 'thumbnail'

/**
 * Where a database of this kind keeps attachment bytes.
 * @example storedIn('native') // 'disk'
 */
export function storedIn(kind: DbKind): StoredIn {
  return kind === 'native' ? 'disk' : 'db'
}

/**
 * The file of an attachment (or its thumbnail) under the data directory.
 * @example attachmentPath('/srv/onemap', 'ab12…', 'file') // '/srv/onemap/attachments/ab/12/ab12…'
 */
export function attachmentPath(dataDir: string, id: string, variant: Variant): string {
  if (!/^[0-9a-f]{64}$/.test(id)) throw new Error(`not an attachment id: ${id}`)
  return path.join(dataDir, 'attachments', id.slice(0, 2), id.slice(2, 4), variant === 'file' ? id : `${id}.thumb.jpg`)
}

/** Writes `bytes` at `file` unless it is there already (same name, same content). */
async function writeOnce(file: string, bytes: Buffer): Promise<void> {
  if (fs.existsSync(file)) return
  await fs.promises.mkdir(path.dirname(file), { recursive: true })
  const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`
  try {
    await fs.promises.writeFile(tmp, bytes)
    await fs.promises.rename(tmp, file)
  } finally {
    await fs.promises.rm(tmp, { force: true })
  }
}

/**
 * Writes an attachment's file and thumbnail to disk (before its row is committed: a file whose
 * row never came is harmless, the next upload of the same bytes uses it).
 * @example await writeAttachmentFiles(config.DATA_DIR, processed)
 */
export async function writeAttachmentFiles(dataDir: string, a: { id: string; data: Buffer; thumbnail: Buffer | null }): Promise<void> {
  await writeOnce(attachmentPath(dataDir, a.id, 'file'), a.data)
  if (a.thumbnail) await writeOnce(attachmentPath(dataDir, a.id, 'thumbnail'), a.thumbnail)
}
