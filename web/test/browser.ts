/**
 * Shared helpers for browser tests: launch the system Chromium (never a downloaded one) headless
 * with WebGL2 through SwiftShader, watch a page's console and requests, and read screenshot pixels.
 */
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { inflateSync } from 'node:zlib'

import { type Browser, type BrowserContext, chromium, type Page, type Request } from 'playwright-core'

import type * as AuthStore from '../../server/auth/store.ts'
import type * as Harness from '../../server/testing/harness.ts'
import type { TestServer } from '../../server/testing/harness.ts'

/**
 * Chromium flags for tests: no sandbox (root in containers), nothing phoned home, and WebGL2 from
 * ANGLE's software (SwiftShader) backend so maps render without a GPU.
 */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
  '--disable-default-apps',
  '--disable-domain-reliability',
  '--disable-breakpad',
  '--metrics-recording-only',
  '--no-pings',
  '--use-angle=swiftshader',
  '--enable-unsafe-swiftshader',
  '--ignore-gpu-blocklist',
  '--disable-dev-shm-usage',
] as const

/** The system Chromium: `$CHROMIUM_PATH`, else `which chromium` (Debian's `chromium` package). */
export function chromiumPath(): string {
  const fromEnv = process.env.CHROMIUM_PATH
  if (fromEnv) return fromEnv
  for (const name of ['chromium', 'chromium-browser']) {
    try {
      const found = execFileSync('which', [name], { encoding: 'utf8' }).trim()
      if (found) return found
    } catch {
      // not on PATH; try the next name
    }
  }
  throw new Error('No Chromium found: install Debian\'s "chromium" package or set CHROMIUM_PATH')
}

export async function launchBrowser(extraArgs: readonly string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    args: [...CHROMIUM_ARGS, ...extraArgs],
    timeout: 60_000,
  })
}

/** True for URLs that stay on this machine (loopback) or never touch the network (data:, blob:). */
export function isLocalUrl(url: string): boolean {
  let u: URL
  try {
    u = new URL(url)
  } catch {
    return false
  }
  if (u.protocol === 'data:' || u.protocol === 'blob:' || u.protocol === 'about:') return true
  const host = u.hostname.replace(/^\[|\]$/g, '')
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host)
}

export interface WatchedPage {
  context: BrowserContext
  page: Page
  /** Console messages of type "error", and uncaught page errors. */
  errors: string[]
  /** Every request the page (and its workers) made. */
  requests: string[]
  /** Requests that failed or got an HTTP error status. */
  failures: string[]
}

/**
 * Opens a new page in its own context that records console errors, uncaught errors and every
 * request. Service workers are blocked so every request is seen.
 */
export async function openWatchedPage(
  browser: Browser,
  viewport: { width: number; height: number } = { width: 1280, height: 800 },
): Promise<WatchedPage> {
  const context = await browser.newContext({ viewport, deviceScaleFactor: 1, serviceWorkers: 'block', locale: 'zh-CN' })
  await context.addInitScript(recordLinkedShaders)
  const page = await context.newPage()
  const watched: WatchedPage = { context, page, errors: [], requests: [], failures: [] }
  page.on('console', (msg) => {
    if (msg.type() === 'error') watched.errors.push(`console: ${msg.text()}`)
  })
  page.on('pageerror', (err) => watched.errors.push(`pageerror: ${err.message}`))
  const onRequest = (req: Request) => watched.requests.push(req.url())
  context.on('request', onRequest)
  context.on('requestfailed', (req) => watched.failures.push(`${req.url()}: ${req.failure()?.errorText ?? 'failed'}`))
  context.on('response', (res) => {
    if (res.status() >= 400) watched.failures.push(`${res.url()}: HTTP ${res.status()}`)
  })
  return watched
}

/** Page init script: the vertex shader source of every WebGL2 program the page links, in link order. */
function recordLinkedShaders(): void {
  const w = window as unknown as { __linkedVertexShaders: string[] }
  w.__linkedVertexShaders = []
  const proto = WebGL2RenderingContext.prototype
  // eslint-disable-next-line @typescript-eslint/unbound-method -- wrapped, and called with this
  const link = proto.linkProgram
  proto.linkProgram = function (program) {
    // The vertex shader is the one that sets gl_Position (asking its type would wait on the GPU process).
    const sources = (this.getAttachedShaders(program) ?? []).map((sh) => this.getShaderSource(sh) ?? '')
    w.__linkedVertexShaders.push(sources.find((src) => src.includes('gl_Position')) ?? '')
    return link.call(this, program)
  }
}

/**
 * The vertex shaders of the programs a watched page has linked so far (what its maps had to compile).
 * @example expect((await linkedVertexShaders(w.page)).length).toBeGreaterThan(0)
 */
export function linkedVertexShaders(page: Page): Promise<string[]> {
  return page.evaluate(() => (window as unknown as { __linkedVertexShaders?: string[] }).__linkedVertexShaders ?? [])
}

/** An RGBA image decoded from a PNG. */
export interface RgbaImage {
  width: number
  height: number
  /** width * height * 4 bytes, row-major RGBA */
  data: Uint8Array
}

/**
 * Decodes an 8-bit, non-interlaced greyscale/RGB/RGBA PNG (what Chromium's screenshots are), so
 * tests can read pixels without an image library.
 */
export function decodePng(png: Buffer): RgbaImage {
  if (png.readUInt32BE(0) !== 0x89504e47) throw new Error('not a PNG')
  let pos = 8
  let width = 0
  let height = 0
  let colourType = 0
  const idat: Buffer[] = []
  while (pos < png.length) {
    const len = png.readUInt32BE(pos)
    const type = png.toString('ascii', pos + 4, pos + 8)
    const body = png.subarray(pos + 8, pos + 8 + len)
    if (type === 'IHDR') {
      width = body.readUInt32BE(0)
      height = body.readUInt32BE(4)
      const bitDepth = body[8]
      colourType = body[9]!
      const interlace = body[12]
      if (bitDepth !== 8 || interlace !== 0 || ![0, 2, 4, 6].includes(colourType)) {
        throw new Error(`unsupported PNG: bit depth ${bitDepth}, colour type ${colourType}, interlace ${interlace}`)
      }
    } else if (type === 'IDAT') {
      idat.push(body)
    } else if (type === 'IEND') {
      break
    }
    pos += 12 + len
  }
  const channels = { 0: 1, 2: 3, 4: 2, 6: 4 }[colourType as 0 | 2 | 4 | 6]
  const raw = inflateSync(Buffer.concat(idat))
  const stride = width * channels
  const out = new Uint8Array(width * height * 4)
  let prev = new Uint8Array(stride)
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)]
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1))
    const cur = new Uint8Array(stride)
    for (let i = 0; i < stride; i++) {
      const a = i >= channels ? cur[i - channels]! : 0
      const b = prev[i]!
      const c = i >= channels ? prev[i - channels]! : 0
      let v = line[i]!
      switch (filter) {
        case 0:
          break
        case 1:
          v += a
          break
        case 2:
          v += b
          break
        case 3:
          v += (a + b) >> 1
          break
        case 4: {
          const p = a + b - c
          const pa = Math.abs(p - a)
          const pb = Math.abs(p - b)
          const pc = Math.abs(p - c)
          v += pa <= pb && pa <= pc ? a : pb <= pc ? b : c
          break
        }
        default:
          throw new Error(`bad PNG filter ${filter}`)
      }
      cur[i] = v & 0xff
    }
    for (let x = 0; x < width; x++) {
      const o = (y * width + x) * 4
      const s = x * channels
      if (channels >= 3) {
        out[o] = cur[s]!
        out[o + 1] = cur[s + 1]!
        out[o + 2] = cur[s + 2]!
        out[o + 3] = channels === 4 ? cur[s + 3]! : 255
      } else {
        out[o] = out[o + 1] = out[o + 2] = cur[s]!
        out[o + 3] = channels === 2 ? cur[s + 1]! : 255
      }
    }
    prev = cur
  }
  return { width, height, data: out }
}

/** The [r, g, b] at (x, y), rounded to whole pixels and clamped to the image. */
export function pixelAt(img: RgbaImage, x: number, y: number): [number, number, number] {
  const px = Math.min(img.width - 1, Math.max(0, Math.round(x)))
  const py = Math.min(img.height - 1, Math.max(0, Math.round(y)))
  const o = (py * img.width + px) * 4
  return [img.data[o]!, img.data[o + 1]!, img.data[o + 2]!]
}

/** Relative luminance of an sRGB colour (0–255), for "darker than" comparisons. */
export function luminance([r, g, b]: readonly number[]): number {
  return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!
}

export interface Box {
  x0: number
  y0: number
  x1: number
  y1: number
}

/** How many pixels in `box` differ between two same-sized images by more than `threshold` (sum of |ΔRGB|). */
export function countDifferentPixels(a: RgbaImage, b: RgbaImage, box: Box, threshold = 48): number {
  if (a.width !== b.width || a.height !== b.height) throw new Error('images differ in size')
  let n = 0
  const x0 = Math.max(0, Math.floor(box.x0))
  const y0 = Math.max(0, Math.floor(box.y0))
  const x1 = Math.min(a.width - 1, Math.ceil(box.x1))
  const y1 = Math.min(a.height - 1, Math.ceil(box.y1))
  for (let y = y0; y <= y1; y++) {
    for (let x = x0; x <= x1; x++) {
      const o = (y * a.width + x) * 4
      const d = Math.abs(a.data[o]! - b.data[o]!) + Math.abs(a.data[o + 1]! - b.data[o + 1]!) + Math.abs(a.data[o + 2]! - b.data[o + 2]!)
      if (d > threshold) n++
    }
  }
  return n
}

/** Writes a screenshot under .tmp/screenshots/ (git-ignored) and returns its path. */
export function saveArtifact(name: string, data: Buffer): string {
  const dir = path.resolve(import.meta.dirname, '../../.tmp/screenshots')
  fs.mkdirSync(dir, { recursive: true })
  const file = path.join(dir, name)
  fs.writeFileSync(file, data)
  return file
}

type ServerOptions = NonNullable<Parameters<typeof Harness.startTestServer>[0]>
type NewUser = Parameters<typeof AuthStore.createUser>[1]

/**
 * A test server with logins required, one user with a password, and a browser: what a person
 * meets at the door. Server code loads lazily (only the tests that need a server pay for it).
 * @example const { server, browser } = await serverWithUser({ seed: 'none', web: false }, { username: 'u', displayName: '用户', role: 'analyst', areaCodes: [], password })
 */
export async function serverWithUser(
  options: Omit<ServerOptions, 'auth'>,
  user: NewUser,
): Promise<{ server: TestServer; browser: Browser }> {
  const { startTestServer } = await import('../../server/testing/harness.ts')
  const { createUser } = await import('../../server/auth/store.ts')
  const server = await startTestServer({ ...options, auth: 'required' })
  await createUser(server.db.sql, user, 'test')
  return { server, browser: await launchBrowser() }
}

/** A logged-in account: its session and CSRF cookies, for a browser context and for API calls. */
export interface Login {
  session: string
  csrf: string
  /** The cookies for `context.addCookies`. */
  cookies: { name: string; value: string; url: string }[]
  /** Calls the API as this account (the CSRF header on writes, as the page sends it). */
  api(method: string, path: string, body?: unknown): Promise<Response>
}

/**
 * Logs an account in through the login API, as the login page does.
 * @example const officer = await login(server.url, 'town-officer', password); await context.addCookies(officer.cookies)
 */
export async function login(baseUrl: string, username: string, password: string): Promise<Login> {
  const res = await fetch(`${baseUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  })
  if (!res.ok) throw new Error(`login ${username}: HTTP ${res.status}`)
  const cookie = (name: string) =>
    res.headers
      .getSetCookie()
      .find((c) => c.startsWith(`${name}=`))
      ?.split(';')[0]!
      .slice(name.length + 1) ?? ''
  const session = cookie('onemap_session')
  const csrf = decodeURIComponent(cookie('onemap_csrf'))
  return {
    session,
    csrf,
    cookies: [
      { name: 'onemap_session', value: session, url: baseUrl },
      { name: 'onemap_csrf', value: encodeURIComponent(csrf), url: baseUrl },
    ],
    api: (method, path, body) =>
      fetch(`${baseUrl}${path}`, {
        method,
        headers: {
          cookie: `onemap_session=${session}; onemap_csrf=${encodeURIComponent(csrf)}`,
          'x-csrf-token': csrf,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      }),
  }
}

/**
 * Creates accounts (one password for all, as `createUser` does) and logs each in, in order.
 * @example const [operator, officer] = await loggedIn(server, PASSWORD, { username: 'op', displayName: '值班员', role: 'command', areaCodes: [] }, …)
 */
export async function loggedIn<const U extends readonly Omit<NewUser, 'password'>[]>(
  server: TestServer,
  password: string,
  ...users: U
): Promise<{ -readonly [K in keyof U]: Login }> {
  const { createUser } = await import('../../server/auth/store.ts')
  const out: Login[] = []
  for (const u of users) {
    await createUser(server.db.sql, { ...u, password }, 'test')
    out.push(await login(server.url, u.username, password))
  }
  return out as { -readonly [K in keyof U]: Login }
}

/**
 * Where a desk page's area scope is tested: a real server over the seeded boundaries with logins
 * required and the real clock (records are written as of now), its first two towns by code — the
 * officer's own and another — and a browser.
 * @example ;({ server, mine, other, browser } = await twoTownDesk())
 */
export async function twoTownDesk(): Promise<{ server: TestServer; mine: string; other: string; browser: Browser }> {
  const { startTestServer } = await import('../../server/testing/harness.ts')
  const server = await startTestServer({ seed: 'boundaries', auth: 'required', now: () => new Date() })
  const towns = await server.db.sql<{ code: string }[]>`SELECT code FROM admin_areas WHERE level = 'town' ORDER BY code LIMIT 2`
  return { server, mine: towns[0]!.code, other: towns[1]!.code, browser: await launchBrowser() }
}

/** Waits for what the desk page has started to load (window.__desk.idle()). */
export const deskIdle = (w: WatchedPage): Promise<void> => w.page.evaluate(() => window.__desk!.idle())

/** Opens a desk address as `who` and waits until it has loaded what it shows. */
export async function openDesk(
  browser: Browser,
  baseUrl: string,
  who: Login,
  path: string,
  viewport = { width: 1440, height: 900 },
): Promise<WatchedPage> {
  const w = await openWatchedPage(browser, viewport)
  await w.context.addCookies(who.cookies)
  await w.page.goto(`${baseUrl}${path}`)
  await w.page.waitForFunction(() => window.__desk !== undefined)
  await deskIdle(w)
  return w
}
