/**
 * Security headers (helmet, with a CSP that fits the map: MapLibre's blob workers, WebGL, no
 * remote origins unless a basemap is configured), CORS (off unless origins are configured) and
 * the geocoding rate limit.
 */
import cors from 'cors'
import type { RequestHandler } from 'express'
import { ipKeyGenerator, rateLimit } from 'express-rate-limit'
import helmet from 'helmet'

import { authOf } from '../auth/context.ts'
import type { Config } from '../config.ts'

/**
 * Helmet's headers with our Content-Security-Policy.
 * @example app.use(securityHeaders(config))
 */
export function securityHeaders(config: Pick<Config, 'BASEMAP_TILE_URL' | 'COOKIE_SECURE'>): RequestHandler {
  const basemap = config.BASEMAP_TILE_URL ? [new URL(config.BASEMAP_TILE_URL.replace(/[{}]/g, '')).origin] : []
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        // The login page and reports carry their own small <style>; MapLibre sets style attributes.
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:', 'blob:', ...basemap],
        connectSrc: ["'self'", ...basemap],
        workerSrc: ["'self'", 'blob:'],
        childSrc: ["'self'", 'blob:'],
        fontSrc: ["'self'", 'data:'],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
    // HTTPS deployments only: over plain HTTP on a LAN the header would be ignored or misleading.
    strictTransportSecurity: config.COOKIE_SECURE ? { maxAge: 15_552_000 } : false,
    // Analysts' tools (QGIS, GDAL) and other pages may fetch tiles and features: not browsers' concern here.
    crossOriginResourcePolicy: { policy: 'same-site' },
  })
}

/**
 * CORS for the configured origins only; with none, no CORS headers at all (browsers on other
 * sites cannot read our answers).
 */
export function corsPolicy(config: Pick<Config, 'CORS_ORIGINS'>): RequestHandler {
  if (config.CORS_ORIGINS.length === 0) return (_req, _res, next) => next()
  return cors({
    origin: config.CORS_ORIGINS,
    credentials: false,
    allowedHeaders: ['authorization', 'content-type', 'x-api-key', 'x-request-id', 'idempotency-key'],
    // Scripts on those origins may read whether an answer was a stored one sent again.
    exposedHeaders: ['idempotent-replayed'],
    maxAge: 600,
  })
}

/**
 * Geocoding requests per caller (user, else address) per minute: the geocoder is the most
 * expensive public read, and a runaway script must not starve the command center.
 */
export function geocodeRateLimit(config: Pick<Config, 'GEOCODE_RATE_LIMIT'>): RequestHandler {
  return rateLimit({
    windowMs: 60_000,
    limit: config.GEOCODE_RATE_LIMIT,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    keyGenerator: (req) => {
      const auth = authOf(req)
      return auth && auth.method !== 'anonymous' ? `user:${auth.user.username}` : `ip:${ipKeyGenerator(req.ip ?? '')}`
    },
    message: { error: 'too many geocoding requests: slow down (limit per minute per caller)' },
  })
}
