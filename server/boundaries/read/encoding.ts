/**
 * The text encoding of a shapefile's DBF: an option, the .cpg file, the header's language driver
 * id, or detection (not valid UTF-8: GBK). Decoding itself is the platform's TextDecoder (Node's
 * full ICU knows GBK, GB18030 and Big5).
 */
import { isUtf8 } from 'node:buffer'

/** Windows code pages (as .cpg files write them) to WHATWG encoding labels. */
const CODE_PAGES: Record<string, string> = {
  '936': 'gbk',
  '20936': 'gbk',
  '54936': 'gb18030',
  '65001': 'utf-8',
  '950': 'big5',
  '932': 'shift_jis',
  '949': 'euc-kr',
  '874': 'windows-874',
  '1250': 'windows-1250',
  '1251': 'windows-1251',
  '1252': 'windows-1252',
  '1253': 'windows-1253',
  '1254': 'windows-1254',
  '1255': 'windows-1255',
  '1256': 'windows-1256',
  '1257': 'windows-1257',
  '1258': 'windows-1258',
  '28591': 'iso-8859-1',
  '88591': 'iso-8859-1',
  '866': 'ibm866',
}

/**
 * The encoding a .cpg text or an option names, as the TextDecoder's canonical name; null when
 * not known.
 * @example encodingLabel('CP936') // 'gbk'
 * @example encodingLabel('ANSI 936') // 'gbk'
 * @example encodingLabel('65001') // 'utf-8'
 */
export function encodingLabel(text: string): string | null {
  const t = text
    .replace(/^\uFEFF/, '')
    .trim()
    .toLowerCase()
  if (!t) return null
  const number = /^(?:ansi\s*|cp\s*|windows-|ms|codepage\s*)?(\d+)$/.exec(t)?.[1]
  const label = number !== undefined ? (CODE_PAGES[number] ?? null) : t === 'utf8' ? 'utf-8' : t
  if (!label) return null
  try {
    return new TextDecoder(label).encoding
  } catch {
    return null
  }
}

/**
 * The encoding a DBF's language driver id (header byte 29) names, for the Asian code pages only;
 * null for 0 (none), 0x57 ("current ANSI", which is GBK on a Chinese Windows) and Western code
 * pages, which Chinese files often carry wrongly: those are detected.
 * @example ldidEncoding(0x4d) // 'gbk'
 */
export function ldidEncoding(id: number): string | null {
  switch (id) {
    case 0x4d:
    case 0x7a:
      return 'gbk' // 936, PRC GBK
    case 0x4f:
    case 0x78:
      return 'big5' // 950
    case 0x13:
    case 0x7b:
      return 'shift_jis' // 932
    case 0x4e:
    case 0x79:
      return 'euc-kr' // 949
    default:
      return null
  }
}

/**
 * The encoding of bytes that declare none: UTF-8 when they are valid UTF-8 (plain ASCII too),
 * else GBK.
 * @example detectEncoding([new Uint8Array([0xc3, 0xfb, 0xb3, 0xc6])]) // 'gbk'
 */
export function detectEncoding(parts: readonly Uint8Array[]): 'utf-8' | 'gbk' {
  return parts.every((p) => isUtf8(p)) ? 'utf-8' : 'gbk'
}

/**
 * Decodes bytes written with an encoding (latin1 stand-in names read from a zip included):
 * UTF-8 when valid, else GBK.
 * @example redecodeLatin1('\u00c3\u00fb\u00b3\u00c6') // '名称'
 */
export function redecodeLatin1(name: string): string {
  // eslint-disable-next-line no-control-regex -- the whole Latin-1 range, on purpose
  if (!/[\u0080-\u00ff]/.test(name) || /[^\u0000-\u00ff]/.test(name)) return name
  const bytes = Uint8Array.from(name, (c) => c.charCodeAt(0))
  return new TextDecoder(isUtf8(bytes) ? 'utf-8' : 'gbk').decode(bytes)
}
