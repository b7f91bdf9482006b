/**
 * Server settings for benchmarks: no warning-model runs in the background (the scheduler and
 * the start-up run would share the CPU and the database with what is being measured).
 */
export const QUIET = { MODELS_SCHEDULER: 'false', MODELS_RUN_ON_START: 'false' } as const
