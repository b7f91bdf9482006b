/** Work the desk has started and not finished: what tests wait for before they look. */
const pending = new Set<Promise<unknown>>()

/**
 * Registers a promise as work under way; answers the same promise.
 * @example await track(fetchList())
 */
export function track<T>(p: Promise<T>): Promise<T> {
  pending.add(p)
  void p.then(
    () => pending.delete(p),
    () => pending.delete(p),
  )
  return p
}

/** Resolves once no tracked work is left (work started meanwhile is waited for too). */
export async function idle(): Promise<void> {
  while (pending.size > 0) await Promise.allSettled([...pending])
}
