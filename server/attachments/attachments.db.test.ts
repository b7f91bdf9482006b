/**
 * Attachments end to end on a real server with login required, with real files: a JPEG with EXIF
 * GPS and camera serials, a PNG, a WebP, a PDF, a real HEIC (fixtures/), a renamed executable and
 * text. Checks what is stored and served (decoded back with sharp and exifr), content addressing,
 * who may download (row-level security through the owning task), the audit log, and the links
 * from task and hazard bodies to their history events.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import exifr from 'exifr'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { createApiKey, createUser } from '../auth/store.ts'
import type { HazardDetail } from '../hazards/schema.ts'
import type { TaskDetail } from '../tasks/schema.ts'
import { TEST_KIND } from '../testing/db.ts'
import { startTestServer, type TestServer } from '../testing/harness.ts'
import { exifTime } from './process.ts'
import type { Attachment } from './schema.ts'
import { attachmentPath } from './storage.ts'

const HEIC = fs.readFileSync(path.join(import.meta.dirname, 'fixtures', 'sample.heic'))
const MISSING = 'f'.repeat(64)

/** A photo as a phone takes it: EXIF time, GPS and the camera's make, model and serial number. */
async function phoneJpeg(): Promise<Buffer> {
  return sharp({ create: { width: 800, height: 600, channels: 3, background: '#c33' } })
    .withExif({
      IFD0: { Make: 'OneMapPhone', Model: 'X1', Software: 'CamApp 1.0' },
      IFD2: { DateTimeOriginal: '2026:05:04 09:08:07', BodySerialNumber: 'SN-0042-SECRET' },
      IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '30/1 10/1 0/1', GPSLongitudeRef: 'E', GPSLongitude: '120/1 16/1 12/1' },
    })
    .jpeg()
    .toBuffer()
}

/** The smallest PDF a reader opens: one empty page. */
const PDF = Buffer.from(
  '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n' +
    '3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n',
)

describe(`attachments (${TEST_KIND})`, () => {
  let s: TestServer
  let dataDir: string
  const keys: Record<'admin' | 'townA' | 'townB', string> = { admin: '', townA: '', townB: '' }
  const grids: Record<'a' | 'b', { code: string; lng: number; lat: number }> = {
    a: { code: '', lng: 0, lat: 0 },
    b: { code: '', lng: 0, lat: 0 },
  }
  let jpeg: Buffer

  const call = (url: string, who: keyof typeof keys, init: RequestInit = {}) =>
    fetch(`${s.url}${url}`, { ...init, headers: { authorization: `Bearer ${keys[who]}`, ...init.headers } })
  const json = async <T>(url: string, who: keyof typeof keys, method: string, body: unknown): Promise<{ status: number; body: T }> => {
    const res = await call(url, who, { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
    return { status: res.status, body: (await res.json()) as T }
  }
  const upload = async (who: keyof typeof keys, bytes: Buffer, name: string, type = 'application/octet-stream') => {
    const form = new FormData()
    form.append('file', new Blob([new Uint8Array(bytes)], { type }), name)
    const res = await call('/api/attachments', who, { method: 'POST', body: form })
    return { status: res.status, body: (await res.json()) as Attachment & { error?: string; details?: unknown } }
  }
  const uploaded = async (who: keyof typeof keys, bytes: Buffer, name: string): Promise<Attachment> => {
    const r = await upload(who, bytes, name)
    expect(r.status, JSON.stringify(r.body)).toBe(201)
    return r.body
  }
  const download = async (url: string, who: keyof typeof keys) => {
    const res = await call(url, who)
    return { status: res.status, headers: res.headers, bytes: Buffer.from(await res.arrayBuffer()) }
  }
  const downloads = async (id: string) =>
    (
      await s.db.sql<{ n: number }[]>`
        SELECT count(*)::int AS n FROM audit_log WHERE action = 'attachment.download' AND target = ${`attachment:${id}`}`
    )[0]!.n

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'onemap-attachments-'))
    s = await startTestServer({ seed: 'boundaries', web: false, auth: 'required', env: { DATA_DIR: dataDir, ATTACHMENT_MAX_MB: '1' } })
    const towns = await s.db.sql<{ code: string }[]>`SELECT code FROM admin_areas WHERE level = 'town' ORDER BY code LIMIT 2`
    for (const [k, town] of [
      ['a', towns[0]!.code],
      ['b', towns[1]!.code],
    ] as const) {
      const [g] = await s.db.sql<{ code: string; lng: number; lat: number }[]>`
        SELECT code, ST_X(label_point) AS lng, ST_Y(label_point) AS lat FROM admin_areas
        WHERE level = 'grid' AND code LIKE ${town + '%'} ORDER BY code LIMIT 1`
      grids[k] = g!
    }
    for (const [k, role, areaCodes] of [
      ['admin', 'admin', []],
      ['townA', 'town', [towns[0]!.code]],
      ['townB', 'town', [towns[1]!.code]],
    ] as const) {
      const user = await createUser(s.db.sql, { username: `att-${k}`, displayName: '', role, areaCodes: [...areaCodes] }, 'test')
      keys[k] = (await createApiKey(s.db.sql, user.id, 'test', 'test')).key
    }
    jpeg = await phoneJpeg()
  })
  afterAll(async () => {
    await s?.close()
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true })
  })

  it('reads EXIF times as Beijing time unless they carry an offset', () => {
    expect(exifTime('2026:05:04 09:08:07')?.toISOString()).toBe('2026-05-04T01:08:07.000Z')
    expect(exifTime('2026:05:04 09:08:07', '+02:00')?.toISOString()).toBe('2026-05-04T07:08:07.000Z')
    expect(exifTime('0000:00:00 00:00:00')).toBeNull()
    expect(exifTime('yesterday')).toBeNull()
  })

  it('stores a phone photo: GPS and time read from EXIF, the served image stripped, a thumbnail ≤ 320 px', async () => {
    expect((await exifr.gps(jpeg)).latitude).toBeCloseTo(30.1667, 4) // the fixture does carry GPS
    const a = await uploaded('townA', jpeg, '现场照片.jpg')
    expect(a).toMatchObject({
      mime: 'image/jpeg',
      sourceMime: 'image/jpeg',
      width: 800,
      height: 600,
      takenAt: '2026-05-04T01:08:07.000Z',
      filename: '现场照片.jpg',
      url: `/api/attachments/${a.id}`,
      thumbnailUrl: `/api/attachments/${a.id}/thumb`,
    })
    expect(a.id).toMatch(/^[0-9a-f]{64}$/)
    expect(a.lat).toBeCloseTo(30.1667, 4)
    expect(a.lng).toBeCloseTo(120.27, 4)

    const file = await download(a.url, 'townA')
    expect(file.status).toBe(200)
    expect(file.headers.get('content-type')).toBe('image/jpeg')
    expect(Number(file.headers.get('content-length'))).toBe(file.bytes.length)
    expect(file.bytes.length).toBe(a.bytes)
    expect(file.headers.get('cache-control')).toBe('private')
    expect(file.headers.get('x-content-type-options')).toBe('nosniff')
    // Nothing personal left in what is served: no GPS, no camera, no serial number, no EXIF at all.
    expect(await exifr.gps(file.bytes)).toBeUndefined()
    expect(await exifr.parse(file.bytes)).toBeUndefined()
    expect(file.bytes.includes(Buffer.from('SN-0042-SECRET'))).toBe(false)
    expect(file.bytes.includes(Buffer.from('OneMapPhone'))).toBe(false)
    expect(await sharp(file.bytes).metadata()).toMatchObject({ format: 'jpeg', width: 800, height: 600 })

    const thumb = await download(a.thumbnailUrl!, 'townA')
    expect(thumb.status).toBe(200)
    expect(thumb.headers.get('content-type')).toBe('image/jpeg')
    expect(await sharp(thumb.bytes).metadata()).toMatchObject({ format: 'jpeg', width: 320, height: 240 })
    expect(await downloads(a.id)).toBe(2) // one audit row per download
  })

  it('keeps identical bytes once: the same id, one row, one stored copy, each uploader with their own name', async () => {
    const first = await uploaded('townA', jpeg, 'again.jpg')
    const second = await uploaded('admin', jpeg, '管理员.jpg')
    expect(second.id).toBe(first.id)
    expect(second.filename).toBe('管理员.jpg')
    const rows = await s.db.sql<{ stored_in: string; has_content: boolean }[]>`
      SELECT stored_in, content IS NOT NULL AS has_content FROM attachments WHERE id = ${first.id}`
    expect(rows).toHaveLength(1)
    const uploaders = await s.db.sql<{ uploaded_by: string }[]>`
      SELECT uploaded_by FROM attachment_uploads WHERE attachment_id = ${first.id} ORDER BY uploaded_by`
    expect(uploaders.map((u) => u.uploaded_by)).toEqual(['att-admin', 'att-townA'])
    if (TEST_KIND === 'native') {
      expect(rows[0]).toEqual({ stored_in: 'disk', has_content: false })
      const file = attachmentPath(dataDir, first.id, 'file')
      expect(file).toBe(path.join(dataDir, 'attachments', first.id.slice(0, 2), first.id.slice(2, 4), first.id))
      expect(fs.statSync(file).size).toBe(first.bytes)
      expect(fs.readdirSync(path.dirname(file)).sort()).toEqual([first.id, `${first.id}.thumb.jpg`])
    } else {
      expect(rows[0]).toEqual({ stored_in: 'db', has_content: true })
      expect(fs.existsSync(path.join(dataDir, 'attachments'))).toBe(false)
    }
  })

  it('turns a real HEIC photo into a JPEG, with its EXIF time and place read first and stripped', async () => {
    const a = await uploaded('townA', HEIC, 'IMG_0001.HEIC')
    expect(a).toMatchObject({ mime: 'image/jpeg', sourceMime: 'image/heic', width: 96, height: 64, takenAt: '2026-05-04T01:08:07.000Z' })
    expect(a.lat).toBeCloseTo(30.16, 5)
    expect(a.lng).toBeCloseTo(120.25, 5)
    const file = await download(a.url, 'townA')
    expect(await sharp(file.bytes).metadata()).toMatchObject({ format: 'jpeg', width: 96, height: 64 })
    expect(await exifr.parse(file.bytes)).toBeUndefined()
    // The picture survived: the centre is the yellow circle, a corner the green ground.
    const { data, info } = await sharp(file.bytes).raw().toBuffer({ resolveWithObject: true })
    const px = (x: number, y: number) => [...data.subarray((y * info.width + x) * info.channels, (y * info.width + x) * info.channels + 3)]
    const [r, g, b] = px(48, 32)
    expect(r! > 200 && g! > 180 && b! < 120).toBe(true)
    const [r2, g2] = px(2, 2)
    expect(g2! > r2! + 40).toBe(true)
  })

  it('keeps PNG and WebP in their format (thumbnails as JPEG) and a PDF as uploaded, as a download', async () => {
    const png = await uploaded(
      'townA',
      await sharp({ create: { width: 400, height: 100, channels: 4, background: '#00f8' } })
        .png()
        .toBuffer(),
      'plan.png',
    )
    expect(png).toMatchObject({ mime: 'image/png', width: 400, height: 100, takenAt: null, lng: null, lat: null })
    const pngThumb = await download(png.thumbnailUrl!, 'townA')
    expect(await sharp(pngThumb.bytes).metadata()).toMatchObject({ format: 'jpeg', width: 320, height: 80 })
    const webp = await uploaded(
      'townA',
      await sharp({ create: { width: 100, height: 700, channels: 3, background: '#0a0' } })
        .webp()
        .toBuffer(),
      'w.webp',
    )
    expect(webp).toMatchObject({ mime: 'image/webp', width: 100, height: 700 })
    expect(await sharp((await download(webp.url, 'townA')).bytes).metadata()).toMatchObject({ format: 'webp' })
    expect(await sharp((await download(webp.thumbnailUrl!, 'townA')).bytes).metadata()).toMatchObject({ width: 46, height: 320 })

    const pdf = await uploaded('townA', PDF, '整改报告 v2.pdf')
    expect(pdf).toMatchObject({ mime: 'application/pdf', bytes: PDF.length, width: null, thumbnailUrl: null, filename: '整改报告 v2.pdf' })
    const file = await download(pdf.url, 'townA')
    expect(file.bytes.equals(PDF)).toBe(true)
    expect(file.headers.get('content-type')).toBe('application/pdf')
    expect(file.headers.get('content-disposition')).toMatch(/^attachment; filename="[^"]*\.pdf"; filename\*=UTF-8''%E6%95%B4/)
    expect((await download(`/api/attachments/${pdf.id}/thumb`, 'townA')).status).toBe(404)
  })

  it('refuses what is not a photo or PDF by its content, naming what it found (415), and too big (413)', async () => {
    const exe = Buffer.alloc(512)
    exe.write('MZ', 0, 'latin1')
    const asJpeg = await upload('townA', exe, 'photo.jpg', 'image/jpeg')
    expect(asJpeg.status).toBe(415)
    expect(asJpeg.body.error).toContain('application/x-msdownload')
    const text = await upload('townA', Buffer.from('just some words, not a picture\n'), 'photo.jpg', 'image/jpeg')
    expect(text.status).toBe(415)
    expect(text.body.error).toContain('no known type')
    const big = Buffer.concat([jpeg, Buffer.alloc(1024 ** 2)])
    const tooBig = await upload('townA', big, 'huge.jpg', 'image/jpeg')
    expect(tooBig.status).toBe(413)
    expect(tooBig.body.error).toContain('larger than 1 MB')
    const broken = await upload('townA', jpeg.subarray(0, 600), 'cut.jpg')
    expect(broken.status).toBe(400)
    expect(broken.body.error).toContain('body.file')
    const notForm = await json<{ error: string }>('/api/attachments', 'townA', 'POST', { file: 'x' })
    expect(notForm.status).toBe(400)
    expect(notForm.body.error).toContain('multipart/form-data')
    expect(
      (
        await s.db.sql<
          { n: number }[]
        >`SELECT count(*)::int AS n FROM attachments WHERE source_mime NOT LIKE 'image/%' AND mime <> 'application/pdf'`
      )[0]!.n,
    ).toBe(0)
  })

  it("serves a task's attachments to whoever sees the task, and to nobody else the same 404 as no attachment", async () => {
    const before = await uploaded(
      'townA',
      await sharp({ create: { width: 50, height: 50, channels: 3, background: '#888' } })
        .jpeg()
        .toBuffer(),
      'before.jpg',
    )
    const after = await uploaded(
      'townA',
      await sharp({ create: { width: 60, height: 40, channels: 3, background: '#eee' } })
        .jpeg()
        .toBuffer(),
      'after.jpg',
    )
    // Not linked yet: its uploader only, not even the district.
    for (const who of ['townB', 'admin'] as const) expect((await download(before.url, who)).status).toBe(404)
    expect((await download(before.url, 'townA')).status).toBe(200)

    // Someone else's unlinked upload cannot be attached, nor an unknown id: 400 naming it.
    const foreign = await json<{ error: string; details: { where: string }[] }>('/api/tasks', 'townB', 'POST', {
      title: '楼道堆物',
      area_code: grids.b.code,
      assignee_team: 'B 街道',
      due_date: '2099-01-01',
      attachments: [before.id],
    })
    expect(foreign.status).toBe(400)
    expect(foreign.body.details[0]!.where).toBe('body.attachments.0')
    expect(foreign.body.error).toContain(before.id)

    const created = await json<TaskDetail>('/api/tasks', 'townA', 'POST', {
      title: '清理楼道堆物',
      area_code: grids.a.code,
      assignee_team: 'A 街道平安办',
      due_date: '2099-01-01',
      attachments: [before.id],
    })
    expect(created.status, JSON.stringify(created.body)).toBe(201)
    const task = created.body
    expect(task.attachments).toEqual([
      expect.objectContaining({
        id: before.id,
        mime: 'image/jpeg',
        thumbnailUrl: before.thumbnailUrl,
        eventId: task.history[0]!.id,
        linkedBy: 'att-townA',
      }),
    ])
    const bad = await json<{ error: string; details: { where: string }[] }>(`/api/tasks/${task.id}/transitions`, 'townA', 'POST', {
      to: 'accepted',
      attachments: [after.id, MISSING],
    })
    expect(bad.status).toBe(400)
    expect(bad.body.details[0]!.where).toBe('body.attachments.1')
    expect(bad.body.error).toContain(MISSING)
    const moved = await json<TaskDetail>(`/api/tasks/${task.id}/transitions`, 'townA', 'POST', {
      to: 'accepted',
      comment: '已签收',
      attachments: [after.id, before.id], // before is linked already: it stays on the 'created' event
    })
    expect(moved.status, JSON.stringify(moved.body)).toBe(200)
    const accepted = moved.body.history.find((e) => e.to === 'accepted')!
    expect(moved.body.attachments.map((x) => [x.id, x.eventId])).toEqual([
      [before.id, task.history[0]!.id],
      [after.id, accepted.id],
    ])

    // Linked: the district and the task's own town see it; the other town gets exactly the 404 of nothing.
    const audited = await downloads(after.id)
    for (const who of ['townA', 'admin'] as const) {
      const res = await download(after.url, who)
      expect(res.status).toBe(200)
      expect(await sharp(res.bytes).metadata()).toMatchObject({ width: 60, height: 40 })
    }
    const elsewhere = await call(after.url, 'townB')
    const nowhere = await call(`/api/attachments/${MISSING}`, 'townB')
    expect([elsewhere.status, nowhere.status]).toEqual([404, 404])
    expect((await elsewhere.json()) as unknown).toEqual({ error: `no attachment ${after.id}` })
    expect((await nowhere.json()) as unknown).toEqual({ error: `no attachment ${MISSING}` })
    expect((await call(`${after.url}/thumb`, 'townB')).status).toBe(404)
    expect((await json<{ error: string }>(`/api/tasks/${task.id}`, 'townB', 'GET', undefined)).status).toBe(404)
    expect(await downloads(after.id)).toBe(audited + 2) // the two that were served, not the refused ones
    const [entry] = await s.db.sql<{ actor: string; details: { variant: string } }[]>`
      SELECT actor, details FROM audit_log WHERE action = 'attachment.download' AND target = ${`attachment:${after.id}`} ORDER BY id DESC LIMIT 1`
    expect(entry).toMatchObject({ actor: 'att-admin', details: { variant: 'file' } })

    // The task's detail lists them for its readers.
    const read = await call(`/api/tasks/${task.id}`, 'admin')
    expect(((await read.json()) as TaskDetail).attachments.map((x) => x.id)).toEqual([before.id, after.id])
  })

  it("links attachments given in a hazard's body and its transitions to their events", async () => {
    const photo = await uploaded(
      'admin',
      await sharp({ create: { width: 30, height: 30, channels: 3, background: '#f00' } })
        .png()
        .toBuffer(),
      'h.png',
    )
    const proof = await uploaded(
      'admin',
      await sharp({ create: { width: 31, height: 30, channels: 3, background: '#0f0' } })
        .png()
        .toBuffer(),
      'p.png',
    )
    const base = { source: 'grid_inspection', category: 'fire', description: '私拉电线', lng: grids.a.lng, lat: grids.a.lat }
    const bad = await json<{ details: { where: string }[] }>('/api/hazards', 'admin', 'POST', {
      ...base,
      attachments: ['https://files.example/ref-1', MISSING],
    })
    expect(bad.status).toBe(400)
    expect(bad.body.details[0]!.where).toBe('body.attachments.1')
    const created = await json<HazardDetail>('/api/hazards', 'admin', 'POST', {
      ...base,
      attachments: ['https://files.example/ref-1', photo.id],
    })
    expect(created.status, JSON.stringify(created.body)).toBe(201)
    const h = created.body
    expect(h.properties.attachments.map((x) => x.ref)).toEqual(['https://files.example/ref-1', photo.id])
    expect(h.attachments.map((x) => [x.id, x.eventId])).toEqual([[photo.id, h.history[0]!.id]])
    const moved = await json<HazardDetail>(`/api/hazards/${h.id}/transitions`, 'admin', 'POST', {
      to: 'confirmed',
      attachments: [proof.id],
    })
    expect(moved.status, JSON.stringify(moved.body)).toBe(200)
    const confirmed = moved.body.history.find((e) => e.to === 'confirmed')!
    expect(moved.body.attachments.map((x) => [x.id, x.eventId])).toEqual([
      [photo.id, h.history[0]!.id],
      [proof.id, confirmed.id],
    ])
    // The hazard is in town A: its officer now sees the photo, town B does not.
    expect((await download(proof.url, 'townA')).status).toBe(200)
    expect((await download(proof.url, 'townB')).status).toBe(404)
  })
})
