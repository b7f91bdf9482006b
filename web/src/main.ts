import 'maplibre-gl/dist/maplibre-gl.css'
import './styles.css'
import './map/worker.ts'
import type { Map as MapLibreMap } from 'maplibre-gl'
import { onLangChange, t } from './i18n/i18n.ts'
import { createOneMap, type OneMap } from './map/onemap.ts'
import { mountHeader } from './ui/header.ts'
import { mountAreaPanel } from './ui/panel.ts'
import { mountStatus } from './ui/status.ts'

declare global {
  interface Window {
    /** For tests and debugging: the map, and a promise that resolves once the boundaries are drawn. */
    __onemap?: { map: MapLibreMap; ready: Promise<void> }
  }
}

const status = mountStatus(document.getElementById('status')!)
const header = mountHeader()
let onemap: OneMap | undefined
const panel = mountAreaPanel(document.getElementById('area-panel')!, () => onemap?.clearSelection())

let state: { kind: 'loading' } | { kind: 'ready' } | { kind: 'failed'; key: 'app.loadFailed' | 'app.noWebgl'; detail?: string } =
  { kind: 'loading' }
const renderStatus = () => {
  if (state.kind === 'loading') status.loading(t('app.loading'))
  else if (state.kind === 'failed') status.error(t(state.key), state.detail)
  else status.clear()
}
onLangChange(renderStatus)

const message = (err: unknown) => (err instanceof Error ? err.message : String(err))

try {
  const created = createOneMap(document.getElementById('map')!, {
    onSelect: (area) => (area ? panel.show(area) : panel.hide()),
    onConfig: (config) => {
      header.setDistrict(config.district.code, config.district.name)
      if (config.basemapTileUrl) header.enableBasemapToggle((on) => created.setBasemapVisible(on))
    },
  })
  onemap = created
  window.__onemap = { map: created.map, ready: created.ready }
  created.ready.then(
    () => {
      state = { kind: 'ready' }
      renderStatus()
    },
    (err: unknown) => {
      state = { kind: 'failed', key: 'app.loadFailed', detail: message(err) }
      renderStatus()
      console.error('OneMap failed to load', err)
    },
  )
} catch (err) {
  // The Map constructor throws when the browser cannot create a WebGL context.
  state = { kind: 'failed', key: 'app.noWebgl' }
  renderStatus()
  console.error(err)
}
