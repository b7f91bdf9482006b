/**
 * Uploads to `POST /api/attachments` (photos and PDFs): one request a file, in order, answering
 * the ids a task's or hazard's body takes in `attachments`. The same bytes twice give the same id.
 */
import { ApiError, apiUrl, csrfToken, loginAgainOn401 } from './client.ts'

/** Uploads each file; a refusal (size, type) is an ApiError in the server's words, naming the file. */
export async function uploadFiles(files: Iterable<File> | null): Promise<string[]> {
  const ids: string[] = []
  for (const file of files ? [...files] : []) {
    const body = new FormData()
    body.append('file', file, file.name)
    const url = apiUrl('/api/attachments')
    const res = await fetch(url, { method: 'POST', headers: { accept: 'application/json', 'x-csrf-token': csrfToken() }, body })
    loginAgainOn401(res.status)
    const reply = (await res.json().catch(() => ({}))) as { id?: string; error?: string; details?: unknown }
    if (!res.ok || !reply.id) {
      const error = `${file.name}: ${reply.error ?? `HTTP ${res.status}`}`
      throw new ApiError(url, res.status, error, { error, details: reply.details })
    }
    ids.push(reply.id)
  }
  return ids
}
