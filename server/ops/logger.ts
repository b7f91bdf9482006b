/**
 * Structured logs: one JSON line per event on stdout (pino), one line per finished request
 * (pino-http) carrying a request id that the client may choose (`x-request-id`) and that is sent
 * back, so a wall-screen complaint can be traced to the server's lines about it.
 */
import crypto from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'

import type { Request, RequestHandler } from 'express'
import { type DestinationStream, type Logger, pino } from 'pino'
import { pinoHttp } from 'pino-http'

import { type LogLevel, LogLevelSchema } from '../config.ts'
import { routeLabel } from './route.ts'

export type { Logger } from 'pino'

/** A client's request id is kept only if it is short and plain: it lands in logs verbatim. */
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/

/**
 * The request id to use: the client's `x-request-id` when valid, else a new UUID.
 * @example requestIdFrom('abc-123') // 'abc-123'
 * @example requestIdFrom('bad id\n') // a fresh UUID
 */
export function requestIdFrom(header: string | string[] | undefined): string {
  const v = Array.isArray(header) ? header[0] : header
  return v && REQUEST_ID.test(v) ? v : crypto.randomUUID()
}

/**
 * A JSON logger: ISO time, level by name, `msg`; errors under `err` with their stack.
 * @example createLogger('info').info({ rows: 3 }, 'imported')
 */
export function createLogger(level: LogLevel, destination?: DestinationStream): Logger {
  const options = {
    level,
    base: { pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label: string) => ({ level: label }) },
  }
  // Synchronous writes: an asynchronous stdout writer can lose or reorder the last lines when the
  // process exits right after them (shutdown), and a line per request is cheap at our rates.
  return pino(options, destination ?? pino.destination({ dest: 1, sync: true }))
}

const byLevel = new Map<LogLevel, Logger>()

/** LOG_LEVEL as server/config.ts reads it, for code that has no Config at hand. */
function envLogLevel(): LogLevel {
  const fallback = process.env.VITEST ? 'silent' : 'info'
  return LogLevelSchema.catch(fallback).parse(process.env.LOG_LEVEL || fallback)
}

/** The process's logger at a level, LOG_LEVEL by default (one per level: each opens a stdout writer). */
export function getLogger(level: LogLevel = envLogLevel()): Logger {
  let logger = byLevel.get(level)
  if (!logger) byLevel.set(level, (logger = createLogger(level)))
  return logger
}

/** The logger of a request (bound to its request id), or the process logger outside one. */
export function logFor(req: Request): Logger {
  return (req as Request & { log?: Logger }).log ?? getLogger()
}

const STARTED = Symbol('onemap.startedAt')
const BYTES_AT_START = Symbol('onemap.bytesAtStart')
/** A response with what the middleware noted when its request arrived. */
type NotedResponse = ServerResponse & { [STARTED]?: number; [BYTES_AT_START]?: number }

/** What the request line says, flat so that log tools can filter on it without unpacking. */
function requestFields(req: IncomingMessage, res: NotedResponse) {
  const r = req as Request
  return {
    method: req.method,
    route: routeLabel(r, res.statusCode),
    // The path without the query: queries carry addresses and names (geocoding, search).
    path: r.path ?? req.url?.split('?')[0],
    status: res.statusCode,
    durationMs: Math.round(performance.now() - (res[STARTED] ?? performance.now())),
    bytes: (req.socket?.bytesWritten ?? 0) - (res[BYTES_AT_START] ?? 0),
  }
}

/**
 * The request-logging middleware (mount first): sets `req.id`, answers `x-request-id`, gives
 * handlers `req.log` bound to the id, and writes one line when the response finishes or aborts
 * (info; 4xx warn; 5xx and aborted-with-error error). Bytes are what the socket sent for the
 * response, headers included (compressed size when gzip applies).
 * @example app.use(requestLogging(getLogger(config.LOG_LEVEL)))
 */
export function requestLogging(logger: Logger = getLogger()): RequestHandler {
  const middleware = pinoHttp({
    logger,
    quietReqLogger: true,
    quietResLogger: true,
    customAttributeKeys: { reqId: 'requestId' },
    genReqId: (req, res) => {
      const id = requestIdFrom(req.headers['x-request-id'])
      res.setHeader('x-request-id', id)
      const noted = res as NotedResponse
      noted[STARTED] = performance.now()
      // Keep-alive sockets carry several responses: count only this one's.
      noted[BYTES_AT_START] = req.socket?.bytesWritten ?? 0
      return id
    },
    customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info'),
    customSuccessMessage: (req, res) => (res.writableEnded ? 'request' : 'request aborted'),
    customSuccessObject: (req, res) => requestFields(req, res),
    customErrorMessage: (req, res) => (res.writableEnded ? 'request' : 'request aborted'),
    // pino-http makes up an error for any 5xx; the real one (with its stack) is errorHandler's line.
    customErrorObject: (req, res, err) => ({
      ...requestFields(req, res),
      ...(/^failed with status code \d+$/.test(err.message) ? {} : { err }),
    }),
  })
  return (req, res, next) => middleware(req, res, next)
}
