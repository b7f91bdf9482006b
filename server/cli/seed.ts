/** `npm run seed -- --size small|medium|full [--only boundaries] [--seed S] [--end ISO]`. */
import { parseArgs } from 'node:util'

import { z } from 'zod'

import { loadConfig, SeedSizeSchema } from '../config.ts'
import { terminalProgress } from '../ops/progress.ts'
import { DEFAULT_SEED, fullViewNote, seedDemo } from '../seed/run.ts'
import { log, openConfiguredDb } from './boot.ts'

const ArgsSchema = z.object({
  size: SeedSizeSchema.default('small'),
  only: z.enum(['boundaries']).optional(),
  seed: z.string().min(1).default(DEFAULT_SEED),
  end: z.iso.datetime({ offset: true }).or(z.iso.date()).optional(),
})

const { values } = parseArgs({
  options: { size: { type: 'string' }, only: { type: 'string' }, seed: { type: 'string' }, end: { type: 'string' } },
  strict: true,
})
const parsed = ArgsSchema.safeParse(values)
if (!parsed.success) {
  log(`seed: ${parsed.error.issues.map((i) => `--${i.path.join('.')}: ${i.message}`).join('; ')}`)
  log('usage: npm run seed -- --size small|medium|full [--only boundaries] [--seed TEXT] [--end 2026-11-01T00:00:00+08:00]')
  process.exit(2)
}
const args = parsed.data
const db = await openConfiguredDb(loadConfig())
try {
  log(`seeding ${args.only ? 'boundaries only' : `the ${args.size} demo data set`} (seed "${args.seed}")…`)
  const meta = await seedDemo(db, {
    size: args.size,
    only: args.only ?? null,
    seed: args.seed,
    ...(args.end ? { end: new Date(args.end) } : {}),
    progress: terminalProgress(),
  })
  log(
    `done in ${meta.seconds} s: ${Object.entries(meta.counts)
      .map(([k, v]) => `${v} ${k}`)
      .join(', ')}`,
  )
  const note = fullViewNote(meta.counts)
  if (note) log(note)
} finally {
  await db.close()
}
