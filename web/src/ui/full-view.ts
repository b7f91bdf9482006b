/**
 * An address's full view in the inspector (`GET /api/addresses/{id}/full-view`): the address and
 * where it lies, the counts, then a section per kind of record — houses with their (masked)
 * residents, organisations, incidents, hazards, disputes, devices and tasks — each linking into
 * the desk where the desk has a page for it, incidents opening in the inspector itself.
 */
import type { FullView } from '../../../server/shared/full-view.ts'
import { getJson } from '../api/client.ts'
import { DESK_PAGES } from '../desk/routes.ts'
import { codeLabel } from '../i18n/codes.ts'
import { formatNumber, t, tf } from '../i18n/i18n.ts'
import type { StringKey } from '../i18n/strings.ts'
import { DEVICE_ALERT_COLOUR, GROUP_RENTAL_COLOUR } from '../map/colors.ts'
import { fullViewLabel } from '../map/fullview-labels.ts'
import type { Selection } from '../state/url.ts'
import { el, facts, formatTime, swatch } from './dom.ts'

/** What the full view asks of the inspector. */
export interface FullViewActions {
  onShape(geometry: GeoJSON.Geometry | null): void
  onSelect(selection: Selection): void
  onArea(code: string): void
}

/**
 * Reads an address's full view.
 * @example await fetchFullView('F_R3_2_501', signal)
 */
export async function fetchFullView(id: string, signal: AbortSignal): Promise<FullView> {
  return (await getJson(`/api/addresses/${encodeURIComponent(id)}/full-view`, signal)) as FullView
}

/**
 * The desk's address of a record, or null when the desk has no page for that kind (yet).
 * @example deskHref('hazards', 17) // '/desk/hazards/17'
 * @example deskHref('organisations', 3) // null: the desk has no organisations page
 */
export function deskHref(page: string, id: number | string): string | null {
  return (DESK_PAGES as readonly string[]).includes(page) ? `/desk/${page}/${encodeURIComponent(String(id))}` : null
}

/** A list item: its parts joined with ' · ', and a desk link when there is a page. */
function row(parts: readonly (string | Node)[], link?: string | null): HTMLLIElement {
  const li = el('li', 'fv-item')
  parts.forEach((p, i) => {
    if (i > 0) li.append(' · ')
    li.append(p)
  })
  if (link) {
    const a = el('a', 'desk-action fv-item__link', t('fv.openIn'))
    a.href = link
    li.append(' ', a)
  }
  return li
}

/** A chip: a coloured dot and words. */
function chip(colour: string, text: string): HTMLElement {
  const c = el('span', 'level-chip')
  c.append(swatch(colour, 'dot'), el('span', '', text))
  return c
}

/** A section: its title with the count, then the list (or "none"). */
function section(key: string, titleKey: StringKey, count: number, items: readonly HTMLElement[], note?: string): HTMLElement {
  const box = el('section', 'fv-section')
  box.dataset.section = key
  box.dataset.count = String(count)
  box.append(el('h3', 'panel-sub', `${t(titleKey)}（${formatNumber(count)}）`))
  if (note) box.append(el('p', 'muted', note))
  const list = el('ul', 'fv-list')
  if (items.length === 0) list.append(el('li', 'muted', t('fv.none')))
  else list.append(...items)
  box.append(list)
  return box
}

/**
 * The inspector's content for an address: fetched, drawn, the point outlined on the map.
 * @example root.replaceChildren(...(await addressView('F_R3_2_501', actions, signal)))
 */
export async function addressView(id: string, actions: FullViewActions, signal: AbortSignal): Promise<HTMLElement[]> {
  const v = await fetchFullView(id, signal)
  actions.onShape({ type: 'Point', coordinates: [v.address.lng, v.address.lat] })
  const a = v.address
  const trail = el('span', 'cell-location')
  const areas = [
    [a.townCode, a.townName],
    [a.villageCode, a.villageName],
    [a.gridCode, a.gridName],
  ].filter((x): x is [string, string] => x[0] !== null && x[1] !== null)
  areas.forEach(([code, name], i) => {
    if (i > 0) trail.append(el('span', 'crumbs__sep', ' › '))
    const b = el('button', 'crumbs__link', name)
    b.type = 'button'
    b.dataset.code = code
    b.addEventListener('click', () => actions.onArea(code))
    trail.append(b)
  })
  if (areas.length === 0) trail.append('—')

  const c = v.counts
  const counts = el('ul', 'fv-counts')
  counts.id = 'fv-counts'
  for (const [key, n] of [
    ['fv.houses', c.houses],
    ['fv.residents', c.residents],
    ['fv.migrants', c.migrants],
    ['fv.organisations', c.organisations],
    ['fv.incidents', c.incidents],
    ['fv.hazards', c.hazards],
    ['fv.disputes', c.disputes],
    ['fv.devices', c.devices],
    ['fv.tasks', c.tasks],
  ] as const) {
    const li = el('li', 'fv-counts__item')
    li.dataset.count = key.slice(3)
    li.append(el('span', 'fv-counts__n', formatNumber(n)), el('span', 'fv-counts__label', t(key)))
    counts.append(li)
  }

  const houses = v.houses.map((h) => {
    const parts: (string | Node)[] = [h.room ?? h.houseId, fullViewLabel('houseUse', h.use)]
    if (h.groupRental) parts.push(chip(GROUP_RENTAL_COLOUR, t('fv.groupRental')))
    if (h.rooms !== null) parts.push(tf('fv.rooms', { n: h.rooms }))
    parts.push(tf('fv.houseCounts', { n: formatNumber(h.residents), m: formatNumber(h.migrants) }))
    if (h.owner) parts.push(`${t('fv.owner')} ${h.owner}`)
    // The desk's people page holds a house's residents (masked; revealed there, audited).
    const li = row(parts, deskHref('people', `house-${h.id}`))
    if (h.people.length > 0) {
      const people = el('ul', 'fv-people')
      for (const p of h.people) {
        const bits: (string | Node)[] = [p.name ?? '—', fullViewLabel('residence', p.residence)]
        if (p.residence === 'migrant' && !p.registered) bits.push(t('fv.unregistered'))
        if (p.keyPerson)
          bits.push(
            p.keyCategories.length > 0
              ? `${t('fv.keyPerson')}（${p.keyCategories.map((k) => fullViewLabel('keyCategory', k)).join('、')}）`
              : t('fv.keyPerson'),
          )
        if (p.movedIn) bits.push(tf('fv.movedIn', { d: p.movedIn }))
        const pli = row(bits)
        pli.classList.add('fv-person')
        people.append(pli)
      }
      li.append(people)
    }
    return li
  })

  const organisations = v.organisations.map((o) => {
    const parts: (string | Node)[] = [o.name, fullViewLabel('orgType', o.type)]
    if (o.riskCategories.length > 0) parts.push(o.riskCategories.map((r) => fullViewLabel('risk', r)).join('、'))
    if (o.status !== 'active') parts.push(fullViewLabel('orgStatus', o.status))
    if (o.responsible) parts.push(`${t('fv.responsible')} ${o.responsible}`)
    if (o.overdueDays !== null) parts.push(o.overdueDays > 0 ? tf('fv.overdueDays', { n: o.overdueDays }) : t('fv.onTime'))
    return row(parts, deskHref('organisations', o.id))
  })

  const incidents = v.incidents.recent.map((i) => {
    const b = el('button', 'stack-list__link')
    b.type = 'button'
    b.dataset.id = String(i.id)
    b.append(
      el('span', 'stack-list__time', formatTime(i.reportedAt)),
      el('span', 'stack-list__category', i.categoryName ?? i.category),
      el('span', 'stack-list__status', codeLabel('incidentStatus', i.status)),
    )
    b.addEventListener('click', () => actions.onSelect({ kind: 'incident', id: String(i.id) }))
    return row([b])
  })

  const hazards = v.hazards.map((h) =>
    row(
      [
        codeLabel('hazardCategory', h.category),
        codeLabel('severity', h.severity),
        codeLabel('hazardStatus', h.status) + (h.overdue ? ` · ${t('field.overdue')}` : ''),
      ],
      deskHref('hazards', h.id),
    ),
  )

  const disputes = v.disputes.map((d) =>
    row(
      [
        fullViewLabel('disputeType', d.type),
        fullViewLabel('disputeStatus', d.status),
        fullViewLabel('disputeLevel', d.level),
        formatTime(d.reportedAt).slice(0, 10),
        tf('fv.parties', { n: d.parties }),
      ],
      deskHref('disputes', d.id),
    ),
  )

  const devices = v.devices.map((d) => {
    const parts: (string | Node)[] = [fullViewLabel('deviceKind', d.kind)]
    if (d.alerting) parts.push(chip(DEVICE_ALERT_COLOUR, t('fv.alerting')))
    if (d.status !== 'active') parts.push(fullViewLabel('deviceStatus', d.status))
    if (d.lastEventAt && d.lastEventKind) parts.push(`${fullViewLabel('deviceEvent', d.lastEventKind)} ${formatTime(d.lastEventAt)}`)
    const li = row(parts, deskHref('devices', d.id))
    if (d.alerting) li.classList.add('fv-item--alert')
    return li
  })

  const tasks = v.tasks.map((task) =>
    row(
      [task.title, codeLabel('taskStatus', task.status) + (task.overdue ? ` · ${t('field.overdue')}` : ''), task.dueDate],
      deskHref('tasks', task.id),
    ),
  )

  return [
    el('h2', 'inspector__title', a.address),
    facts([
      [t('field.location'), trail],
      [t('field.id'), a.id],
    ]),
    counts,
    section('houses', 'fv.houses', c.houses, houses, c.residents > 0 ? t('fv.masked') : undefined),
    section('organisations', 'fv.organisations', c.organisations, organisations),
    section(
      'incidents',
      'fv.incidents',
      c.incidents,
      incidents,
      c.incidents > incidents.length
        ? tf('fv.incidentsMore', { n: formatNumber(c.incidents), m: formatNumber(incidents.length) })
        : undefined,
    ),
    section('hazards', 'fv.hazards', c.hazards, hazards),
    section('disputes', 'fv.disputes', c.disputes, disputes),
    section('devices', 'fv.devices', c.devices, devices),
    section('tasks', 'fv.tasks', c.tasks, tasks),
  ]
}
