/**
 * A small well-formedness check for the SVG we emit (tests, and anyone embedding a map in XML):
 * tags balanced and properly nested, attributes double-quoted without raw `<`, text free of raw
 * `<` and of `&` outside an entity. Not a general XML parser: no DOCTYPE, CDATA or processing instructions.
 */

const TAG = /^<(\/)?([A-Za-z][\w:.-]*)((?:\s+[\w:.-]+="[^"<]*")*)\s*(\/)?>$/
const ENTITY = /&(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);/g

/**
 * Throws an Error saying where the markup is not well-formed.
 * @example checkWellFormed('<svg><g/></svg>') // ok; checkWellFormed('<svg><g></svg>') throws
 */
export function checkWellFormed(xml: string): void {
  const stack: string[] = []
  let pos = 0
  for (const m of xml.matchAll(/<[^>]*>/g)) {
    checkText(xml.slice(pos, m.index), m.index)
    pos = m.index + m[0].length
    const tag = TAG.exec(m[0])
    if (!tag) throw new Error(`malformed tag at ${m.index}: ${m[0].slice(0, 80)}`)
    const [, closing, name, attrs, selfClosing] = tag
    const names = [...(attrs ?? '').matchAll(/([\w:.-]+)="/g)].map((a) => a[1])
    if (new Set(names).size !== names.length) throw new Error(`repeated attribute at ${m.index}: ${m[0].slice(0, 80)}`)
    for (const a of (attrs ?? '').matchAll(/="([^"]*)"/g)) checkText(a[1]!, m.index)
    if (closing) {
      const open = stack.pop()
      if (open !== name) throw new Error(`</${name}> at ${m.index} closes <${open ?? 'nothing'}>`)
    } else if (!selfClosing) {
      stack.push(name!)
    }
  }
  checkText(xml.slice(pos), pos)
  if (stack.length > 0) throw new Error(`unclosed <${stack.join('>, <')}>`)
}

/**
 * Text must not hold a raw `<` or a bare `&`.
 * @example checkText('a &amp; b', 0) // ok
 */
function checkText(text: string, at: number): void {
  if (text.includes('<')) throw new Error(`raw < in text near ${at}`)
  if (text.replace(ENTITY, '').includes('&')) throw new Error(`bare & in text near ${at}`)
}
