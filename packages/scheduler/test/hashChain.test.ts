import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { nextAssignment } from '../src/assignment.js'
import { nextHashChain, verifyHashChain } from '../src/hashChain.js'
import { id } from '../src/id.js'

const procId = id({ type: 'Process' }, 'none')

function chain(n: number) {
  const out = [nextAssignment(undefined, procId, { type: 'Process' }, 0)]
  for (let i = 1; i < n; i++) out.push(nextAssignment(out[i - 1], procId, { data: String(i) }, i))
  return out
}

describe('nextHashChain', () => {
  it('slot 0 hashes the body ID alone; later slots hash the decoded previous chain first', () => {
    const h0 = nextHashChain(undefined, 'A'.repeat(43))
    expect(h0).toBe(createHash('sha256').update('A'.repeat(43)).digest('base64url'))
    const h1 = nextHashChain(h0, 'B'.repeat(43))
    const expected = createHash('sha256').update(Buffer.from(h0, 'base64url')).update('B'.repeat(43)).digest('base64url')
    expect(h1).toBe(expected)
    expect(h1).toHaveLength(43)
  })
})

describe('verifyHashChain', () => {
  const links = chain(5)

  it('accepts a chain from slot 0, and a page after a known link', () => {
    expect(verifyHashChain(links)).toBe(true)
    expect(verifyHashChain(links.slice(3), links[2])).toBe(true)
    expect(verifyHashChain([])).toBe(true)
  })

  it.each([
    ['a swapped pair', () => [links[0], links[2], links[1], links[3]]],
    ['a gap', () => [links[0], links[1], links[3]]],
    ['a sequence not starting at 0', () => links.slice(1)],
    ['a replaced message', () => [links[0], { ...links[1]!, message: links[2]!.message }]],
    ['a forged chain', () => [links[0], { ...links[1]!, hashChain: links[2]!.hashChain }]],
  ])('rejects %s', (_name, make) => {
    expect(verifyHashChain(make() as typeof links)).toBe(false)
  })

  it('rejects a page that does not follow the given link', () => {
    expect(verifyHashChain(links.slice(3), links[1])).toBe(false)
  })
})
