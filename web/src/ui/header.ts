import { districtName, onLangChange, setLang, t } from '../i18n/i18n.ts'

function byId<T extends HTMLElement>(id: string): T {
  const el = document.getElementById(id)
  if (!el) throw new Error(`#${id} is missing from the page`)
  return el as T
}

export interface Header {
  /** Sets the district shown in the title (from `/api/config`). */
  setDistrict(code: string, zhName: string): void
  /** Shows the basemap switch (only when a basemap is configured). */
  enableBasemapToggle(onChange: (visible: boolean) => void): void
  /** Shows who is logged in, with a log-out button (a session with a CSRF token: not anonymous access). */
  showUser(name: string, csrfToken: string | null): void
}

/** Binds the title bar: the title, the language switch and the optional basemap switch. */
export function mountHeader(): Header {
  const title = byId<HTMLHeadingElement>('app-title')
  const langButton = byId<HTMLButtonElement>('lang-toggle')
  const basemapToggle = byId<HTMLLabelElement>('basemap-toggle')
  const basemapCheckbox = byId<HTMLInputElement>('basemap-checkbox')
  const basemapLabel = byId<HTMLSpanElement>('basemap-label')

  const userBox = byId<HTMLSpanElement>('user-box')
  const userName = byId<HTMLSpanElement>('user-name')
  const logout = byId<HTMLButtonElement>('logout')
  let district: { code: string; name: string } | null = null
  let currentLang = 'zh' as 'zh' | 'en'

  const render = () => {
    const text = district ? `${t('app.title')} · ${districtName(district.code, district.name)}` : t('app.title')
    title.textContent = text
    document.title = text
    langButton.textContent = t('lang.toggle')
    langButton.title = t('lang.toggleTitle')
    basemapLabel.textContent = t('basemap.toggle')
    logout.textContent = t('auth.logout')
    logout.title = t('auth.logoutTitle')
  }

  langButton.addEventListener('click', () => setLang(currentLang === 'zh' ? 'en' : 'zh'))
  onLangChange((lang) => {
    currentLang = lang
    document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en'
    render()
  })

  return {
    setDistrict(code, zhName) {
      district = { code, name: zhName }
      render()
    },
    enableBasemapToggle(onChange) {
      basemapToggle.hidden = false
      basemapCheckbox.addEventListener('change', () => onChange(basemapCheckbox.checked))
    },
    showUser(name, csrfToken) {
      userName.textContent = name
      userBox.hidden = false
      logout.hidden = csrfToken === null
      logout.addEventListener('click', () => {
        // The session cookie rides along; the CSRF token proves the page (not another site) asks.
        void fetch('/api/auth/logout', { method: 'POST', headers: { 'x-csrf-token': csrfToken ?? '' } }).finally(() =>
          location.assign('/login'),
        )
      })
    },
  }
}
