import path from 'node:path'

import { z } from 'zod'

/** Empty environment variables count as unset. */
const optional = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (v === '' ? undefined : v), schema.optional())

export const SeedSizeSchema = z.enum(['small', 'medium', 'full'])
export type SeedSize = z.infer<typeof SeedSizeSchema>

/** What `npm start` seeds into an empty database: a demo size, boundaries only, or nothing. */
export const StartSeedSchema = z.enum(['small', 'medium', 'full', 'boundaries', 'none'])

/** Log levels of server/ops/logger.ts (pino's names); `silent` logs nothing. */
export const LogLevelSchema = z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'])
export type LogLevel = z.infer<typeof LogLevelSchema>

/** Server configuration, read from the environment. The single source of truth for settings. */
export const ConfigSchema = z.object({
  PORT: z.preprocess((v) => (v === '' ? undefined : v), z.coerce.number().int().min(0).max(65535).default(8080)),
  HOST: optional(z.string()).transform((v) => v ?? '127.0.0.1'),
  DATA_DIR: optional(z.string()).transform((v) => path.resolve(v ?? '.data')),
  DATABASE_URL: optional(z.string().regex(/^postgres(ql)?:\/\//, 'must start with postgres:// or postgresql://')),
  SEED: optional(StartSeedSchema).transform((v) => v ?? 'small'),
  /** An external raster tile URL template ({z}/{x}/{y}); off by default, no request leaves the machine. */
  BASEMAP_TILE_URL: optional(z.string().url()),
  /** JSON log lines on stdout at this level and above (server/ops/logger.ts); silent under the test runner unless set. */
  LOG_LEVEL: optional(LogLevelSchema).transform((v) => v ?? (process.env.VITEST ? 'silent' : 'info')),
  /** On SIGTERM/SIGINT: how long in-flight requests (and a running model) get before connections are cut. */
  SHUTDOWN_TIMEOUT_SECONDS: z.preprocess((v) => (v === '' ? undefined : v), z.coerce.number().min(0).max(600).default(20)),
  /** Where `npm run backup`/`restore` find pg_dump and pg_restore (default: `pg_config --bindir`, else PATH). */
  PG_BINDIR: optional(z.string()),
  /**
   * Warning models (server/models): run each definition on its schedule, and once at start-up.
   * Both default to on, except under the test runner (VITEST), where a test asks for them.
   */
  MODELS_SCHEDULER: optional(z.stringbool()).transform((v) => v ?? !process.env.VITEST),
  MODELS_RUN_ON_START: optional(z.stringbool()).transform((v) => v ?? !process.env.VITEST),
  /**
   * Render the tiles our pages open with at start-up (server/tiles/warmup.ts), so the first map
   * or wall screen after a restart does not wait on cold tiles. On by default, except under the
   * test runner, whose tests count cache misses.
   */
  TILE_WARMUP: optional(z.stringbool()).transform((v) => v ?? !process.env.VITEST),
  /** How often the model scheduler looks for due definitions. */
  MODELS_TICK_SECONDS: z.preprocess((v) => (v === '' ? undefined : v), z.coerce.number().int().min(1).max(3600).default(30)),
  /**
   * Unauthenticated requests act with this role (district-wide). Off by default: everyone logs in.
   * Only for a closed network where the machine itself is the access control, and for tests;
   * the server warns at start when it is set.
   */
  AUTH_ANONYMOUS_ROLE: optional(z.enum(['admin', 'command', 'analyst', 'wall'])),
  /** Mark session cookies `Secure` (serve over HTTPS, e.g. behind a TLS proxy). */
  COOKIE_SECURE: optional(z.stringbool()).transform((v) => v ?? false),
  /** Failed logins allowed per client address in 15 minutes before 429. */
  LOGIN_RATE_LIMIT: z.preprocess((v) => (v === '' ? undefined : v), z.coerce.number().int().min(1).max(10_000).default(10)),
  /** Geocoding requests allowed per caller per minute before 429. */
  GEOCODE_RATE_LIMIT: z.preprocess((v) => (v === '' ? undefined : v), z.coerce.number().int().min(1).max(1_000_000).default(6_000)),
  /**
   * Accept an API key as `?key=omk_…` on tile reads, for XYZ URL templates that cannot carry a
   * header. Off by default: a key in a URL ends up in proxy logs, shell history and shared QGIS
   * projects (docs/analysts.md). OneMap's own request log never writes queries.
   */
  TILE_URL_KEYS: optional(z.stringbool()).transform((v) => v ?? false),
  /** The largest photo or document `POST /api/attachments` takes, in MB (larger: 413). */
  ATTACHMENT_MAX_MB: z.preprocess((v) => (v === '' ? undefined : v), z.coerce.number().min(0.001).max(1024).default(20)),
  /** How long the answer to a write sent with an `Idempotency-Key` is kept for its retries, in hours. */
  IDEMPOTENCY_TTL_HOURS: z.preprocess((v) => (v === '' ? undefined : v), z.coerce.number().min(0.01).max(720).default(24)),
  /**
   * The key (32 bytes, base64) that seals residents' names, ID numbers and phones
   * (server/auth/sealed.ts). Unset: one is made on first use in DATA_DIR/pii.key. Several servers
   * on one database must share it; losing it loses the sealed fields (masked forms survive).
   */
  PII_KEY: optional(z.string().regex(/^[A-Za-z0-9+/]{43}=$/, 'must be 32 bytes in base64 (44 characters)')),
  /** Origins (comma-separated) allowed to call the API from other sites; none by default (CORS off). */
  CORS_ORIGINS: optional(z.string()).transform((v) =>
    v
      ? v
          .split(',')
          .map((o) => o.trim())
          .filter(Boolean)
      : [],
  ),
})
export type Config = z.infer<typeof ConfigSchema>

/**
 * Reads the configuration from an environment, failing with every problem named.
 * @example loadConfig({ PORT: '9000' }).PORT // 9000
 */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = ConfigSchema.safeParse(env)
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n')
    throw new Error(`Invalid configuration:\n${problems}`)
  }
  return parsed.data
}
