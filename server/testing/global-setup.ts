import type { TestProject } from 'vitest/node'

import { ensureWebBuilt } from '../web/static.ts'
import { ensureTestTemplate } from './db.ts'

/**
 * Runs once per test project (vite.config.ts) before its files: builds the web app (so parallel
 * files never build it at once) and, for the projects that open databases, the migrated
 * template that test databases are copied from. Seeded templates are made by the first file
 * that asks for one (server/testing/db.ts).
 */
export default async function setup(project: TestProject): Promise<void> {
  await ensureWebBuilt()
  if (project.name !== 'unit') await ensureTestTemplate('none')
}
