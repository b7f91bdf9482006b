/**
 * Report a hazard (上报隐患): category, severity, what is wrong, photos, and where — the phone's
 * position, with the address found there by reverse geocoding (editable). Sent through the
 * offline queue, so a report made without a connection is sent once it returns, exactly once.
 */
import { HAZARD_CATEGORY_NAMES, HAZARD_SEVERITY_NAMES, type ReverseResult } from '../../../../server/shared/api.ts'
import { el } from '../../ui/dom.ts'
import { track } from '../../ui/idle.ts'
import type { MPage } from '../app.ts'
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

export const mount: MPage = async (root, _params, app) => {
  const form = el('form', 'm-form')
  form.dataset.form = 'report'
  const category = choice('category', HAZARD_CATEGORY_NAMES, 'fire')
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
  form.append(
    el('h2', '', mt('report')),
    labelled(mt('category'), category),
    labelled(mt('severity'), severity),
    labelled(mt('description'), description),
    labelled(mt('photos'), photos),
    gps,
    where,
    labelled(mt('address'), address),
    send,
  )
  root.append(form)

  let position: { lng: number; lat: number; accuracy: number } | null = null
  const locate = async () => {
    position = await currentPosition()
    if (!position) return void (where.textContent = mt('noPosition'))
    where.textContent = `${mt('position')}: ${position.lng.toFixed(5)}, ${position.lat.toFixed(5)} (±${position.accuracy} m)`
    form.dataset.located = 'true'
    // The address there, when the server can be asked (offline the worker types it, or leaves it).
    if (!app.online() || address.value) return
    try {
      const res = await fetch(`/api/reverse?lng=${position.lng}&lat=${position.lat}`, { headers: { accept: 'application/json' } })
      if (!res.ok) return
      const r = (await res.json()) as ReverseResult
      if (r.address && r.address.distanceM <= 100 && !address.value) address.value = r.address.address
    } catch {
      // No address: the point alone places the hazard.
    }
  }
  gps.addEventListener('click', () => void track(locate()))
  void track(locate())

  form.addEventListener('submit', (e) => {
    e.preventDefault()
    const text = description.value.trim()
    if (!text) return app.toast(mt('needDescription'), 'error')
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
          await app.queue.enqueue({
            method: 'POST',
            path: '/api/hazards',
            body: {
              source: 'grid_inspection',
              category: category.value,
              severity: severity.value,
              description: text,
              ...(address.value.trim() ? { address: address.value.trim() } : {}),
              ...(position ? { lng: position.lng, lat: position.lat } : {}),
            },
            photos: shrunk,
            label: `${mt('report')} · ${HAZARD_CATEGORY_NAMES[category.value as keyof typeof HAZARD_CATEGORY_NAMES]}`,
          })
          if (app.online()) await app.queue.flush()
          const left = (await app.queue.list()).some((a) => a.path === '/api/hazards')
          app.toast(left ? mt('willSend') : mt('reported'))
          form.reset()
          address.value = ''
        } catch (err) {
          app.toast(err instanceof Error ? err.message : String(err), 'error')
        } finally {
          send.disabled = false
        }
      })(),
    )
  })
}
