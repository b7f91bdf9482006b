import { describe, expect, it } from 'vitest'

import { type BundleEntry, htmlRoots, iconSvg, shellFiles, webManifest } from './phone-pwa.ts'

const chunk = (fileName: string, over: Partial<Extract<BundleEntry, { type: 'chunk' }>> = {}): [string, BundleEntry] => [
  fileName,
  { type: 'chunk', fileName, imports: [], dynamicImports: [], moduleIds: [], ...over },
]

describe('htmlRoots', () => {
  it('reads module scripts, module preloads and stylesheets, not icons or the manifest', () => {
    const html = `<link rel="manifest" href="/m.webmanifest" /><link rel="apple-touch-icon" href="/m-apple-touch-icon.png" />
      <script type="module" crossorigin src="/assets/m-abc.js"></script>
      <link rel="modulepreload" crossorigin href="/assets/dom-1.js">
      <link rel="stylesheet" crossorigin href="/assets/m-2.css">`
    expect(htmlRoots(html)).toEqual(['assets/m-abc.js', 'assets/dom-1.js', 'assets/m-2.css'])
  })
})

describe('shellFiles', () => {
  const page = `<script type="module" src="/assets/m-1.js"></script><link rel="stylesheet" href="/assets/m-1.css">`
  const bundle = Object.fromEntries<BundleEntry>([
    ['m.html', { type: 'asset', fileName: 'm.html', source: page }],
    ['assets/m-1.css', { type: 'asset', fileName: 'assets/m-1.css', source: '' }],
    chunk('assets/m-1.js', {
      imports: ['assets/shared-1.js'],
      dynamicImports: ['assets/tasks-1.js', 'assets/map-1.js'],
      viteMetadata: { importedCss: new Set(['assets/m-1.css']), importedAssets: new Set() },
    }),
    chunk('assets/shared-1.js'),
    chunk('assets/tasks-1.js', { viteMetadata: { importedCss: new Set(['assets/tasks-1.css']), importedAssets: new Set() } }),
    chunk('assets/map-1.js', { imports: ['assets/maplibre-gl-1.js'] }),
    chunk('assets/maplibre-gl-1.js', { moduleIds: ['/x/node_modules/maplibre-gl/dist/maplibre-gl.js'] }),
    chunk('assets/desk-1.js', { imports: ['assets/shared-1.js'] }),
  ])

  it("is the page's graph and its lazy pages, without MapLibre's chunk or other pages", () => {
    expect(shellFiles(bundle, 'm.html')).toEqual([
      'assets/m-1.css',
      'assets/m-1.js',
      'assets/map-1.js',
      'assets/shared-1.js',
      'assets/tasks-1.css',
      'assets/tasks-1.js',
      'm.html',
    ])
  })

  it('is the page alone when it loads no script', () => {
    expect(shellFiles({ 'm.html': { type: 'asset', fileName: 'm.html', source: '<p>' } }, 'm.html')).toEqual(['m.html'])
  })
})

describe('webManifest and icons', () => {
  it('installs /m, standalone, with any and maskable icons', () => {
    const m = webManifest() as { start_url: string; scope: string; display: string; icons: { purpose: string; sizes: string }[] }
    expect([m.start_url, m.scope, m.display]).toEqual(['/m', '/m', 'standalone'])
    expect(m.icons.map((i) => `${i.sizes} ${i.purpose}`)).toEqual(['192x192 any', '512x512 any', '512x512 maskable'])
  })

  it('draws a maskable icon edge to edge', () => {
    expect(iconSvg(true)).toContain('<rect width="512" height="512" fill=')
    expect(iconSvg(false)).toContain('rx="112"')
  })
})
