/**
 * A small seeded PRNG (sfc32 seeded by a cyrb128 hash of a string), so every output of this
 * folder is a pure function of its seed string. Not cryptographic; fast and well mixed.
 */

/**
 * Hashes a string into four 32-bit words (cyrb128), the seed state of sfc32.
 * @example hash128('x').length // 4
 */
export function hash128(text: string): [number, number, number, number] {
  let h1 = 1779033703
  let h2 = 3144134277
  let h3 = 1013904242
  let h4 = 2773480762
  for (let i = 0; i < text.length; i++) {
    const k = text.charCodeAt(i)
    h1 = h2 ^ Math.imul(h1 ^ k, 597399067)
    h2 = h3 ^ Math.imul(h2 ^ k, 2869860233)
    h3 = h4 ^ Math.imul(h3 ^ k, 951274213)
    h4 = h1 ^ Math.imul(h4 ^ k, 2716044179)
  }
  h1 = Math.imul(h3 ^ (h1 >>> 18), 597399067)
  h2 = Math.imul(h4 ^ (h2 >>> 22), 2869860233)
  h3 = Math.imul(h1 ^ (h3 >>> 17), 951274213)
  h4 = Math.imul(h2 ^ (h4 >>> 19), 2716044179)
  h1 ^= h2 ^ h3 ^ h4
  h2 ^= h1
  h3 ^= h1
  h4 ^= h1
  return [h1 >>> 0, h2 >>> 0, h3 >>> 0, h4 >>> 0]
}

/** A deterministic random stream. */
export class Rng {
  private a: number
  private b: number
  private c: number
  private d: number

  /**
   * Seeds the stream from a string.
   * @example new Rng('s').next() === new Rng('s').next() // true
   */
  constructor(readonly seed: string) {
    const [a, b, c, d] = hash128(seed)
    this.a = a
    this.b = b
    this.c = c
    this.d = d
    // The first outputs of sfc32 still show the seed's structure: discard them.
    for (let i = 0; i < 15; i++) this.u32()
  }

  /**
   * The next unsigned 32-bit integer.
   * @example new Rng('s').u32() < 2 ** 32 // true
   */
  u32(): number {
    let a = this.a
    let b = this.b
    let c = this.c
    let d = this.d
    let t = (a + b) | 0
    a = b ^ (b >>> 9)
    b = (c + (c << 3)) | 0
    c = (c << 21) | (c >>> 11)
    d = (d + 1) | 0
    t = (t + d) | 0
    c = (c + t) | 0
    this.a = a
    this.b = b
    this.c = c
    this.d = d
    return t >>> 0
  }

  /**
   * A float in [0, 1).
   * @example new Rng('s').next() < 1 // true
   */
  next(): number {
    return this.u32() / 4294967296
  }

  /**
   * An integer in [0, n).
   * @example new Rng('s').int(6) // 0..5
   */
  int(n: number): number {
    return Math.floor(this.next() * n)
  }

  /**
   * An integer in [lo, hi], both included.
   * @example new Rng('s').between(1, 3) // 1, 2 or 3
   */
  between(lo: number, hi: number): number {
    return lo + this.int(hi - lo + 1)
  }

  /**
   * A float in [lo, hi).
   * @example new Rng('s').range(2, 4) // 2 ≤ x < 4
   */
  range(lo: number, hi: number): number {
    return lo + this.next() * (hi - lo)
  }

  /**
   * True with probability p.
   * @example new Rng('s').chance(1) // true
   */
  chance(p: number): boolean {
    return this.next() < p
  }

  /**
   * One element of a non-empty array.
   * @example new Rng('s').pick(['a']) // 'a'
   */
  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from an empty list')
    return items[this.int(items.length)]!
  }

  /**
   * One element chosen by weight.
   * @example new Rng('s').weighted([['a', 1], ['b', 0]]) // 'a'
   */
  weighted<T>(items: readonly (readonly [T, number])[]): T {
    let total = 0
    for (const [, w] of items) total += w
    let x = this.next() * total
    for (const [item, w] of items) {
      x -= w
      if (x < 0) return item
    }
    return items[items.length - 1]![0]
  }

  /**
   * A standard normal deviate (Box–Muller).
   * @example Math.abs(new Rng('s').normal()) < 10 // true
   */
  normal(): number {
    const u = 1 - this.next()
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.next())
  }

  /**
   * Shuffles an array in place (Fisher–Yates) and returns it.
   * @example new Rng('s').shuffle([1, 2, 3]).length // 3
   */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(i + 1)
      const t = items[i]!
      items[i] = items[j]!
      items[j] = t
    }
    return items
  }

  /**
   * An independent stream derived from this one's seed and a label, so that adding draws in one
   * part of the generator does not shift every other part.
   * @example new Rng('s').fork('roads').seed // 's/roads'
   */
  fork(label: string): Rng {
    return new Rng(`${this.seed}/${label}`)
  }
}
