/**
 * The statistics of the warning models (issue 6): pure functions over plain arrays and maps, no
 * database or HTTP, so the model runner can call them on whatever it reads from the rollups.
 */
export * from './backtest.ts'
export * from './distributions.ts'
export * from './emerging.ts'
export * from './fdr.ts'
export * from './getis-ord.ts'
export * from './knox.ts'
export * from './mann-kendall.ts'
export * from './rates.ts'
