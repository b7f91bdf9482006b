/**
 * Seeded pseudo-random numbers. Every generator in server/seed draws from an `Rng` made here, so
 * the demo data is a pure function of its string seed. sfc32 (fast, passes PractRand) seeded by
 * cyrb128 (a string hash); `deriveRng` gives independent streams per area/purpose so that the
 * output for one area does not depend on how many numbers were drawn for another.
 */

/** A seeded uniform source: each call returns a float in [0, 1). */
export type Rng = () => number

/**
 * Hashes a string to four 32-bit words (cyrb128).
 * @example hashSeed('demo') // [4 unsigned 32-bit integers]
 */
export function hashSeed(seed: string): [number, number, number, number] {
  let h1 = 1779033703
  let h2 = 3144134277
  let h3 = 1013904242
  let h4 = 2773480762
  for (let i = 0; i < seed.length; i++) {
    const k = seed.charCodeAt(i)
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

/**
 * Creates a seeded generator (sfc32) from a string.
 * @example const rng = createRng('demo'); rng() // 0.63… (always the same for 'demo')
 */
export function createRng(seed: string): Rng {
  let [a, b, c, d] = hashSeed(seed)
  const next: Rng = () => {
    a >>>= 0
    b >>>= 0
    c >>>= 0
    d >>>= 0
    let t = (a + b) | 0
    a = b ^ (b >>> 9)
    b = (c + (c << 3)) | 0
    c = (c << 21) | (c >>> 11)
    d = (d + 1) | 0
    t = (t + d) | 0
    c = (c + t) | 0
    return (t >>> 0) / 4294967296
  }
  // Discard the first outputs: sfc32 mixes poorly right after seeding.
  for (let i = 0; i < 15; i++) next()
  return next
}

/**
 * An independent stream for one purpose, e.g. one town: same seed and labels → same stream.
 * @example deriveRng('demo', 'town', '330109001')
 */
export function deriveRng(seed: string, ...labels: (string | number)[]): Rng {
  return createRng([seed, ...labels].join('\u001f'))
}

/**
 * A float in [min, max).
 * @example uniform(rng, 10, 20) // 14.2…
 */
export function uniform(rng: Rng, min: number, max: number): number {
  return min + (max - min) * rng()
}

/**
 * An integer in [min, max] (both inclusive).
 * @example randInt(rng, 1, 6) // a die roll
 */
export function randInt(rng: Rng, min: number, max: number): number {
  return min + Math.floor(rng() * (max - min + 1))
}

/**
 * True with probability p.
 * @example chance(rng, 0.25)
 */
export function chance(rng: Rng, p: number): boolean {
  return rng() < p
}

/**
 * One element, uniformly. Throws on an empty array (a generator bug, not a data condition).
 * @example pick(rng, ['a', 'b', 'c'])
 */
export function pick<T>(rng: Rng, items: readonly T[]): T {
  if (items.length === 0) throw new Error('pick: empty array')
  return items[Math.floor(rng() * items.length)] as T
}

/**
 * An index drawn with probability proportional to its weight (O(n); use `aliasSampler` in loops).
 * @example weightedIndex(rng, [1, 3]) // 1 three times as often as 0
 */
export function weightedIndex(rng: Rng, weights: readonly number[]): number {
  let total = 0
  for (const w of weights) total += w
  if (!(total > 0)) throw new Error('weightedIndex: weights must have a positive sum')
  let x = rng() * total
  for (let i = 0; i < weights.length; i++) {
    x -= weights[i] as number
    if (x < 0) return i
  }
  // Floating-point leftovers land on the last positive weight.
  for (let i = weights.length - 1; i >= 0; i--) if ((weights[i] as number) > 0) return i
  return weights.length - 1
}

/**
 * One element drawn with probability proportional to its weight.
 * @example weightedPick(rng, ['rare', 'common'], [1, 9])
 */
export function weightedPick<T>(rng: Rng, items: readonly T[], weights: readonly number[]): T {
  return items[weightedIndex(rng, weights)] as T
}

/**
 * Vose's alias method: O(n) set-up, then O(1) per weighted draw.
 * @example const draw = aliasSampler([1, 2, 7]); draw(rng) // 2 with probability 0.7
 */
export function aliasSampler(weights: ArrayLike<number>): (rng: Rng) => number {
  const n = weights.length
  if (n === 0) throw new Error('aliasSampler: no weights')
  let total = 0
  for (let i = 0; i < n; i++) total += weights[i] as number
  if (!(total > 0)) throw new Error('aliasSampler: weights must have a positive sum')
  const prob = new Float64Array(n)
  const alias = new Int32Array(n)
  const scaled = new Float64Array(n)
  const small: number[] = []
  const large: number[] = []
  for (let i = 0; i < n; i++) {
    scaled[i] = ((weights[i] as number) * n) / total
    ;((scaled[i] as number) < 1 ? small : large).push(i)
  }
  while (small.length > 0 && large.length > 0) {
    const s = small.pop() as number
    const l = large.pop() as number
    prob[s] = scaled[s] as number
    alias[s] = l
    scaled[l] = (scaled[l] as number) + (scaled[s] as number) - 1
    ;((scaled[l] as number) < 1 ? small : large).push(l)
  }
  for (const i of large) prob[i] = 1
  for (const i of small) prob[i] = 1
  return (rng: Rng) => {
    const x = rng() * n
    const i = Math.floor(x)
    return x - i < (prob[i] as number) ? i : (alias[i] as number)
  }
}

/**
 * A normal deviate (Box–Muller; one draw per call so the stream stays simple).
 * @example normal(rng, 0, 1)
 */
export function normal(rng: Rng, mean = 0, sd = 1): number {
  const u = 1 - rng() // (0, 1]: log stays finite
  const v = rng()
  return mean + sd * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v)
}

/**
 * A Poisson count: Knuth's product method for small λ, a rounded normal above 30 (good enough for
 * demo counts, and O(1)).
 * @example poisson(rng, 4.2) // 0, 1, 2, … with mean 4.2
 */
export function poisson(rng: Rng, lambda: number): number {
  if (!(lambda > 0)) return 0
  if (lambda > 30) return Math.max(0, Math.round(normal(rng, lambda, Math.sqrt(lambda))))
  const limit = Math.exp(-lambda)
  let k = 0
  let p = rng()
  while (p > limit) {
    k++
    p *= rng()
  }
  return k
}

/**
 * An exponential deviate with the given mean.
 * @example exponential(rng, 2) // mean 2
 */
export function exponential(rng: Rng, mean: number): number {
  return -mean * Math.log(1 - rng())
}

/**
 * A shuffled copy (Fisher–Yates); the input is not changed.
 * @example shuffle(rng, [1, 2, 3]) // e.g. [3, 1, 2]
 */
export function shuffle<T>(rng: Rng, items: readonly T[]): T[] {
  const out = items.slice()
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1))
    const t = out[i] as T
    out[i] = out[j] as T
    out[j] = t
  }
  return out
}

/**
 * Splits an integer total in proportion to weights (largest-remainder), each part ≥ `min`.
 * Deterministic (ties go to the lower index); the parts always sum to `total`.
 * @example apportion(10, [1, 1, 2]) // [3, 2, 5]
 */
export function apportion(total: number, weights: readonly number[], min = 0): number[] {
  const n = weights.length
  if (n === 0) return []
  const free = total - min * n
  if (free < 0) throw new Error(`apportion: total ${total} < ${n} × min ${min}`)
  let sum = 0
  for (const w of weights) sum += Math.max(0, w)
  const exact = weights.map((w) => (sum > 0 ? (Math.max(0, w) / sum) * free : free / n))
  const parts = exact.map((x) => Math.floor(x))
  let left = free - parts.reduce((a, b) => a + b, 0)
  const order = exact.map((x, i) => ({ i, r: x - Math.floor(x) })).sort((a, b) => b.r - a.r || a.i - b.i)
  for (let k = 0; left > 0; k = (k + 1) % n, left--) {
    const i = order[k]!.i
    parts[i] = parts[i]! + 1
  }
  return parts.map((p) => p + min)
}
