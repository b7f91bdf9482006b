/**
 * In-process notice that incidents changed: the incidents domain announces its own writes, and
 * listeners (this server's tile caches) look for changes before serving the next tile instead of at
 * their next periodic look (~200 ms later). Writers in this process call `incidentsChanged()` after
 * committing (POST /api/incidents does); writers elsewhere are seen by the periodic look
 * (server/tiles/freshness.ts).
 */
import { EventEmitter } from 'node:events'

const emitter = new EventEmitter()
// One listener per tile service; tests start several servers in one process.
emitter.setMaxListeners(0)

/**
 * Tells every tile service in this process that incidents changed (call after the commit).
 * @example await ingestIncidents(db, geocoder, items); incidentsChanged()
 */
export function incidentsChanged(): void {
  emitter.emit('incidents')
}

/**
 * Subscribes to incidentsChanged(); returns the unsubscribe function.
 * @example const off = onIncidentsChanged(() => { dirty = true })
 */
export function onIncidentsChanged(fn: () => void): () => void {
  emitter.on('incidents', fn)
  return () => emitter.off('incidents', fn)
}
