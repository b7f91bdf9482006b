import path from 'node:path'
import { z } from 'zod'

/** Empty environment variables count as unset. */
const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (v === '' ? undefined : v), schema.optional())

export const SeedSizeSchema = z.enum(['small', 'medium', 'full'])
export type SeedSize = z.infer<typeof SeedSizeSchema>

/** What `npm start` seeds into an empty database: a demo size, boundaries only, or nothing. */
export const StartSeedSchema = z.enum(['small', 'medium', 'full', 'boundaries', 'none'])

/** Server configuration, read from the environment. The single source of truth for settings. */
export const ConfigSchema = z.object({
  PORT: z.preprocess((v) => (v === '' ? undefined : v), z.coerce.number().int().min(0).max(65535).default(8080)),
  HOST: optional(z.string()).transform((v) => v ?? '127.0.0.1'),
  DATA_DIR: optional(z.string()).transform((v) => path.resolve(v ?? '.data')),
  DATABASE_URL: optional(z.string().regex(/^postgres(ql)?:\/\//, 'must start with postgres:// or postgresql://')),
  SEED: optional(StartSeedSchema).transform((v) => v ?? 'small'),
  /** An external raster tile URL template ({z}/{x}/{y}); off by default, no request leaves the machine. */
  BASEMAP_TILE_URL: optional(z.string().url()),
  LOG_LEVEL: optional(z.enum(['debug', 'info', 'warn', 'error'])).transform((v) => v ?? 'info'),
  /**
   * Warning models (server/models): run each definition on its schedule, and once at start-up.
   * Both default to on, except under the test runner (VITEST), where a test asks for them.
   */
  MODELS_SCHEDULER: optional(z.stringbool()).transform((v) => v ?? !process.env.VITEST),
  MODELS_RUN_ON_START: optional(z.stringbool()).transform((v) => v ?? !process.env.VITEST),
  /** How often the model scheduler looks for due definitions. */
  MODELS_TICK_SECONDS: z.preprocess((v) => (v === '' ? undefined : v), z.coerce.number().int().min(1).max(3600).default(30)),
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
