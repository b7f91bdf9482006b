/** What every desk page is given: who is working, and how to move, speak and fetch. */
import type { MeResponse } from '../../../server/shared/api.ts'
import type { DeskRoute } from './routes.ts'

export type Permission = MeResponse['permissions'][number]

export interface DeskContext {
  me: MeResponse
  /** Whether the caller's role has this permission (the server checks again). */
  can(permission: Permission): boolean
  /** Goes to a desk address (adds a history entry unless `replace`). */
  navigate(path: string, opts?: { replace?: boolean }): void
  /** A short message at the corner: `ok` fades by itself, `error` stays until closed. */
  toast: (text: string, kind?: 'ok' | 'error') => void
  /** Today in Shanghai (YYYY-MM-DD). */
  today: string
  /** Listens to an event of the live stream (`task.assigned`, `task`, `warning`…); answers how to stop. */
  onLive(type: string, fn: (data: unknown) => void): () => void
}

/** A mounted page. `update` takes a new address on the same page (keeping the list as it is). */
export interface DeskView {
  update?(route: DeskRoute): void
  destroy(): void
}

export type PageMount = (root: HTMLElement, route: DeskRoute, ctx: DeskContext) => DeskView | Promise<DeskView>
