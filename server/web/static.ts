import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

import express, { Router } from 'express'

export const ROOT_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
export const WEB_SRC_DIR = path.join(ROOT_DIR, 'web')
export const WEB_DIST_DIR = path.join(ROOT_DIR, 'dist', 'web')

/** The newest modification time of any file below `dir` (0 if none). */
function newestMtime(dir: string): number {
  let newest = 0
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || entry.name.endsWith('.test.ts')) continue
    newest = Math.max(newest, fs.statSync(path.join(entry.parentPath, entry.name)).mtimeMs)
  }
  return newest
}

/** The build's own plugins (the phone app's manifest, icons and service worker). */
const VITE_PLUGINS_DIR = path.join(ROOT_DIR, 'scripts', 'vite')

/** True when dist/web is missing or older than the web sources, the Vite config or its plugins. */
export function webBuildIsStale(): boolean {
  const index = path.join(WEB_DIST_DIR, 'index.html')
  if (!fs.existsSync(index)) return true
  const built = fs.statSync(index).mtimeMs
  const config = path.join(ROOT_DIR, 'vite.config.ts')
  return (
    newestMtime(WEB_SRC_DIR) > built ||
    (fs.existsSync(VITE_PLUGINS_DIR) && newestMtime(VITE_PLUGINS_DIR) > built) ||
    (fs.existsSync(config) && fs.statSync(config).mtimeMs > built)
  )
}

/**
 * Files served with `Cache-Control: no-cache` (checked with the server on every use): the pages,
 * and the phone app's service worker and manifest, whose names stay the same from build to build.
 * @example revalidatedFile('/dist/web/m-sw.js') // true
 */
export function revalidatedFile(file: string): boolean {
  return file.endsWith('.html') || file.endsWith('.webmanifest') || path.basename(file) === 'm-sw.js'
}

/** Builds the web app with Vite if it is missing or stale (so `npm start` works on a fresh checkout). */
export async function ensureWebBuilt(log: (msg: string) => void = () => {}): Promise<void> {
  if (!webBuildIsStale()) return
  log('building the web app (vite build)…')
  const started = Date.now()
  const { build } = await import('vite')
  await build({ configFile: path.join(ROOT_DIR, 'vite.config.ts'), logLevel: 'warn' })
  log(`web app built in ${((Date.now() - started) / 1000).toFixed(1)} s`)
}

/** Serves the built web app; unknown non-API GETs get index.html so client routes (/wall…) work. */
export function webRoutes(): Router {
  const router = Router()
  router.use(
    express.static(WEB_DIST_DIR, {
      index: 'index.html',
      maxAge: '1h',
      setHeaders: (res, file) => {
        if (revalidatedFile(file)) res.setHeader('Cache-Control', 'no-cache')
      },
    }),
  )
  // The command-center wall is a page of its own (web/wall.html), at /wall and below.
  router.get(/^\/wall(\/.*)?$/, (_req, res, next) => {
    const wall = path.join(WEB_DIST_DIR, 'wall.html')
    if (!fs.existsSync(wall)) return next()
    res.setHeader('Cache-Control', 'no-cache')
    res.sendFile(wall)
  })
  // The work desk (web/desk.html) at /desk and below; the old addresses of its pages lead there.
  router.get(/^\/desk(\/.*)?$/, (_req, res, next) => {
    const desk = path.join(WEB_DIST_DIR, 'desk.html')
    if (!fs.existsSync(desk)) return next()
    res.setHeader('Cache-Control', 'no-cache')
    res.sendFile(desk)
  })
  // The grid worker's phone app (web/m.html) at /m and below; its service worker is /m-sw.js.
  router.get(/^\/m(\/.*)?$/, (_req, res, next) => {
    const phone = path.join(WEB_DIST_DIR, 'm.html')
    if (!fs.existsSync(phone)) return next()
    res.setHeader('Cache-Control', 'no-cache')
    res.sendFile(phone)
  })
  router.get(['/tasks', '/admin', '/users'], (req, res) => {
    res.redirect(302, req.path === '/tasks' ? '/desk/tasks' : '/desk/admin')
  })
  router.get(/^\/(?!api\/|tiles\/|ogc\/).*/, (_req, res, next) => {
    const index = path.join(WEB_DIST_DIR, 'index.html')
    if (!fs.existsSync(index)) return next()
    res.setHeader('Cache-Control', 'no-cache')
    res.sendFile(index)
  })
  return router
}
