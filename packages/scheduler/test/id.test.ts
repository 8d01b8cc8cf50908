import { beforeAll, describe, expect, it } from 'vitest'
import { commit, commitSync, commitUnsigned } from '../src/commit.js'
import { id, isProcessId } from '../src/id.js'
import { commitmentsOf, isSigned, type Message } from '../src/message.js'
import { createWallet, type Wallet } from '../src/wallet.js'

const toInt = (id43: string) => BigInt('0x' + Buffer.from(id43, 'base64url').toString('hex'))
const msg: Message = { action: 'Eval', data: '1 + 1', nested: { tags: ['a', 'b'] }, n: 7 }
let rsa: Wallet
let ed: Wallet

beforeAll(async () => {
  ;[rsa, ed] = await Promise.all([createWallet('rsa'), createWallet('ed25519')])
})

describe('id', () => {
  it('is 43 characters for every kind of message', async () => {
    const signed = await commit(msg, rsa)
    for (const m of [{}, msg, commitUnsigned(msg), signed]) {
      expect(isProcessId(id(m, 'none'))).toBe(true)
      expect(isProcessId(id(m, 'all'))).toBe(true)
    }
  })

  it("of an unsigned message: 'all' equals 'none', which is the HMAC commitment's ID", () => {
    const m = commitUnsigned(msg)
    expect(id(msg, 'all')).toBe(id(msg, 'none'))
    expect(Object.keys(commitmentsOf(m))).toEqual([id(msg, 'none')])
    expect(id(m, 'all')).toBe(id(msg, 'none'))
  })

  it("'none' ignores signatures, 'all' is the signed commitment's ID", () => {
    const signed = commitSync(msg, ed)
    const [signedId] = Object.entries(commitmentsOf(signed)).filter(([, c]) => isSigned(c))[0] ?? []
    expect(id(signed, 'none')).toBe(id(msg, 'none'))
    expect(id(signed, 'all')).toBe(signedId)
  })

  it("'all' of a doubly signed message is the sum of its signed commitment IDs mod 2^256", async () => {
    const twice = await commit(await commit(msg, rsa), ed)
    const signedIds = Object.entries(commitmentsOf(twice))
      .filter(([, c]) => isSigned(c))
      .map(([cid]) => cid)
    expect(signedIds).toHaveLength(2)
    const sum = signedIds.map(toInt).reduce((a, b) => a + b) % 2n ** 256n
    expect(toInt(id(twice, 'all'))).toBe(sum)
    const reversed = { ...twice, commitments: Object.fromEntries(Object.entries(commitmentsOf(twice)).reverse()) }
    expect(id(reversed, 'all')).toBe(id(twice, 'all'))
  })

  it('changes when a nested message changes', () => {
    expect(id({ ...msg, nested: { tags: ['a', 'c'] } }, 'none')).not.toBe(id(msg, 'none'))
  })

  it('of a parent depends on the nested message signatures (nested messages count by their id "all")', () => {
    const nestedSigned = commitSync({ tags: ['a', 'b'] }, ed)
    expect(id({ ...msg, nested: nestedSigned }, 'none')).not.toBe(id(msg, 'none'))
  })
})

describe('isProcessId', () => {
  it.each([
    ['A'.repeat(43), true],
    ['_'.repeat(42) + 'w', true],
    ['A'.repeat(42), false],
    ['A'.repeat(44), false],
    ['A'.repeat(42) + 'B', false], // non-canonical: spare bits set
    ['A'.repeat(42) + '+', false],
    [42, false],
  ])('%s -> %s', (s, ok) => {
    expect(isProcessId(s)).toBe(ok)
  })
})
