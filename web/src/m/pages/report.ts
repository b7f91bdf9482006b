/**
 * Report a hazard (上报隐患): category, severity, what is wrong, photos, and where — the phone's
 * position, with the address found there by reverse geocoding (editable). Sent through the
 * offline queue, so a report made without a connection is sent once it returns, exactly once.
 */
import { type CategoriesResponse, HAZARD_CATEGORY_NAMES, HAZARD_SEVERITY_NAMES, type ReverseResult } from '../../../../server/shared/api.ts'
import { getLang } from '../../i18n/i18n.ts'
import { el } from '../../ui/dom.ts'
import { track } from '../../ui/idle.ts'
import { createMiniMap, type MiniMap } from '../../ui/minimap.ts'
import { getCached, type MPage } from '../app.ts'
import { currentPosition } from '../geo.ts'
import { downscaleImage } from '../offline/downscale.ts'
import { mt } from '../strings.ts'

/** A labelled control of the phone's forms. */
function labelled(text: string, control: HTMLElement): HTMLLabelElement {
  const l = el('label', 'm-field')
  l.append(el('span', '', text), control)
  return l
}

function choice(name: string, options: Readonly<Record<string, string>>, selected: string): HTMLSelectElement {
  const s = el('select')
  s.name = name
  for (const [value, text] of Object.entries(options))
    s.append(Object.assign(el('option', '', text), { value, selected: value === selected }))
  return s
}

/** The district's incident items (level 2) by code, named in the current language. */
async function eventCategories(): Promise<Record<string, string>> {
  const { data } = await getCached<CategoriesResponse>('/api/categories')
  const out: Record<string, string> = {}
  for (const c of data)
    for (const i of c.items) out[i.code] = `${getLang() === 'en' ? c.nameEn : c.nameZh} · ${getLang() === 'en' ? i.nameEn : i.nameZh}`
  return out
}

export const mount: MPage = async (root, params, app) => {
  // A hazard (隐患: something to put right) or an event (事件: something that happened).
  const kind: 'hazard' | 'event' = params.search.get('kind') === 'event' ? 'event' : 'hazard'
  const kinds = el('nav', 'm-kinds')
  for (const k of ['hazard', 'event'] as const) {
    const a = el('a', `m-kind${k === kind ? ' is-active' : ''}`, k === 'hazard' ? mt('kindHazard') : mt('kindEvent'))
    a.href = k === 'hazard' ? '/m/report' : '/m/report?kind=event'
    a.dataset.kind = k
    kinds.append(a)
  }
  root.append(kinds)
  const form = el('form', 'm-form')
  form.dataset.form = kind === 'hazard' ? 'report' : 'event'
  const category = kind === 'hazard' ? choice('category', HAZARD_CATEGORY_NAMES, 'fire') : choice('category', await eventCategories(), '')
  const severity = choice('severity', HAZARD_SEVERITY_NAMES, 'general')
  const description = el('textarea')
  description.name = 'description'
  description.rows = 4
  description.required = true
  const address = el('input')
  address.name = 'address'
  const where = el('p', 'm-note', mt('noPosition'))
  const photos = el('input')
  photos.type = 'file'
  photos.name = 'photos'
  photos.accept = 'image/*'
  photos.multiple = true
  photos.setAttribute('capture', 'environment')
  const gps = el('button', 'm-btn', mt('useGps'))
  gps.type = 'button'
  const send = el('button', 'm-btn m-btn--primary', mt('send'))
  send.type = 'submit'
  send.dataset.action = 'report'
  const pinButton = el('button', 'm-btn', mt('pin'))
  pinButton.type = 'button'
  pinButton.dataset.action = 'pin'
  const pinBox = el('div', 'm-map m-pin')
  pinBox.hidden = true
  form.append(
    el('h2', '', kind === 'hazard' ? mt('report') : mt('reportEvent')),
    labelled(mt('category'), category),
    ...(kind === 'hazard' ? [labelled(mt('severity'), severity)] : []),
    labelled(kind === 'hazard' ? mt('description') : mt('eventDescription'), description),
    // Events are incidents, which carry no photos.
    ...(kind === 'hazard' ? [labelled(mt('photos'), photos)] : []),
    gps,
    pinButton,
    pinBox,
    where,
    labelled(mt('address'), address),
    send,
  )
  root.append(form)

  let position: { lng: number; lat: number; accuracy?: number } | null = null
  const locate = async () => setPosition(await currentPosition(), false)
  // The place: the phone's GPS, or a pin the worker puts on the map (indoors, or reporting from afar).
  async function setPosition(p: { lng: number; lat: number; accuracy?: number } | null, pinned: boolean): Promise<void> {
    if (!p) {
      if (!position) where.textContent = mt('noPosition')
      return
    }
    position = p
    where.textContent = `${pinned ? mt('pinned') : mt('position')}: ${p.lng.toFixed(5)}, ${p.lat.toFixed(5)}${p.accuracy === undefined ? '' : ` (±${p.accuracy} m)`}`
    form.dataset.located = 'true'
    // A pin is where the worker says: no address is filled in, as a matched address would place the
    // report at the address's point instead. For the GPS, the address found there (offline the worker
    // types it, or leaves it); a newer place (a pin meanwhile) wins over a late answer.
    if (pinned) address.value = ''
    if (pinned || !app.online() || address.value) return
    const asked = p
    try {
      const res = await fetch(`/api/reverse?lng=${p.lng}&lat=${p.lat}`, { headers: { accept: 'application/json' } })
      if (!res.ok) return
      const r = (await res.json()) as ReverseResult
      if (r.address && r.address.distanceM <= 100 && !address.value && position === asked) address.value = r.address.address
    } catch {
      // No address: the point alone places the hazard.
    }
  }
  gps.addEventListener('click', () => void track(locate()))
  let pinMap: MiniMap | null = null
  pinButton.addEventListener('click', () => {
    if (pinMap) return
    pinBox.hidden = false
    const area = app.me.user.areaCodes[0]
    // The map opens on the worker's area (its box), with its grids outlined.
    const box = area
      ? getCached<{ bbox: [number, number, number, number] }>(`/api/areas/${encodeURIComponent(area)}`).then(
          (r) => r.data.bbox,
          () => null,
        )
      : Promise.resolve(null)
    void track(
      box
        .then((b) => createMiniMap(pinBox, b, area ? `/api/boundaries/grid.geojson?within=${encodeURIComponent(area)}` : undefined))
        .then((m) => {
          pinMap = m
          const mark = (lng: number, lat: number) =>
            m.setFeatures([{ id: 'pin', geometry: { type: 'Point', coordinates: [lng, lat] }, colour: '#b42318', selected: true }])
          if (position) mark(position.lng, position.lat)
          m.onClickPoint((lng, lat) => {
            mark(lng, lat)
            void track(setPosition({ lng, lat }, true))
          })
        }),
    )
  })
  void track(locate())

  form.addEventListener('submit', (e) => {
    e.preventDefault()
    const text = description.value.trim()
    if (!text) return app.toast(mt('needDescription'), 'error')
    if (kind === 'event' && !position) return app.toast(mt('needPosition'), 'error')
    send.disabled = true
    void track(
      (async () => {
        try {
          const shrunk = await Promise.all(
            [...(photos.files ?? [])].map(async (f) => ({
              name: f.name.replace(/\.\w+$/, '.jpg'),
              type: 'image/jpeg',
              blob: await downscaleImage(f),
            })),
          )
          const place = {
            ...(address.value.trim() ? { address: address.value.trim() } : {}),
            ...(position ? { lng: position.lng, lat: position.lat } : {}),
          }
          const path = kind === 'hazard' ? '/api/hazards' : '/api/incidents/reports'
          if (kind === 'event')
            await app.queue.enqueue({
              method: 'POST',
              path,
              body: { category: category.value, description: text, ...place },
              photos: [],
              label: `${mt('reportEvent')} · ${category.selectedOptions[0]?.textContent ?? ''}`,
            })
          else
            await app.queue.enqueue({
              method: 'POST',
              path: '/api/hazards',
              body: {
                source: 'grid_inspection',
                category: category.value,
                severity: severity.value,
                description: text,
                ...place,
              },
              photos: shrunk,
              label: `${mt('report')} · ${HAZARD_CATEGORY_NAMES[category.value as keyof typeof HAZARD_CATEGORY_NAMES]}`,
            })
          if (app.online()) await app.queue.flush()
          const left = (await app.queue.list()).some((a) => a.path === path)
          app.toast(left ? mt('willSend') : mt('reported'))
          form.reset()
          address.value = ''
          position = null
          where.textContent = mt('noPosition')
          pinMap?.setFeatures([])
        } catch (err) {
          app.toast(err instanceof Error ? err.message : String(err), 'error')
        } finally {
          send.disabled = false
        }
      })(),
    )
  })
}
