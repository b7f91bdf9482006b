/** The small status line over the map: loading, then gone, or an error that stays. */
export function mountStatus(root: HTMLElement) {
  return {
    loading(text: string) {
      root.textContent = text
      root.className = 'status status--loading'
      root.hidden = false
    },
    error(text: string, detail?: string) {
      root.textContent = detail ? `${text}: ${detail}` : text
      root.className = 'status status--error'
      root.hidden = false
    },
    clear() {
      root.hidden = true
      root.textContent = ''
    },
  }
}
