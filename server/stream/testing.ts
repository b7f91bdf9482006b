/** Test helpers for the live stream: reading Server-Sent Events from a fetch response. */

export interface SseEvent<D> {
  id: string
  event: string
  data: D
}

/**
 * Reads SSE events until `count` arrived, the stream ended or `ms` passed; `ended` says whether
 * the server closed it (else the reader is cancelled here).
 * @example const { events } = await readEvents<Feature>(await fetch(`${url}/api/stream`), 2, 5_000)
 */
export async function readEvents<D>(res: Response, count: number, ms: number): Promise<{ events: SseEvent<D>[]; ended: boolean }> {
  const reader = res.body!.getReader()
  const decoder = new TextDecoder()
  const events: SseEvent<D>[] = []
  let buffer = ''
  let ended = false
  const deadline = Date.now() + ms
  while (events.length < count && Date.now() < deadline) {
    const chunk = await Promise.race([reader.read(), new Promise<null>((r) => setTimeout(() => r(null), deadline - Date.now()))])
    if (!chunk) break
    if (chunk.done) {
      ended = true
      break
    }
    buffer += decoder.decode(chunk.value, { stream: true })
    let end: number
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end)
      buffer = buffer.slice(end + 2)
      const fields = Object.fromEntries(block.split('\n').filter((l) => !l.startsWith(':') && l.includes(':')).map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 1).trim()]))
      if (fields.data) events.push({ id: fields.id!, event: fields.event!, data: JSON.parse(fields.data) as D })
    }
  }
  if (!ended) await reader.cancel().catch(() => undefined)
  return { events, ended }
}
