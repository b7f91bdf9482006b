import { ensureEmbeddedTemplate, TEST_KIND } from './db.ts'

/** Runs once before the test files: builds the PGlite template so files can copy it. */
export default async function setup(): Promise<void> {
  if (TEST_KIND === 'embedded') await ensureEmbeddedTemplate()
}
