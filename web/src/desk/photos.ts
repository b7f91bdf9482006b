/** Photos and files on desk records: the input that picks them, and the gallery that shows them. */
import { input } from './form.ts'

export type { PhotoLink } from '../ui/gallery.ts'

/** The photo input of a form: images (JPEG, PNG, WebP, HEIC) and PDFs, several at once. */
export function photoInput(): HTMLInputElement {
  const i = input('file', '', { accept: 'image/jpeg,image/png,image/webp,image/heic,image/heif,.heic,application/pdf' })
  i.multiple = true
  return i
}

export { gallery } from '../ui/gallery.ts'
