/**
 * What every route needs, in one table checked by one middleware before any handler runs, so a
 * new route is covered by default: reads need `read`, anything else `write`, unless a rule here
 * says more (or says public).
 */
import type { Permission } from './schema.ts'

/** `public`: no login; `user`: any logged-in caller; else the permission the caller's role needs. */
export type Requirement = 'public' | 'user' | Permission

interface Rule {
  methods: readonly string[] | '*'
  path: RegExp
  need: Requirement
}

const READ = ['GET', 'HEAD'] as const
const ANY = '*'

/** First match wins. */
const RULES: readonly Rule[] = [
  // Before login: the login page and API, health probes, metrics for the scraper, the page code.
  { methods: ['GET', 'HEAD'], path: /^\/login(\/|\.js)?$/, need: 'public' },
  { methods: ['POST'], path: /^\/api\/auth\/login$/, need: 'public' },
  { methods: READ, path: /^\/api\/health(\/|$)/, need: 'public' },
  { methods: READ, path: /^\/metrics$/, need: 'public' },
  { methods: READ, path: /^\/assets\//, need: 'public' },
  { methods: READ, path: /^\/favicon\.(ico|svg)$/, need: 'public' },
  // The phone app's shell (web/m.html, no data in it), service worker, manifest and icons: a browser
  // fetches the manifest and icons without cookies, and the service worker's updates must not
  // precache the login page in the shell's place when a session has ended. /m itself needs a login.
  { methods: READ, path: /^\/(m\.html|m\.webmanifest|m-sw\.js|m-icon-[\w-]+\.png|m-apple-touch-icon\.png)$/, need: 'public' },
  { methods: ANY, path: /^\/api\/auth\/(logout|me)$/, need: 'user' },
  // Administration.
  { methods: ANY, path: /^\/api\/users(\/|$)/, need: 'users' },
  { methods: ANY, path: /^\/api\/display-tokens(\/|$)/, need: 'users' },
  { methods: ANY, path: /^\/api\/audit(\/|$)/, need: 'audit' },
  { methods: ANY, path: /^\/api\/exports(\/|$)/, need: 'audit' }, // the export log
  // Exports leave the system: analysts, administrators, and town and grid staff for their own areas; each one recorded.
  { methods: ANY, path: /^\/api\/export\//, need: 'export' },
  // Ingest (machines with API keys, command staff) and import runs.
  // An event reported from the field (the phone): staff with `write`, inside their areas (the route checks).
  { methods: ['POST'], path: /^\/api\/incidents\/reports$/, need: 'write' },
  { methods: ['POST', 'PUT', 'PATCH', 'DELETE'], path: /^\/api\/incidents(\/|$)/, need: 'ingest' },
  { methods: ANY, path: /^\/api\/imports(\/|$)/, need: 'ingest' },
  // Models and ranking rules change what everyone is warned about.
  { methods: ['POST', 'PUT', 'PATCH', 'DELETE'], path: /^\/api\/models(\/|$)/, need: 'models' },
  { methods: ['POST', 'PUT', 'PATCH', 'DELETE'], path: /^\/api\/rankings\/config$/, need: 'models' },
  // Which catalogue codes the roles of indicators and models mean: district set-up, administrators.
  { methods: ['POST', 'PUT', 'PATCH', 'DELETE'], path: /^\/api\/category-roles$/, need: 'settings' },
  { methods: ANY, path: /^\/api\/reconcile(\/|$)/, need: 'reconcile' },
  // Who the district is: its profile.
  { methods: ['POST', 'PUT', 'PATCH', 'DELETE'], path: /^\/api\/profile$/, need: 'settings' },
  // Photos and documents: uploading is writing (linking them goes through the task and hazard writes); a download
  // needs read, and row-level security decides which (server/attachments/store.ts).
  { methods: ['POST'], path: /^\/api\/attachments$/, need: 'write' },
  // Batch geocoding is a read that happens to be a POST.
  { methods: ['POST'], path: /^\/api\/geocode\/batch$/, need: 'read' },
  // Everything else: reads need read, the rest write.
  { methods: READ, path: /^/, need: 'read' },
  { methods: ANY, path: /^/, need: 'write' },
]

/**
 * What a request needs.
 * @example requirementOf('GET', '/api/export/incidents.csv') // 'export'
 * @example requirementOf('POST', '/api/tasks') // 'write'
 */
export function requirementOf(method: string, path: string): Requirement {
  const m = method.toUpperCase()
  for (const r of RULES) {
    if ((r.methods === ANY || r.methods.includes(m)) && r.path.test(path)) return r.need
  }
  return 'write'
}
