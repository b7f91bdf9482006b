import type { AreaProperties } from '../api/types.ts'
import { formatNumber, onLangChange, t } from '../i18n/i18n.ts'
import type { StringKey } from '../i18n/strings.ts'

const LEVEL_KEYS: Record<string, StringKey> = {
  district: 'level.district',
  town: 'level.town',
  village: 'level.village',
  grid: 'level.grid',
  microgrid: 'level.microgrid',
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, className: string, text?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag)
  node.className = className
  if (text !== undefined) node.textContent = text
  return node
}

export interface AreaPanel {
  show(area: AreaProperties): void
  hide(): void
}

/** The small panel with the clicked area's name, code and population. */
export function mountAreaPanel(root: HTMLElement, onClose: () => void): AreaPanel {
  let area: AreaProperties | null = null

  const render = () => {
    root.replaceChildren()
    if (!area) {
      root.hidden = true
      return
    }
    const head = el('div', 'area-panel__head')
    const levelKey = LEVEL_KEYS[area.level]
    head.append(el('span', 'area-panel__level', levelKey ? t(levelKey) : area.level))
    const close = el('button', 'area-panel__close', '×')
    close.type = 'button'
    close.title = t('panel.close')
    close.setAttribute('aria-label', t('panel.close'))
    close.addEventListener('click', onClose)
    head.append(close)

    const name = el('h2', 'area-panel__name', area.name)
    name.lang = 'zh-CN'

    const facts = el('dl', 'area-panel__facts')
    const population =
      typeof area.population === 'number' ? formatNumber(area.population) : t('panel.populationUnknown')
    for (const [key, value] of [
      ['panel.code', area.code],
      ['panel.population', population],
    ] as const) {
      facts.append(el('dt', '', t(key)), el('dd', '', value))
    }
    root.append(head, name, facts)
    root.hidden = false
  }

  onLangChange(render)

  return {
    show(next) {
      area = next
      render()
    },
    hide() {
      area = null
      render()
    },
  }
}
