/** What a click on the map does, decided from what lies under it (pure: no map needed). */

/** What lies under a click, most specific first (OneMap.hitsAt). */
export type Hit =
  | { kind: 'incident' | 'warning' | 'hazard' | 'task'; id: string }
  /** An address point, or a house, organisation or device there: the address's full view. */
  | { kind: 'address'; id: string }
  | { kind: 'cell'; id: string }
  | { kind: 'area'; level: 'town' | 'village' | 'grid'; code: string }

/** Opening something in the inspector, drilling to an area, or nothing. */
export type ClickAction =
  | { kind: 'select'; selection: { kind: 'incident' | 'warning' | 'hazard' | 'task' | 'cell' | 'address'; id: string } }
  | { kind: 'drill'; code: string }
  | { kind: 'none' }

/**
 * The action of a click. Anything drawn as a thing of its own — a point, a cluster, a warning
 * or hot-spot area, an H3 hexagon — opens in the inspector: a hexagon is what the user sees
 * and points at, so it opens the cell, not the village under it (the cell's inspector links to
 * its town, village and grid). Only where nothing of that kind is, the click drills down from
 * the drilled-down area `current` (null: the district): town → village → grid.
 * @example clickAction([{ kind: 'cell', id: '88…' }, { kind: 'area', level: 'village', code: '330109001001' }], null) // select the cell
 */
export function clickAction(hits: readonly Hit[], current: string | null): ClickAction {
  const thing = hits.find((h): h is Exclude<Hit, { kind: 'area' }> => h.kind !== 'area')
  if (thing) return { kind: 'select', selection: { kind: thing.kind, id: thing.id } }
  const areaHits = hits.filter((h): h is Extract<Hit, { kind: 'area' }> => h.kind === 'area')
  const byLevel = (level: 'town' | 'village' | 'grid') => areaHits.find((h) => h.level === level)?.code
  let target: string | undefined
  if (!current || current.length < 9) target = byLevel('town')
  else if (current.length === 9) target = byLevel('village')?.startsWith(current) ? byLevel('village') : byLevel('town')
  else if (current.length === 12) target = byLevel('grid')?.startsWith(current) ? byLevel('grid') : (byLevel('village') ?? byLevel('town'))
  else target = byLevel('grid') === current ? undefined : (byLevel('grid') ?? byLevel('town'))
  return target && target !== current ? { kind: 'drill', code: target } : { kind: 'none' }
}
