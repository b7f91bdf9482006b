import { describe, expect, it } from 'vitest'

import { createSseParser, type SseEvent } from './sse.ts'

function collect(chunks: string[], initial = '') {
  const events: SseEvent[] = []
  const comments: string[] = []
  const retries: number[] = []
  const p = createSseParser({ event: (e) => events.push(e), comment: (c) => comments.push(c), retry: (r) => retries.push(r) }, initial)
  for (const c of chunks) p.push(c)
  return { events, comments, retries, lastEventId: p.lastEventId }
}

describe('createSseParser', () => {
  it('parses the server stream: retry, comments, typed events with ids', () => {
    const r = collect(['retry: 2000\n: from 41\n\n', 'id: 42\nevent: incident\ndata: {"a":1}\n\n', ': heartbeat\n\n'])
    expect(r.retries).toEqual([2000])
    expect(r.comments).toEqual(['from 41', 'heartbeat'])
    expect(r.events).toEqual([{ type: 'incident', data: '{"a":1}', lastEventId: '42' }])
    expect(r.lastEventId).toBe('42')
  })

  it('joins chunks split anywhere, including inside \\r\\n', () => {
    const text = 'id: 7\r\nevent: task\r\ndata: line1\r\ndata: line2\r\n\r\n'
    const chunks = text.split('')
    const r = collect(chunks)
    expect(r.events).toEqual([{ type: 'task', data: 'line1\nline2', lastEventId: '7' }])
  })

  it('defaults the type to message, ignores events without data, keeps the id for later events', () => {
    const r = collect(['id: 5\n\n', 'data: x\n\n'], '1')
    expect(r.events).toEqual([{ type: 'message', data: 'x', lastEventId: '5' }])
  })

  it('waits for the blank line before dispatching', () => {
    const r = collect(['event: incident\ndata: {}\n'])
    expect(r.events).toEqual([])
  })
})
