/**
 * My grid (我的网格): the grid's boundary on a light map with its open warnings, hazards and the
 * incidents of the last 7 days; tap one for what it is. MapLibre loads only when this tab opens.
 */
import type { Geometry } from 'geojson'

import type { HazardPage, IncidentPage, WarningPage } from '../../../../server/shared/api.ts'
import { el, formatTime } from '../../ui/dom.ts'
import { track } from '../../ui/idle.ts'
import { createMiniMap, type MiniFeature } from '../../ui/minimap.ts'
import { getCached, type MPage } from '../app.ts'
import { mt } from '../strings.ts'

const WARNING = { red: '#d7191c', orange: '#f28e2b', yellow: '#e6c229' } as const
const HAZARD = '#7b2cbf'
const INCIDENT = '#1f5fbf'

interface Item {
  id: string
  kind: 'warning' | 'hazard' | 'incident'
  title: string
  meta: string
  feature: MiniFeature
}

export const mount: MPage = async (root, _params, app) => {
  // A grid worker's grid (their first); others see their first area.
  const area = app.me.user.areaCodes[0] ?? null
  const counts = el('p', 'm-counts')
  const mapBox = el('div', 'm-map')
  const sheet = el('div', 'm-sheet')
  const list = el('ul', 'm-list')
  root.append(el('h2', '', mt('gridTitle')), counts, mapBox, sheet, list)
  if (!area) return void list.replaceChildren(el('li', 'm-empty', '—'))

  const q = encodeURIComponent(area)
  const weekAgo = new Date(Date.now() - 7 * 86_400_000).toISOString()
  const [warnings, hazards, incidents] = await track(
    Promise.all([
      getCached<WarningPage>(`/api/warnings?area=${q}&status=new,acknowledged,tasked&limit=200`).then(
        (r) => r.data.features,
        () => [],
      ),
      getCached<HazardPage>(`/api/hazards?area=${q}&status=reported,confirmed,rectifying&limit=200`).then(
        (r) => r.data.features,
        () => [],
      ),
      getCached<IncidentPage>(`/api/incidents?area=${q}&from=${encodeURIComponent(weekAgo)}&limit=500`).then(
        (r) => r.data.features,
        () => [],
      ),
    ]),
  )
  counts.textContent = [
    mt('warnings', { n: warnings.length }),
    mt('hazards', { n: hazards.length }),
    mt('incidents', { n: incidents.length }),
  ].join(' · ')
  const items: Item[] = [
    ...warnings.map((w) => ({
      id: `w${w.id}`,
      kind: 'warning' as const,
      title: w.properties.title,
      meta: `${w.properties.levelName} · ${w.properties.statusName}`,
      feature: { id: `w${w.id}`, geometry: w.geometry as Geometry, colour: WARNING[w.properties.level] },
    })),
    ...hazards.flatMap((h) =>
      h.geometry
        ? [
            {
              id: `h${h.id}`,
              kind: 'hazard' as const,
              title: h.properties.description,
              meta: `${h.properties.categoryName} · ${h.properties.statusName}`,
              feature: { id: `h${h.id}`, geometry: h.geometry as Geometry, colour: HAZARD },
            },
          ]
        : [],
    ),
    ...incidents.flatMap((i) =>
      i.geometry
        ? [
            {
              id: `i${i.id}`,
              kind: 'incident' as const,
              title: i.properties.categoryName,
              meta: `${formatTime(i.properties.reportedAt)} · ${i.properties.address ?? ''}`,
              feature: { id: `i${i.id}`, geometry: i.geometry as Geometry, colour: INCIDENT },
            },
          ]
        : [],
    ),
  ]
  const pick = (id: string) => {
    const it = items.find((x) => x.id === id)
    if (!it) return
    sheet.replaceChildren(el('strong', '', it.title), el('p', '', it.meta))
    sheet.dataset.kind = it.kind
    sheet.hidden = false
  }
  list.replaceChildren(
    ...items.map((it) => {
      const li = el('li', `m-item m-item--${it.kind}`)
      li.dataset.id = it.id
      li.append(el('span', 'm-item-title', it.title), el('span', 'm-item-meta', it.meta))
      li.addEventListener('click', () => pick(it.id))
      return li
    }),
  )
  sheet.hidden = true
  if (!app.online()) return
  const map = await track(createMiniMap(mapBox, null, `/api/boundaries/grid.geojson?within=${q}`))
  map.setFeatures(
    items.map((it) => it.feature),
    true,
  )
  map.onPick(pick)
  return () => map.destroy()
}
