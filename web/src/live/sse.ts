/**
 * A Server-Sent Events parser (the WHATWG event-stream format) for a stream read with fetch:
 * fetch lets the wall send a real Last-Event-ID header, time out a silent connection and choose
 * its own backoff, none of which EventSource allows.
 */

export interface SseEvent {
  /** `event:` field; 'message' when absent. */
  type: string
  data: string
  /** The last event id seen so far (ids carry over to later events without one). */
  lastEventId: string
}

export interface SseSink {
  event(e: SseEvent): void
  /** A comment line (`: …`), e.g. the server's `: from 1234` and heartbeats. */
  comment?(text: string): void
  /** A `retry:` field (ms). */
  retry?(ms: number): void
}

/** Incremental parser state: feed it text chunks as they arrive, in order. */
export interface SseParser {
  push(chunk: string): void
  readonly lastEventId: string
}

/**
 * Creates a parser that calls `sink` for every complete event, comment and retry field. Lines
 * may end in \n, \r\n or \r, and chunks may split lines anywhere.
 * @example const p = createSseParser({ event: (e) => log(e) }); p.push('id: 1\ndata: x\n\n')
 */
export function createSseParser(sink: SseSink, initialLastEventId = ''): SseParser {
  let buffer = ''
  let type = ''
  let data: string[] = []
  let hasData = false
  let lastEventId = initialLastEventId

  const dispatch = () => {
    if (hasData) sink.event({ type: type || 'message', data: data.join('\n'), lastEventId })
    type = ''
    data = []
    hasData = false
  }

  const line = (l: string) => {
    if (l === '') return dispatch()
    if (l.startsWith(':')) return sink.comment?.(l.slice(1).replace(/^ /, ''))
    const colon = l.indexOf(':')
    const field = colon < 0 ? l : l.slice(0, colon)
    const value = colon < 0 ? '' : l.slice(colon + 1).replace(/^ /, '')
    if (field === 'event') type = value
    else if (field === 'data') {
      data.push(value)
      hasData = true
    } else if (field === 'id' && !value.includes('\0')) lastEventId = value
    else if (field === 'retry' && /^\d+$/.test(value)) sink.retry?.(Number(value))
  }

  return {
    push(chunk) {
      buffer += chunk
      // A trailing \r may be the first half of \r\n: keep it until the next chunk decides.
      const re = /\r\n|\r(?!$)|\n/g
      let start = 0
      for (let m = re.exec(buffer); m; m = re.exec(buffer)) {
        line(buffer.slice(start, m.index))
        start = m.index + m[0].length
      }
      buffer = buffer.slice(start)
    },
    get lastEventId() {
      return lastEventId
    },
  }
}
