/** Photos and files on a record, as thumbnails (the desk's records and the phone's tasks). */
import { el } from './dom.ts'

/** A photo or file of a record: where to open it, and a thumbnail when there is one. */
export interface PhotoLink {
  href: string
  thumb: string | null
  name: string
}

/** The photos as thumbnails (a file without one by its name), each opening the full file. */
export function gallery(photos: readonly PhotoLink[], className = 'desk-photos'): HTMLElement {
  const box = el('div', className)
  for (const ph of photos) {
    const a = el('a', 'desk-photo')
    a.href = ph.href
    a.target = '_blank'
    a.rel = 'noopener'
    if (ph.thumb) {
      const img = el('img')
      img.src = ph.thumb
      img.alt = ph.name
      img.loading = 'lazy'
      a.append(img)
    } else a.textContent = ph.name
    box.append(a)
  }
  return box
}
