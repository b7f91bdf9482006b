/** `npm start`: builds the web app if needed, opens and migrates the database, seeds it on first start, serves. */
import { ensureFirstAdmin } from '../auth/bootstrap.ts'
import { writeServerFile } from '../auth/local-token.ts'
import { loadConfig } from '../config.ts'
import { getLogger } from '../ops/logger.ts'
import { onStopSignal } from '../ops/shutdown.ts'
import { listen } from '../server.ts'
import { ensureWebBuilt } from '../web/static.ts'
import { log, openConfiguredDb, seedIfEmpty } from './boot.ts'

const started = Date.now()
const config = loadConfig()
const logger = getLogger(config.LOG_LEVEL)
await ensureWebBuilt(log)
const db = await openConfiguredDb(config)
await seedIfEmpty(db, config)
// Nothing ships with a default password: the first start makes an administrator and shows its
// generated password this once (on the console, never in the JSON logs on stdout).
const admin = await ensureFirstAdmin(db)
if (admin) {
  log(`\n首次启动：已创建管理员账户 ${admin.username}，密码（仅显示这一次，请立即保存）：${admin.password}`)
  log(`First start: created the administrator "${admin.username}" with password (shown only now, keep it safe): ${admin.password}\n`)
}
if (config.AUTH_ANONYMOUS_ROLE)
  log(`warning: AUTH_ANONYMOUS_ROLE=${config.AUTH_ANONYMOUS_ROLE}: requests without a login act with that role`)
if (config.TILE_URL_KEYS)
  log('warning: TILE_URL_KEYS=true: tile URLs take API keys as ?key= (they leak into proxy logs and shared projects; docs/analysts.md)')
const server = await listen(db, config)
// On an embedded database this process holds the data directory: tell the command line where to
// hand its imports (server/auth/local-token.ts).
const removeServerFile = db.kind === 'embedded' ? writeServerFile(config.DATA_DIR, server.url) : () => {}
process.on('exit', removeServerFile)
log(`\n平安一张图 Ping'an OneMap is ready in ${((Date.now() - started) / 1000).toFixed(1)} s: ${server.url}\n`)
logger.info({ url: server.url, database: db.kind, startupMs: Date.now() - started }, 'server ready')

// SIGTERM/SIGINT: requests finish (up to SHUTDOWN_TIMEOUT_SECONDS), then the database closes —
// for PGlite that flushes it, so the data directory opens cleanly next time.
onStopSignal(
  async (signal) => {
    log(`${signal}: finishing requests and closing the database…`)
    logger.info({ signal }, 'shutting down')
    removeServerFile()
    const drained = await server.close()
    logger.info(
      { forced: drained.forced, drainMs: drained.ms },
      drained.forced ? 'requests cut at the shutdown deadline' : 'requests finished',
    )
    await db.close()
    logger.info('database closed')
    log('stopped cleanly')
  },
  { hardTimeoutMs: config.SHUTDOWN_TIMEOUT_SECONDS * 1000 + 15_000, say: log },
)
