import compression from 'compression'
import express from 'express'

import { addressRoutes } from './addresses/routes.ts'
import { areaRoutes } from './areas/routes.ts'
import { attachmentRoutes } from './attachments/routes.ts'
import { auditRoutes } from './audit/routes.ts'
import { authenticate, authorize } from './auth/middleware.ts'
import { authRoutes } from './auth/routes.ts'
import { categoryRoutes } from './categories/routes.ts'
import type { Config } from './config.ts'
import type { Db } from './db/index.ts'
import { deviceRoutes } from './devices/routes.ts'
import { disputeRoutes } from './disputes/routes.ts'
import { exportRoutes } from './export/routes.ts'
import { createGeocoder } from './geocode/geocoder.ts'
import { geocodeRoutes } from './geocode/routes.ts'
import { hazardRoutes } from './hazards/routes.ts'
import { healthRoutes } from './health/routes.ts'
import { errorHandler, notFound } from './http/errors.ts'
import { corsPolicy, geocodeRateLimit, securityHeaders } from './http/security.ts'
import { idempotency } from './idempotency/middleware.ts'
import { importRoutes } from './imports/routes.ts'
import { incidentIngestRoutes } from './incidents/routes-ingest.ts'
import { incidentQueryRoutes } from './incidents/routes-query.ts'
import { indicatorRoutes } from './indicators/routes.ts'
import { backtestRoutes } from './models/backtest-routes.ts'
import { modelRoutes } from './models/routes.ts'
import { createModelService } from './models/service.ts'
import { ogcRoutes } from './ogc/routes.ts'
import { openApiRoutes } from './openapi/routes.ts'
import { getLogger, requestLogging } from './ops/logger.ts'
import { httpMetrics, metricsRoutes } from './ops/metrics.ts'
import { organisationRoutes } from './organisations/routes.ts'
import { patrolRoutes } from './patrols/routes.ts'
import { peopleRoutes } from './people/routes.ts'
import { profileRoutes } from './profile/routes.ts'
import { reconcileRoutes } from './reconcile/routes.ts'
import { reportRoutes } from './reports/routes.ts'
import { statsRoutes } from './stats/routes.ts'
import { streamRoutes } from './stream/routes.ts'
import { taskRoutes } from './tasks/routes.ts'
import { tileRoutes } from './tiles/routes.ts'
import { warningRoutes } from './warnings/routes.ts'
import { webRoutes } from './web/static.ts'

export interface AppOptions {
  /** The clock warning models and warnings judge "now" by (a live run or a preview); tests fix it to their data's end. */
  now?: () => Date
}

/** The Express application: API routes by domain, then the web app. */
export function createApp(db: Db, config: Config, opts: AppOptions = {}): express.Express {
  const app = express()
  app.disable('x-powered-by')
  app.use(requestLogging(getLogger(config.LOG_LEVEL)), httpMetrics()) // first: every request gets an id, a JSON log line and metrics
  // GeoJSON boundaries and the map bundle shrink 3-4× with gzip: it matters on wall-screen LANs.
  // Not for Server-Sent Events: compression buffers, and a stream must reach the client at once.
  app.use(
    compression({
      filter: (req, res) => !String(res.getHeader('Content-Type') ?? '').startsWith('text/event-stream') && compression.filter(req, res),
    }),
  )
  app.use(securityHeaders(config), corsPolicy(config))
  app.use(express.json({ limit: '5mb' }))
  // Who is asking, then may they (server/auth/policy.ts): before every route below.
  app.use(authenticate(db, config), authorize())
  // Writes sent with an Idempotency-Key run once per key and caller; a retry gets the stored
  // answer (server/idempotency/). After the login check: a key belongs to its caller.
  app.use(
    '/api',
    idempotency(db, {
      ttlSeconds: config.IDEMPOTENCY_TTL_HOURS * 3600,
      maxRawBodyBytes: Math.round((config.ATTACHMENT_MAX_MB + 1) * 1024 ** 2),
    }),
  )
  // Tiles first after the login check: a map asks for dozens a second, and a cached one should
  // not walk past every other router. The tile cache's freshness listener ends with the server.
  const tiles = tileRoutes(db, { warmup: config.TILE_WARMUP })
  app.use(tiles.router)
  app.use(authRoutes(db, config))
  app.use(auditRoutes(db))
  app.use(['/api/geocode', '/api/reverse'], geocodeRateLimit(config))
  app.use(healthRoutes(db))
  app.use(metricsRoutes(db)) // GET /metrics (Prometheus text)
  app.use(openApiRoutes()) // GET /api/openapi.json, the viewer at /api/docs
  app.use(areaRoutes(db, config))
  app.use(profileRoutes(db))
  // One geocoder (one name dictionary in memory) for the geocoding API and incident ingest.
  const geocoder = createGeocoder(db)
  app.use(geocodeRoutes(db, geocoder))
  app.use(incidentIngestRoutes(db, geocoder))
  // After ingest: its literal /api/incidents/unplaced must win over /api/incidents/:id.
  app.use(incidentQueryRoutes(db))
  app.use(categoryRoutes(db))
  app.use(statsRoutes(db))
  app.use(importRoutes(db))
  const stream = streamRoutes(db)
  app.use(stream.router)
  // Open streams never end by themselves: the server ends them when it shuts down.
  app.locals.onClose = [() => stream.closeAll(), () => tiles.close()]
  app.use(reconcileRoutes(db))
  app.use(indicatorRoutes(db)) // /api/indicators, /api/rankings and the ranking config
  app.use(reportRoutes(db)) // the printable /reports/town pages
  // Warning models: scheduler and start-up run as configured (MODELS_*), stopped when the server closes.
  const models = createModelService(db, {
    scheduler: config.MODELS_SCHEDULER,
    runOnStart: config.MODELS_RUN_ON_START,
    tickMs: config.MODELS_TICK_SECONDS * 1000,
    ...(opts.now ? { now: opts.now } : {}),
  })
  models.start()
  // On close: no new runs; a running one finishes (within the shutdown deadline) before the database closes.
  ;(app.locals.onClose as (() => void | Promise<void>)[]).push(async () => {
    models.stop()
    await models.idle()
  })
  app.use(modelRoutes(db, models))
  app.use(backtestRoutes(db, opts.now)) // GET /api/models/{id}/backtest
  app.use(warningRoutes(db, opts.now ? { now: opts.now } : {}))
  app.use(hazardRoutes(db, geocoder))
  app.use(addressRoutes(db)) // GET /api/addresses/{id}/full-view
  app.use(peopleRoutes(db)) // houses and residents; before exportRoutes: its /api/export/residents.csv wins over /api/export/:file
  app.use(organisationRoutes(db, opts.now ? { now: opts.now } : {})) // organisations and their self-checks
  app.use(disputeRoutes(db)) // disputes and mediation
  app.use(patrolRoutes(db, opts.now ? { now: opts.now } : {})) // patrols (巡防) and grid coverage
  app.use(deviceRoutes(db, opts.now ? { now: opts.now } : {})) // IoT devices (物联感知) and their events
  app.use(taskRoutes(db))
  app.use(attachmentRoutes(db, config)) // photos and documents of hazards and tasks
  app.use(ogcRoutes(db))
  app.use(exportRoutes(db))
  app.use(['/api', '/tiles', '/ogc'], notFound)
  app.use(webRoutes())
  app.use(errorHandler)
  return app
}
