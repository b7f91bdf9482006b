/**
 * Photos from the phone's camera are 3–12 MB; on a slow connection and in the offline queue they
 * are sent as JPEGs of at most 1600 px on the long side (about 200–400 kB). The browser decodes and
 * encodes (createImageBitmap, OffscreenCanvas or a canvas): no library.
 */

/**
 * The size a `width`×`height` image is drawn at so that its longer side is at most `maxSide`
 * (never enlarged).
 * @example fitWithin(4000, 3000, 1600) // { width: 1600, height: 1200 }
 * @example fitWithin(800, 600, 1600) // { width: 800, height: 600 }
 */
export function fitWithin(width: number, height: number, maxSide: number): { width: number; height: number } {
  const scale = Math.min(1, maxSide / Math.max(width, height))
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) }
}

/**
 * A JPEG of the photo, at most `maxSide` px on its longer side, turned upright as its EXIF
 * orientation says (the server strips EXIF, so the pixels must already be upright). A file the
 * browser cannot decode (say a HEIC on a browser without HEIC support) is returned as it is: the
 * server converts HEIC itself.
 * @example const blob = await downscaleImage(input.files[0])
 */
export async function downscaleImage(file: File, maxSide = 1600, quality = 0.8): Promise<Blob> {
  let bitmap: ImageBitmap
  try {
    bitmap = await createImageBitmap(file, { imageOrientation: 'from-image' })
  } catch {
    return file
  }
  try {
    const { width, height } = fitWithin(bitmap.width, bitmap.height, maxSide)
    if (typeof OffscreenCanvas !== 'undefined') {
      const canvas = new OffscreenCanvas(width, height)
      const ctx = canvas.getContext('2d')
      if (ctx) {
        ctx.drawImage(bitmap, 0, 0, width, height)
        return await canvas.convertToBlob({ type: 'image/jpeg', quality })
      }
    }
    const canvas = document.createElement('canvas')
    canvas.width = width
    canvas.height = height
    const ctx = canvas.getContext('2d')
    if (!ctx) return file
    ctx.drawImage(bitmap, 0, 0, width, height)
    return await new Promise<Blob>((resolve) => canvas.toBlob((b) => resolve(b ?? file), 'image/jpeg', quality))
  } finally {
    bitmap.close()
  }
}
