/**
 * The grid worker's phone app (`/m`, web/m.html) as an installable PWA, made at build time: its
 * web app manifest, its icons (drawn here as SVG, rendered to PNG by sharp) and its service worker
 * (`/m-sw.js`, made by Workbox's `generateSW` from the files of this build).
 *
 * Why Workbox's generateSW from a small plugin and not vite-plugin-pwa: our build has four pages
 * and only `/m` is a PWA. vite-plugin-pwa (which does support Vite 8) assumes one app per build: it
 * links its manifest into every HTML page and precaches the whole output by glob (its multi-page
 * support is an open feature request). Here the precache list is the phone page's own module graph,
 * read from the bundle (its entry, static imports and CSS, and the lazy chunks of its pages, never
 * MapLibre's), and Workbox turns that into the revisioned precache manifest and the service worker.
 *
 * The service worker's script is `/m-sw.js` (not under `/m/`: express.static would then find a
 * `m/` folder and redirect `/m` to `/m/`), registered with scope `/m`, which its place at the root
 * allows without a Service-Worker-Allowed header.
 */
import path from 'node:path'

import type { Plugin } from 'vite'

/** The product's blue (the desk's accent, the theme colour). */
export const PHONE_BLUE = '#1f5fbf'

/** The output files the plugin writes beside the pages (fixed names: m.html links them). */
export const PHONE_FILES = {
  html: 'm.html',
  manifest: 'm.webmanifest',
  serviceWorker: 'm-sw.js',
  icons: {
    'm-icon-192.png': { size: 192, maskable: false },
    'm-icon-512.png': { size: 512, maskable: false },
    'm-icon-maskable-512.png': { size: 512, maskable: true },
    'm-apple-touch-icon.png': { size: 180, maskable: true },
  },
} as const

/**
 * The app icon as SVG on a 512 grid: a white shield holding a map grid and a location pin, on the
 * product's blue. `maskable` fills the whole square and keeps the shield inside the central 80 %
 * circle that launchers may crop to; otherwise a rounded square.
 * @example iconSvg(true).startsWith('<svg') // true
 */
export function iconSvg(maskable: boolean): string {
  const scale = maskable ? 0.72 : 0.86
  const t = `translate(256 256) scale(${scale}) translate(-256 -256)`
  const shield = 'M256 56 L420 116 V252 C420 352 352 428 256 464 C160 428 92 352 92 252 V116 Z'
  const grid = [176, 256, 336].map((x) => `M${x} 60 V470`).join(' ') + ' ' + [176, 256, 336].map((y) => `M80 ${y} H432`).join(' ')
  const background = maskable
    ? `<rect width="512" height="512" fill="${PHONE_BLUE}"/>`
    : `<rect width="512" height="512" rx="112" fill="${PHONE_BLUE}"/>`
  return `<svg xmlns="http://www.w3.org/2000/svg" width="512" height="512" viewBox="0 0 512 512">
${background}
<defs><clipPath id="s"><path d="${shield}"/></clipPath></defs>
<g transform="${t}">
  <path d="${shield}" fill="#ffffff"/>
  <path d="${grid}" stroke="#c9dbf5" stroke-width="14" fill="none" clip-path="url(#s)"/>
  <path d="M256 372 C256 372 184 296 184 244 A72 72 0 1 1 328 244 C328 296 256 372 256 372 Z" fill="${PHONE_BLUE}"/>
  <circle cx="256" cy="244" r="28" fill="#ffffff"/>
</g>
</svg>`
}

/**
 * The web app manifest of the phone app (start and scope `/m`, standalone, the product's blue).
 * @example webManifest().start_url // '/m'
 */
export function webManifest(): Record<string, unknown> {
  return {
    name: '平安一张图·网格',
    short_name: '平安网格',
    description: '网格员的手机端：我的任务、隐患上报、我的网格',
    lang: 'zh-CN',
    id: '/m',
    start_url: '/m',
    scope: '/m',
    display: 'standalone',
    orientation: 'portrait',
    theme_color: PHONE_BLUE,
    background_color: '#ffffff',
    icons: [
      { src: '/m-icon-192.png', sizes: '192x192', type: 'image/png', purpose: 'any' },
      { src: '/m-icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'any' },
      { src: '/m-icon-maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
    ],
  }
}

/** What shellFiles reads of an output chunk or asset (a subset of Rollup's/Rolldown's OutputBundle). */
export type BundleEntry =
  | {
      type: 'chunk'
      fileName: string
      imports: readonly string[]
      dynamicImports: readonly string[]
      moduleIds: readonly string[]
      viteMetadata?: { importedCss: ReadonlySet<string>; importedAssets: ReadonlySet<string> }
    }
  | { type: 'asset'; fileName: string; source: string | Uint8Array }

/** True for a chunk that holds MapLibre (loaded only when the map tab opens; never precached). */
export function holdsMapLibre(moduleIds: readonly string[]): boolean {
  return moduleIds.some((id) => id.replaceAll('\\', '/').includes('/node_modules/maplibre-gl/'))
}

/**
 * The files a built HTML page loads by itself: its module scripts, module preloads and
 * stylesheets on our own origin (absolute `/…` URLs, as `base: '/'` writes them), without the
 * leading slash.
 * @example htmlRoots('<script type="module" src="/assets/m-1.js"></script>') // ['assets/m-1.js']
 */
export function htmlRoots(html: string): string[] {
  const roots: string[] = []
  for (const tag of html.matchAll(/<(script|link)\b[^>]*>/g)) {
    const t = tag[0]
    const isScript = tag[1] === 'script' && /\btype="module"/.test(t)
    const isLink = tag[1] === 'link' && /\brel="(stylesheet|modulepreload)"/.test(t)
    if (!isScript && !isLink) continue
    const url = /\b(?:src|href)="\/([^"?#]+)"/.exec(t)?.[1]
    if (url) roots.push(url)
  }
  return roots
}

/**
 * The files of one HTML page's app shell, from the bundle: the page, what it loads by itself
 * (htmlRoots), every chunk those import statically, the lazy chunks of its own code (dynamic
 * imports) except MapLibre's and whatever only MapLibre's chunk imports, and the CSS and assets
 * those chunks import. Sorted.
 * @example shellFiles(bundle, 'm.html') // ['assets/m-x.css', 'assets/m-y.js', 'm.html', …]
 */
export function shellFiles(bundle: Record<string, BundleEntry>, html: string): string[] {
  const page = bundle[html]
  if (!page || page.type !== 'asset') throw new Error(`phone-pwa: ${html} is not in the bundle`)
  const files = new Set<string>([html])
  const queue = htmlRoots(typeof page.source === 'string' ? page.source : new TextDecoder().decode(page.source))
  while (queue.length > 0) {
    const name = queue.shift()!
    if (files.has(name)) continue
    const chunk = bundle[name]
    if (!chunk) continue
    if (chunk.type === 'asset') {
      files.add(name)
      continue
    }
    if (holdsMapLibre(chunk.moduleIds)) continue
    files.add(name)
    for (const css of chunk.viteMetadata?.importedCss ?? []) files.add(css)
    for (const asset of chunk.viteMetadata?.importedAssets ?? []) files.add(asset)
    queue.push(...chunk.imports, ...chunk.dynamicImports)
  }
  return [...files].sort()
}

/** Renders an SVG to a square PNG of `size` pixels with sharp (a dependency of the server). */
async function renderPng(svg: string, size: number): Promise<Buffer> {
  const { default: sharp } = await import('sharp')
  return sharp(Buffer.from(svg), { density: Math.ceil((72 * size) / 512) })
    .resize(size, size)
    .png({ compressionLevel: 9 })
    .toBuffer()
}

/**
 * Writes the phone app's manifest, icons and service worker into the build, and serves the
 * manifest and icons from the dev server.
 * @example defineConfig({ plugins: [phonePwa()] })
 */
export function phonePwa(): Plugin {
  let outDir = ''
  return {
    name: 'onemap:phone-pwa',
    // After Vite's own HTML plugin, so the bundle already holds m.html when this one looks.
    enforce: 'post',
    configResolved(config) {
      outDir = path.resolve(config.root, config.build.outDir)
    },
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        const name = (req.url ?? '').split('?')[0]!.slice(1)
        if (name === PHONE_FILES.manifest) {
          res.setHeader('content-type', 'application/manifest+json')
          res.end(JSON.stringify(webManifest()))
          return
        }
        const icon = (PHONE_FILES.icons as Record<string, { size: number; maskable: boolean }>)[name]
        if (!icon) return next()
        renderPng(iconSvg(icon.maskable), icon.size).then(
          (png) => {
            res.setHeader('content-type', 'image/png')
            res.end(png)
          },
          (err: unknown) => next(err),
        )
      })
    },
    async generateBundle(_options, bundle) {
      // Only when the phone page is part of this build.
      if (!bundle[PHONE_FILES.html]) return
      this.emitFile({ type: 'asset', fileName: PHONE_FILES.manifest, source: JSON.stringify(webManifest(), null, 2) })
      for (const [fileName, icon] of Object.entries(PHONE_FILES.icons)) {
        this.emitFile({ type: 'asset', fileName, source: await renderPng(iconSvg(icon.maskable), icon.size) })
      }
    },
    async writeBundle(_options, bundle) {
      if (!bundle[PHONE_FILES.html]) return
      const shell = shellFiles(bundle as unknown as Record<string, BundleEntry>, PHONE_FILES.html)
      const { generateSW } = await import('workbox-build')
      const { warnings } = await generateSW({
        swDest: path.join(outDir, PHONE_FILES.serviceWorker),
        globDirectory: outDir,
        // The shell from the module graph above, plus the manifest and icons: exact names, not a glob.
        globPatterns: [...shell, PHONE_FILES.manifest, ...Object.keys(PHONE_FILES.icons)],
        // Vite's hashed file names already change with their content: no revision query needed.
        dontCacheBustURLsMatching: /^assets\//,
        maximumFileSizeToCacheInBytes: 4 * 1024 * 1024,
        mode: 'production',
        sourcemap: false,
        inlineWorkboxRuntime: true,
        disableDevLogs: true,
        cacheId: 'onemap-m',
        skipWaiting: true,
        clientsClaim: true,
        cleanupOutdatedCaches: true,
        runtimeCaching: [
          {
            // Pages of /m: the network first (the server's page names the newest chunks); after 4 s
            // without an answer, or offline, the last page fetched at that address, else the
            // precached shell (every /m address is the same page).
            urlPattern: ({ request, url }) => request.mode === 'navigate' && /^\/m(\/|$)/.test(url.pathname),
            handler: 'NetworkFirst',
            options: {
              cacheName: 'onemap-m-pages',
              networkTimeoutSeconds: 4,
              expiration: { maxEntries: 10 },
              cacheableResponse: { statuses: [200] },
              precacheFallback: { fallbackURL: PHONE_FILES.html },
            },
          },
          {
            // Chunks not in the precache (MapLibre's, once the map tab has opened): their names carry
            // their content hash, so a cached copy is always right.
            urlPattern: ({ url, sameOrigin }) => sameOrigin && url.pathname.startsWith('/assets/'),
            handler: 'CacheFirst',
            options: {
              cacheName: 'onemap-m-assets',
              expiration: { maxEntries: 40, maxAgeSeconds: 30 * 24 * 3600 },
              cacheableResponse: { statuses: [200] },
            },
          },
          {
            // API answers only when the app asks for it (header from web/src/m/pwa.ts): the network
            // first, the last answer when offline. Nothing else under /api/ is ever cached.
            urlPattern: ({ url, request, sameOrigin }) =>
              sameOrigin &&
              url.pathname.startsWith('/api/') &&
              request.method === 'GET' &&
              request.headers.get('x-onemap-offline') === 'cache',
            handler: 'NetworkFirst',
            options: {
              cacheName: 'onemap-m-api',
              networkTimeoutSeconds: 6,
              expiration: { maxEntries: 60, maxAgeSeconds: 7 * 24 * 3600 },
              cacheableResponse: { statuses: [200] },
            },
          },
        ],
      })
      for (const w of warnings) this.warn(`phone-pwa: ${w}`)
    },
  }
}
