/** The layer switches, each with its legend. */
import { formatNumber, onLangChange, t } from '../i18n/i18n.ts'
import type { StringKey } from '../i18n/strings.ts'
import {
  COLORS,
} from '../map/style.ts'
import {
  countBreaks,
  countLegend,
  HAZARD_COLOURS,
  HAZARD_SEVERITIES,
  HEAT_RAMP,
  INCIDENT_COLOUR,
  type LegendStop,
  TASK_COLOURS,
  WARNING_COLOURS,
  WARNING_LEVELS,
} from '../map/legend.ts'
import { LAYER_IDS, type LayerId } from '../state/url.ts'
import { el, swatch } from './dom.ts'

export interface LayersPanel {
  setLayers(layers: readonly LayerId[]): void
  setH3Legend(stops: LegendStop[]): void
}

/** Renders the legend of one layer. */
function legend(id: LayerId, h3: LegendStop[]): HTMLElement {
  const box = el('div', 'legend')
  const item = (s: HTMLElement, text: string) => {
    const row = el('span', 'legend__item')
    row.append(s, el('span', '', text))
    box.append(row)
  }
  switch (id) {
    case 'grid':
      item(swatch(COLORS.villageLine, 'line'), t('legend.boundaries'))
      break
    case 'h3':
      h3.forEach((s, i) => {
        const next = h3[i + 1]
        item(swatch(s.colour), next ? (next.value - 1 > s.value ? `${formatNumber(s.value)}–${formatNumber(next.value - 1)}` : formatNumber(s.value)) : `≥ ${formatNumber(s.value)}`)
      })
      box.append(el('span', 'legend__note', t('legend.incidentsPerCell')))
      break
    case 'heat': {
      const bar = el('span', 'legend__ramp')
      bar.style.background = `linear-gradient(90deg, ${HEAT_RAMP.slice(1).map(([, c]) => c).join(', ')})`
      box.append(el('span', 'legend__note', t('legend.heatLow')), bar, el('span', 'legend__note', t('legend.heatHigh')))
      break
    }
    case 'incidents':
      item(swatch(INCIDENT_COLOUR, 'dot'), t('legend.cluster'))
      item(swatch(INCIDENT_COLOUR, 'dot'), t('legend.point'))
      break
    case 'hotspots':
    case 'warnings':
      for (const level of WARNING_LEVELS) item(swatch(WARNING_COLOURS[level], id === 'warnings' ? 'dot' : 'box'), t(`level.${level}` as StringKey))
      if (id === 'warnings') item(swatch(TASK_COLOURS.open, 'ring'), t('legend.tasked'))
      break
    case 'hazards':
      for (const s of HAZARD_SEVERITIES) item(swatch(HAZARD_COLOURS[s], 'dot'), t(`severity.${s}` as StringKey))
      item(swatch(TASK_COLOURS.overdue, 'ring'), t('legend.overdue'))
      break
    case 'tasks':
      item(swatch(TASK_COLOURS.open, 'dot'), t('legend.open'))
      item(swatch(TASK_COLOURS.overdue, 'dot'), t('legend.overdue'))
      item(swatch(TASK_COLOURS.submitted, 'ring'), t('legend.submitted'))
      break
  }
  return box
}

/** Mounts the layer panel in `root`; `onChange` gets the new layer list. */
export function mountLayersPanel(root: HTMLElement, initial: readonly LayerId[], onChange: (layers: LayerId[]) => void): LayersPanel {
  let layers = new Set(initial)
  let h3 = countLegend(countBreaks(50))

  const render = () => {
    root.replaceChildren(el('h2', 'panel-title', t('layers.title')))
    for (const id of LAYER_IDS) {
      const row = el('div', 'layer-row')
      row.dataset.layer = id
      const label = el('label', 'layer-row__label')
      const box = el('input')
      box.type = 'checkbox'
      box.checked = layers.has(id)
      box.name = `layer-${id}`
      box.addEventListener('change', () => {
        if (box.checked) layers.add(id)
        else layers.delete(id)
        onChange(LAYER_IDS.filter((l) => layers.has(l)))
        render()
      })
      label.append(box, el('span', '', t(`layer.${id}` as StringKey)))
      row.append(label)
      if (layers.has(id)) row.append(legend(id, h3))
      root.append(row)
    }
  }
  onLangChange(render)

  return {
    setLayers(next) {
      layers = new Set(next)
      render()
    },
    setH3Legend(stops) {
      h3 = stops
      render()
    },
  }
}
