/**
 * Remembers the line each key was first accepted on, to reject later duplicates within one file.
 * It holds every key of the file, so it is compact: the keys' characters in pages of typed
 * arrays (one byte per character for Latin-1 keys such as ordinary ids, two otherwise) and an
 * open-addressing hash table of entry numbers — about 35 bytes a key where a Map<string, number>
 * takes ~70 (3.48 M ids: ~120 MB instead of ~230 MB).
 */

const PAGE_BYTES = 1 << 22
const ENTRY_PAGE_BITS = 16
const ENTRY_PAGE = 1 << ENTRY_PAGE_BITS

/**
 * FNV-1a of a string's UTF-16 code units.
 * @example hashKey('A00000001') // a 32-bit unsigned integer
 */
export function hashKey(key: string): number {
  let h = 0x811c9dc5
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193)
  return h >>> 0
}

/** Per-entry columns, in pages of ENTRY_PAGE entries. */
interface EntryPage {
  /** Byte offset of the key in its key page and the key page's number. */
  offset: Uint32Array
  page: Uint16Array
  /** Key length in UTF-16 units; negative for a two-byte key. */
  length: Int16Array
  line: Int32Array
  hash: Uint32Array
}

export class FirstSeen {
  private keyPages: Uint8Array[] = [new Uint8Array(PAGE_BYTES)]
  private keyUsed = 0
  private entries: EntryPage[] = []
  private count = 0
  /** Entry number + 1 per slot (0: empty); the capacity is a power of two, at most half full. */
  private table = new Int32Array(1 << 16)

  /**
   * Records `key` at `line` if it is new and returns undefined; otherwise returns the first line.
   * @example const s = new FirstSeen(); s.claim('A1', 2) // undefined; s.claim('A1', 9) // 2
   */
  claim(key: string, line: number): number | undefined {
    const hash = hashKey(key)
    const mask = this.table.length - 1
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const e = this.table[slot]! - 1
      if (e < 0) {
        this.insert(slot, key, hash, line)
        return undefined
      }
      const p = this.entries[e >>> ENTRY_PAGE_BITS]!
      const k = e & (ENTRY_PAGE - 1)
      if (p.hash[k] === hash && this.equals(p, k, key)) return p.line[k]
    }
  }

  get size(): number {
    return this.count
  }

  private equals(p: EntryPage, k: number, key: string): boolean {
    const len = p.length[k]!
    const wide = len < 0
    if ((wide ? -len : len) !== key.length) return false
    const bytes = this.keyPages[p.page[k]!]!
    let o = p.offset[k]!
    for (let i = 0; i < key.length; i++) {
      const c = wide ? bytes[o]! | (bytes[o + 1]! << 8) : bytes[o]
      o += wide ? 2 : 1
      if (c !== key.charCodeAt(i)) return false
    }
    return true
  }

  private insert(slot: number, key: string, hash: number, line: number): void {
    if (key.length > 0x7fff) throw new RangeError(`key longer than ${0x7fff} characters`)
    let wide = false
    for (let i = 0; i < key.length && !wide; i++) wide = key.charCodeAt(i) > 0xff
    const need = wide ? key.length * 2 : key.length
    if (this.keyUsed + need > PAGE_BYTES) {
      this.keyPages.push(new Uint8Array(Math.max(PAGE_BYTES, need)))
      this.keyUsed = 0
    }
    const page = this.keyPages.length - 1
    const bytes = this.keyPages[page]!
    const offset = this.keyUsed
    for (let i = 0, o = offset; i < key.length; i++) {
      const c = key.charCodeAt(i)
      if (wide) {
        bytes[o++] = c & 0xff
        bytes[o++] = c >>> 8
      } else bytes[o++] = c
    }
    this.keyUsed += need
    const e = this.count++
    const k = e & (ENTRY_PAGE - 1)
    if (k === 0) {
      this.entries.push({
        offset: new Uint32Array(ENTRY_PAGE),
        page: new Uint16Array(ENTRY_PAGE),
        length: new Int16Array(ENTRY_PAGE),
        line: new Int32Array(ENTRY_PAGE),
        hash: new Uint32Array(ENTRY_PAGE),
      })
    }
    const p = this.entries[e >>> ENTRY_PAGE_BITS]!
    p.offset[k] = offset
    p.page[k] = page
    p.length[k] = wide ? -key.length : key.length
    p.line[k] = line
    p.hash[k] = hash
    this.table[slot] = e + 1
    if (this.count * 2 > this.table.length) this.grow()
  }

  /** Doubles the table and re-inserts every entry by its stored hash. */
  private grow(): void {
    const table = new Int32Array(this.table.length * 2)
    const mask = table.length - 1
    for (let e = 0; e < this.count; e++) {
      let slot = this.entries[e >>> ENTRY_PAGE_BITS]!.hash[e & (ENTRY_PAGE - 1)]! & mask
      while (table[slot] !== 0) slot = (slot + 1) & mask
      table[slot] = e + 1
    }
    this.table = table
  }
}
