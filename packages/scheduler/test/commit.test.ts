import { beforeAll, describe, expect, it } from 'vitest'
import { commit, commitSync, commitUnsigned } from '../src/commit.js'
import { id } from '../src/id.js'
import { committedView, commitmentsOf, type Commitment, type Message } from '../src/message.js'
import { verify, verifyAsync } from '../src/verify.js'
import { createWallet, type Wallet } from '../src/wallet.js'

const msg: Message = { action: 'Transfer', quantity: '100', data: Buffer.from([1, 2, 3]), flag: true }
let rsa: Wallet
let ed: Wallet
let signed: Message

beforeAll(async () => {
  ;[rsa, ed] = await Promise.all([createWallet('rsa'), createWallet('ed25519')])
  signed = await commit(msg, rsa)
})

const bothVerifies = async (m: Message) => [verify(m), await verifyAsync(m)]

/** Rewrites the one signed commitment of `m`. */
function editSigned(m: Message, edit: (c: Commitment, cid: string) => [string, Commitment]): Message {
  const cs = Object.entries(commitmentsOf(m)).map(([cid, c]) => (c.signature === undefined ? [cid, c] : edit(c, cid)))
  return { ...m, commitments: Object.fromEntries(cs) }
}

describe('commit and verify', () => {
  it('a signed message verifies, RSA and Ed25519, alone or together', async () => {
    expect(await bothVerifies(signed)).toEqual([true, true])
    expect(await bothVerifies(commitSync(msg, ed))).toEqual([true, true])
    expect(await bothVerifies(commitSync(signed, ed))).toEqual([true, true])
  })

  it('records the covered keys, committer and keyid', () => {
    const c = Object.values(commitmentsOf(signed)).find((x) => x.signature !== undefined)
    expect(c).toMatchObject({
      'commitment-device': 'rsa-pss-sha256',
      committer: rsa.address,
      keyid: Buffer.from(rsa.publicKey).toString('base64url'),
      committed: ['action', 'data', 'flag', 'quantity'],
    })
  })

  it('changing a committed key breaks verification', async () => {
    expect(await bothVerifies({ ...signed, quantity: '1000' })).toEqual([false, false])
    expect(await bothVerifies({ ...commitUnsigned(msg), quantity: '1000' })).toEqual([false, false])
  })

  it('removing a committed key breaks verification', async () => {
    const { flag: _flag, ...rest } = signed
    expect(await bothVerifies(rest)).toEqual([false, false])
  })

  it('an uncommitted key keeps verification, and committedView drops it', async () => {
    const extended = { ...signed, extra: 'unsigned' }
    expect(await bothVerifies(extended)).toEqual([true, true])
    const view = committedView(extended)
    expect(view).not.toHaveProperty('extra')
    expect(view).toEqual(signed)
    expect(verify(view)).toBe(true)
    expect(id(view, 'all')).toBe(id(signed, 'all'))
  })

  it('committedView keeps an unsigned message whole', () => {
    const m = { ...commitUnsigned(msg), extra: 1 }
    expect(committedView(m)).toEqual(m)
    expect(committedView(msg)).toEqual(msg)
  })

  it.each<[string, (c: Commitment, cid: string) => [string, Commitment]]>([
    ['a signature from another key', (c, cid) => [cid, { ...c, keyid: Buffer.from(ed.publicKey).toString('base64url') }]],
    ['a wrong committer', (c, cid) => [cid, { ...c, committer: ed.address }]],
    ['a commitment ID that is not the hash of the signature', (c) => [id({ x: 1 }, 'none'), c]],
    ['a committed list naming a missing key', (c, cid) => [cid, { ...c, committed: [...c.committed, 'zzz'] }]],
    ['a committed list that lost a key', (c, cid) => [cid, { ...c, committed: c.committed.slice(1) }]],
    ['an unknown device', (c, cid) => [cid, { ...c, 'commitment-device': 'md5' as never }]],
    ['no signature', (c, cid) => [cid, { ...c, signature: 'AAAA' }]],
  ])('does not verify with %s', async (_name, edit) => {
    expect(await bothVerifies(editSigned(signed, edit))).toEqual([false, false])
  })

  it('does not verify malformed commitments, and does not throw', async () => {
    expect(await bothVerifies({ ...msg, commitments: 'x' })).toEqual([false, false])
    expect(await bothVerifies({ ...msg, commitments: { a: 1 } })).toEqual([false, false])
  })

  it('a message without commitments verifies vacuously', () => {
    expect(verify(msg)).toBe(true)
  })
})
