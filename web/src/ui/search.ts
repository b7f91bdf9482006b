/** The address search box on the geocoder: type an address, fly there, show the match level. */
import type { GeocodeResponse } from '../api/map-api.ts'
import { fetchGeocode } from '../api/map-api.ts'
import { onLangChange, t } from '../i18n/i18n.ts'
import type { StringKey } from '../i18n/strings.ts'
import { el } from './dom.ts'

type Result = GeocodeResponse['result']

/** How close to fly for a match level: finer matches closer. */
export function zoomForLevel(level: Result['level']): number {
  switch (level) {
    case 'room':
    case 'unit':
    case 'building':
    case 'door':
      return 17
    case 'compound':
      return 16
    case 'road':
      return 15
    case 'village':
      return 14
    case 'town':
      return 12
    default:
      return 10
  }
}

/** Mounts the search form in `root`; `onResult` gets a placed match (or null for none). */
export function mountSearch(root: HTMLElement, onResult: (r: Result | null) => void): void {
  const form = el('form', 'search')
  form.id = 'search-form'
  form.setAttribute('role', 'search')
  const input = el('input', 'search__input')
  input.type = 'search'
  input.id = 'search-input'
  input.autocomplete = 'off'
  const button = el('button', 'search__go')
  button.type = 'submit'
  const out = el('div', 'search__result')
  out.id = 'search-result'
  out.hidden = true
  form.append(input, button, out)
  root.append(form)

  let last: Result | null | undefined
  const renderResult = () => {
    if (last === undefined) return
    out.hidden = false
    if (!last) {
      out.textContent = t('search.none')
      out.dataset.level = 'none'
      return
    }
    out.dataset.level = last.level
    out.replaceChildren(
      el('span', 'search__level', `${t('search.level')}: ${t(`match.${last.level}` as StringKey)}`),
      el('span', 'search__address', last.address ?? ''),
    )
  }
  const renderLabels = () => {
    input.placeholder = t('search.placeholder')
    button.textContent = t('search.go')
    renderResult()
  }
  onLangChange(renderLabels)

  form.addEventListener('submit', (e) => {
    e.preventDefault()
    const q = input.value.trim()
    if (!q) return
    fetchGeocode(q).then(
      (res) => {
        const r = res.result
        last = r.level === 'none' || r.lng === null || r.lat === null ? null : r
        renderResult()
        onResult(last)
      },
      (err: unknown) => {
        last = null
        renderResult()
        console.warn('geocode', err)
      },
    )
  })
}
