import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

import { defineConfig } from 'vitest/config'

import { phonePwa } from './scripts/vite/phone-pwa.ts'

/** The project root (this file's folder); the page itself lives in web/. */
const projectRoot = fileURLToPath(new URL('.', import.meta.url))

/** Where the dev server sends API, tile and OGC requests: the real server on PORT (default 8080). */
const backend = `http://127.0.0.1:${process.env.PORT || 8080}`

/**
 * luma.gl (deck.gl's WebGL layer) loads its WebGLDevice class with `await import('./webgl-device.js')`,
 * although its index already bundles that module: the build makes a 56-byte chunk of it, and its
 * request queues behind a first page's tile requests (six per host) for up to 2 s before deck.gl
 * can draw. Importing it statically costs no code. If luma.gl changes that line, nothing is
 * replaced and the dynamic import still works.
 */
const lumaDeviceStatic = {
  name: 'onemap:luma-webgl-device-static',
  transform(code: string, id: string) {
    if (!id.replaceAll('\\', '/').endsWith('@luma.gl/webgl/dist/adapter/webgl-adapter.js')) return null
    const dynamic = /await import\((["'])\.\/webgl-device\.js\1\)/g
    if (!dynamic.test(code)) return null
    return { code: `import * as webglDeviceModule from './webgl-device.js'\n${code.replace(dynamic, 'webglDeviceModule')}`, map: null }
  },
}

/** What no test project looks in (a project with its own exclude list starts from this). */
const TEST_EXCLUDE = ['**/node_modules/**', 'dist/**', '.data/**', '.tmp/**']

export default defineConfig({
  plugins: [lumaDeviceStatic, phonePwa()],
  root: fileURLToPath(new URL('./web', import.meta.url)),
  // Absolute asset URLs: the server answers client routes (e.g. /wall/…) with index.html.
  base: '/',
  publicDir: false,
  build: {
    outDir: fileURLToPath(new URL('./dist/web', import.meta.url)),
    emptyOutDir: true,
    // maplibre-gl alone is ~1 MB minified; warn only past that.
    chunkSizeWarningLimit: 1200,
    sourcemap: false,
    rolldownOptions: {
      // Four pages: the map (/), the command-center wall (/wall, web/src/wall), the work desk
      // (/desk, web/src/desk) and the grid worker's phone app (/m, web/src/m; its PWA files come from
      // scripts/vite/phone-pwa.ts), each its own entry so the wall loads none of the map page's code
      // (shared chunks such as maplibre-gl split out).
      input: {
        main: fileURLToPath(new URL('./web/index.html', import.meta.url)),
        wall: fileURLToPath(new URL('./web/wall.html', import.meta.url)),
        desk: fileURLToPath(new URL('./web/desk.html', import.meta.url)),
        m: fileURLToPath(new URL('./web/m.html', import.meta.url)),
      },
      // The web app reaches server code only through server/shared/ (api.ts re-exports the domains'
      // schemas), and those modules are pure: declaring server/ free of side effects lets the
      // bundler drop every re-exported module a page does not use, instead of keeping each for its
      // top-level zod calls (without it the shared map/wall chunk grew by 256 kB).
      treeshake: { moduleSideEffects: (id: string) => !id.replaceAll('\\', '/').includes('/server/') },
    },
  },
  server: {
    host: '127.0.0.1',
    proxy: {
      '/api': backend,
      '/tiles': backend,
      '/ogc': backend,
    },
  },
  preview: {
    host: '127.0.0.1',
    proxy: {
      '/api': backend,
      '/tiles': backend,
      '/ogc': backend,
    },
  },
  test: {
    root: projectRoot,
    // The server's one-off test preparation (web build, template database), when it exists.
    globalSetup: fs.existsSync(path.join(projectRoot, 'server/testing/global-setup.ts')) ? ['server/testing/global-setup.ts'] : [],
    exclude: TEST_EXCLUDE,
    environment: 'node',
    // The server tests start worker threads with WASM (PGlite): separate processes are safer.
    pool: 'forks',
    // One process runs a project's files one after another and loads the modules once: a fresh
    // process per file cost the unit files 55 s instead of 20, and the db files a lane about 2 min.
    // Each db file still gets its own database; what modules keep per process (metrics) is
    // compared as deltas, and no test mocks modules or changes the environment.
    isolate: false,
    testTimeout: 120_000,
    hookTimeout: 300_000,
    // Three kinds of test file, run apart in CI (.ci/run): `vitest run` runs them all, and
    // `--project unit|db|browser` one kind. A file that opens a database is named *.db.test.ts.
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['server/**/*.test.ts', 'web/**/*.test.ts', 'scripts/**/*.test.ts'],
          exclude: ['**/*.db.test.ts', '**/*.browser.test.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'db',
          include: ['server/**/*.db.test.ts', 'web/**/*.db.test.ts', 'scripts/**/*.db.test.ts'],
          // Files a CI lane leaves to another (.ci/run), comma-separated: vitest's --exclude does
          // not reach a project's own file list.
          exclude: [...TEST_EXCLUDE, ...(process.env.TEST_DB_EXCLUDE ?? '').split(',').filter(Boolean)],
        },
      },
      { extends: true, test: { name: 'browser', include: ['web/**/*.browser.test.ts'] } },
    ],
  },
})
