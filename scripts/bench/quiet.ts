/**
 * Server settings for benchmarks: no warning-model runs in the background (the scheduler and
 * the start-up run would share the CPU and the database with what is being measured), and
 * anonymous district-wide access so the measured requests need no login (bench:load logs in),
 * and no per-request log lines.
 */
export const QUIET = { MODELS_SCHEDULER: 'false', MODELS_RUN_ON_START: 'false', AUTH_ANONYMOUS_ROLE: 'admin', LOG_LEVEL: 'warn' } as const
