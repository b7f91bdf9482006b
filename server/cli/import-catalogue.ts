/**
 * `npm run import -- categories FILE.csv [--replace]` and `npm run import -- roles FILE.json`:
 * a district's own category catalogue (server/categories/import-csv.ts) and the binding of the
 * roles indicators and models use to its codes (server/categories/import-roles.ts).
 */
import { parseArgs } from 'node:util'

import { type CategoryImportSummary, importCategories } from '../categories/import-csv.ts'
import { importRoleMapping, type RoleImportSummary } from '../categories/import-roles.ts'
import { CATEGORY_ROLES } from '../categories/roles.ts'
import { loadConfig } from '../config.ts'
import { log } from './boot.ts'
import { runOrHandOff } from './handoff.ts'

export const CATALOGUE_USAGE = [
  'usage: npm run import -- categories FILE.csv [--replace] [--report FILE] [--source NAME]',
  '  FILE.csv   UTF-8 with a header: code,name,parent_code (required); name_en. A level-1 category has an',
  '             empty parent_code, an item names a level-1 parent. Codes: letters, digits, - and _, ≤ 20.',
  "  --replace  remove the catalogue's codes the file leaves out, where no incident or model uses them",
  '       npm run import -- roles FILE.json',
  '  FILE.json  { "roles": { "<role>": ["<code>", …] } } (a level-1 code means all its items); roles left out',
  `             become unbound. Roles: ${CATEGORY_ROLES.join(', ')}`,
].join('\n')

const n = (x: number) => x.toLocaleString('en-US')

/** Prints what a catalogue import did. */
export function printCategorySummary(s: CategoryImportSummary, say: (line: string) => void = log): void {
  say(
    `done in ${s.seconds} s: read ${n(s.read)}, inserted ${n(s.inserted)}, updated ${n(s.updated)}, unchanged ${n(s.unchanged)}, rejected ${n(s.rejected)}, removed ${n(s.removed.length)}, kept ${n(s.kept.length)}`,
  )
  for (const w of s.warnings) say(`warning: ${w}`)
  for (const r of s.rejects.slice(0, 5)) say(`  line ${r.line}${r.id ? ` (${r.id})` : ''}: ${r.reason}`)
  if (s.rejected > 0 && s.reportPath) say(`  all ${n(s.rejected)} rejected lines: ${s.reportPath}`)
  say(`  import run #${s.runId}`)
}

/** Prints the roles as bound now. */
export function printRoleSummary(s: RoleImportSummary, say: (line: string) => void = log): void {
  say(s.changed.length === 0 ? 'the binding was already as the file says' : `rebound ${s.changed.length} roles: ${s.changed.join(', ')}`)
  for (const role of CATEGORY_ROLES) {
    const r = s.roles[role]
    say(`  ${role.padEnd(18)} ${r.configured ? `${r.codes.join(', ')} → ${r.items.length} items` : `not configured: ${r.reason}`}`)
  }
}

/**
 * Runs `categories …` or `roles …` (args after the kind); returns the exit code, or the problem
 * with the arguments as a string.
 * @example await importCatalogueCli('roles', ['data/xiaoshan/mapping.json']) // 0
 */
export async function importCatalogueCli(kind: 'categories' | 'roles', args: string[]): Promise<number | string> {
  let parsed: { values: { replace?: boolean; report?: string; source?: string }; positionals: string[] }
  try {
    parsed = parseArgs({
      args,
      options: kind === 'categories' ? { replace: { type: 'boolean' }, report: { type: 'string' }, source: { type: 'string' } } : {},
      allowPositionals: true,
      strict: true,
    })
  } catch (err) {
    return err instanceof Error ? err.message : String(err)
  }
  const [file, ...extra] = parsed.positionals
  if (!file) return kind === 'categories' ? 'give the CSV file to import' : 'give the mapping file (JSON)'
  if (extra.length > 0) return `unexpected arguments: ${extra.join(' ')}`
  // Here, or handed to the server that holds the embedded database (server/cli/handoff.ts).
  const config = loadConfig()
  if (kind === 'roles') {
    log(`binding roles from ${file}…`)
    printRoleSummary(
      await runOrHandOff(
        config,
        'roles',
        [file],
        {},
        () => null,
        (db) => importRoleMapping(db, file),
      ),
    )
    return 0
  }
  const { replace, report, source } = parsed.values
  const opts = { ...(replace ? { replace: true } : {}), ...(source ? { source } : {}) }
  log(`importing categories from ${file}${replace ? ' (replacing)' : ''}…`)
  const summary = await runOrHandOff(
    config,
    'categories',
    [file],
    opts,
    () => report ?? `${file}.rejects.csv`,
    (db) => importCategories(db, file, { ...opts, ...(report ? { reportPath: report } : {}) }),
  )
  printCategorySummary(summary)
  return 0
}
