import { ensureWebBuilt } from '../web/static.ts'
import { ensureEmbeddedTemplate, TEST_KIND } from './db.ts'

/**
 * Runs once before the test files: builds the web app (so parallel files never build it at
 * once) and the PGlite template database that embedded test files copy.
 */
export default async function setup(): Promise<void> {
  await ensureWebBuilt()
  if (TEST_KIND === 'embedded') await ensureEmbeddedTemplate()
}
