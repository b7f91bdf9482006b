/** `npm run dev`: the API server plus Vite's dev server (hot reload) proxying /api to it. */
import path from 'node:path'

import { createServer } from 'vite'

import { loadConfig } from '../config.ts'
import { listen } from '../server.ts'
import { ROOT_DIR } from '../web/static.ts'
import { log, onShutdown, openConfiguredDb, seedIfEmpty } from './boot.ts'

const config = loadConfig()
const db = await openConfiguredDb(config)
await seedIfEmpty(db, config)
const api = await listen(db, config)
const vite = await createServer({ configFile: path.join(ROOT_DIR, 'vite.config.ts') })
await vite.listen()
log(`API on ${api.url}; open the web app at ${vite.resolvedUrls?.local[0] ?? 'http://localhost:5173'}`)
onShutdown(async () => {
  await vite.close()
  await api.close()
  await db.close()
})
