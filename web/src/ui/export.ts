/** Export links: the chosen layer of the current view and filters, as GeoJSON or CSV. */
import { onLangChange, t } from '../i18n/i18n.ts'
import type { StringKey } from '../i18n/strings.ts'
import { type Bbox, EXPORT_LAYERS, type ExportLayer, exportUrl } from '../state/query.ts'
import type { Filters } from '../state/url.ts'
import { el } from './dom.ts'

export interface ExportLinks {
  update(filters: Filters, bbox: Bbox): void
}

/** Mounts the export control in `root`. */
export function mountExport(root: HTMLElement): ExportLinks {
  const wrap = el('div', 'export')
  const select = el('select', 'export__layer')
  select.id = 'export-layer'
  const geojson = el('a', 'export__link', 'GeoJSON')
  geojson.id = 'export-geojson'
  const csv = el('a', 'export__link', 'CSV')
  csv.id = 'export-csv'
  for (const a of [geojson, csv]) a.setAttribute('download', '')
  wrap.append(select, geojson, csv)
  root.append(wrap)

  let layer: ExportLayer = 'incidents'
  let last: { filters: Filters; bbox: Bbox } | null = null
  const renderLinks = () => {
    if (!last) return
    geojson.href = exportUrl(layer, 'geojson', last.filters, last.bbox)
    csv.href = exportUrl(layer, 'csv', last.filters, last.bbox)
  }
  const renderLabels = () => {
    wrap.title = t('export.title')
    select.title = t('export.layer')
    select.replaceChildren(...EXPORT_LAYERS.map((l) => new Option(t(`layer.${l}` as StringKey), l, false, l === layer)))
  }
  select.addEventListener('change', () => {
    layer = EXPORT_LAYERS.find((l) => l === select.value) ?? 'incidents'
    renderLinks()
  })
  onLangChange(renderLabels)
  return {
    update(filters, bbox) {
      last = { filters, bbox }
      renderLinks()
    },
  }
}
