/**
 * Server settings for benchmarks: no warning-model runs and no tile warm-up in the background
 * (they would share the CPU and the database with what is being measured; bench:web turns the
 * warm-up back on, as it measures what a first page meets), and
 * anonymous district-wide access so the measured requests need no login (bench:load logs in),
 * and no per-request log lines.
 */
export const QUIET = {
  MODELS_SCHEDULER: 'false',
  MODELS_RUN_ON_START: 'false',
  AUTH_ANONYMOUS_ROLE: 'admin',
  LOG_LEVEL: 'warn',
  TILE_WARMUP: 'false',
} as const
