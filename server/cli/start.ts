/** `npm start`: builds the web app if needed, opens and migrates the database, seeds it on first start, serves. */
import { loadConfig } from '../config.ts'
import { listen } from '../server.ts'
import { ensureWebBuilt } from '../web/static.ts'
import { log, onShutdown, openConfiguredDb, seedIfEmpty } from './boot.ts'

const started = Date.now()
const config = loadConfig()
await ensureWebBuilt(log)
const db = await openConfiguredDb(config)
await seedIfEmpty(db, config)
const server = await listen(db, config)
log(`\n平安一张图 Ping'an OneMap is ready in ${((Date.now() - started) / 1000).toFixed(1)} s: ${server.url}\n`)

onShutdown(async () => {
  await server.close()
  await db.close()
})
