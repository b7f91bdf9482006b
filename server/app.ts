import compression from 'compression'
import express from 'express'
import { areaRoutes } from './areas/routes.ts'
import type { Config } from './config.ts'
import type { Db } from './db/index.ts'
import { createGeocoder } from './geocode/geocoder.ts'
import { geocodeRoutes } from './geocode/routes.ts'
import { healthRoutes } from './health/routes.ts'
import { importRoutes } from './imports/routes.ts'
import { errorHandler, notFound } from './http/errors.ts'
import { reconcileRoutes } from './reconcile/routes.ts'
import { webRoutes } from './web/static.ts'

/** The Express application: API routes by domain, then the web app. */
export function createApp(db: Db, config: Config): express.Express {
  const app = express()
  app.disable('x-powered-by')
  // GeoJSON boundaries and the map bundle shrink 3-4× with gzip: it matters on wall-screen LANs.
  app.use(compression())
  app.use(express.json({ limit: '5mb' }))
  app.use(healthRoutes(db))
  app.use(areaRoutes(db, config))
  app.use(geocodeRoutes(db, createGeocoder(db)))
  app.use(importRoutes(db))
  app.use(reconcileRoutes(db))
  app.use(['/api', '/tiles', '/ogc'], notFound)
  app.use(webRoutes())
  app.use(errorHandler)
  return app
}
