import { generateKeyPairSync } from 'node:crypto'
import { beforeAll, describe, expect, it } from 'vitest'
import { nextAssignment } from '../src/assignment.js'
import { toRecord, unsignedAssignmentMessage, zeroBlock, type AssignmentMessage } from '../src/assignmentMessage.js'
import { assignmentBytes, signedAssignment } from '../src/assignmentSigning.js'
import { fastAssignmentBytes } from '../src/assignmentBytes.js'
import { commitWith } from '../src/commit.js'
import { canonicalBytes, hmacOfBytes, signatureId } from '../src/id.js'
import { signBatched, signEd25519WithEncodings, signingThread } from '../src/signWorker.js'
import { verify } from '../src/verify.js'
import { createWallet, sign, verifySignature, type Wallet } from '../src/wallet.js'

let ed: Wallet
let ed2: Wallet
beforeAll(async () => {
  ;[ed, ed2] = await Promise.all([createWallet('ed25519'), createWallet('ed25519')])
})

const procId = 'p'.repeat(42) + 'A'

describe('signBatched (the worker signer)', () => {
  it('signs many byte strings of one turn, for several keys, each verifying, in order', async () => {
    const inputs = Array.from({ length: 150 }, (_, i) => Buffer.from(`bytes ${i} `.repeat(i + 1)))
    const results = await Promise.all(inputs.map((b, i) => signEd25519WithEncodings(i % 3 === 0 ? ed2 : ed, b)))
    const sigs = results.map((r) => r.sig)
    results.forEach(({ sig, encodings }, i) => {
      const w = i % 3 === 0 ? ed2 : ed
      expect(sig.byteLength).toBe(64)
      expect(verifySignature('ed25519', w.publicKey, inputs[i]!, sig)).toBe(true)
      expect(encodings).toEqual([Buffer.from(sig).toString('base64url'), signatureId(sig), hmacOfBytes(inputs[i]!)])
    })
    expect(Buffer.from(sigs[1]!)).toEqual(Buffer.from(await sign(ed, inputs[1]!)))
  })

  it('a signature that fails rejects alone; the rest of its batch is signed', async () => {
    const bad: Wallet = { ...ed, priv: generateKeyPairSync('x25519').privateKey }
    const b = Buffer.from('x')
    const [good, failed, good2] = await Promise.allSettled([signBatched(ed, b), signBatched(bad, b), signBatched(ed, b)])
    expect(good.status).toBe('fulfilled')
    expect(good2.status).toBe('fulfilled')
    expect(failed.status).toBe('rejected')
  })

  it('RSA signs on the pool, a few at a time, every request answered', async () => {
    const rsa = await createWallet('rsa')
    const inputs = Array.from({ length: 20 }, (_, i) => Buffer.from(`rsa ${i}`))
    const sigs = await Promise.all(inputs.map((b) => signBatched(rsa, b)))
    sigs.forEach((sig, i) => expect(verifySignature('rsa', rsa.publicKey, inputs[i]!, sig)).toBe(true))
  }, 30_000)

  it('a killed signing thread fails only what it still owed, every promise settles, and the next call starts another', async () => {
    // Enough that the main thread, which signs from the back while the thread boots, cannot
    // finish alone before the thread answers the first chunk (~0.4 s of signing for it).
    const inputs = Array.from({ length: 10_000 }, (_, i) => Buffer.from(`kill ${i}`))
    const settled = inputs.map(() => 0)
    const all = inputs.map((b, i) =>
      signEd25519WithEncodings(ed, b).finally(() => {
        settled[i]!++
      }),
    )
    // The thread signs from the front: the first signature is its first answer; most are still owed.
    await all[0]
    await signingThread()!.terminate()
    const results = await Promise.allSettled(all)
    expect(settled.every((n) => n === 1)).toBe(true)
    const failed = results.filter((r) => r.status === 'rejected')
    expect(failed.length).toBeGreaterThan(0)
    for (const r of failed) expect(String((r as PromiseRejectedResult).reason)).toMatch(/signing worker exited/)
    results.forEach((r, i) => {
      if (r.status === 'fulfilled') expect(verifySignature('ed25519', ed.publicKey, inputs[i]!, r.value.sig)).toBe(true)
    })
    const b = Buffer.from('after')
    expect(verifySignature('ed25519', ed.publicKey, b, await signBatched(ed, b))).toBe(true)
  })

  it('signs across turns', async () => {
    for (let i = 0; i < 3; i++) {
      const b = Buffer.from(`turn ${i}`)
      expect(verifySignature('ed25519', ed.publicKey, b, await signBatched(ed, b))).toBe(true)
    }
  })
})

describe('signedAssignment (the server hot path)', () => {
  it('equals commitWith followed by toRecord, with the worker or any signer', async () => {
    const body = { action: 'Eval', data: 'x', target: procId }
    const record = nextAssignment({ slot: 4, hashChain: 'c'.repeat(43) }, procId, body, 1_700_000_000_000)
    const unsigned = unsignedAssignmentMessage(record, zeroBlock)
    const bytes = assignmentBytes(record, unsigned)
    expect(Buffer.from(bytes)).toEqual(Buffer.from(canonicalBytes(unsigned)))
    const slow = (await commitWith(unsigned, ed, sign)) as AssignmentMessage
    const fromWorker = await signEd25519WithEncodings(ed, bytes)
    for (const [sig, known] of [[fromWorker.sig, fromWorker.encodings], [await signBatched(ed, bytes), undefined], [await sign(ed, bytes), undefined]] as const) {
      const { msg, stored } = signedAssignment(record, unsigned, ed, bytes, sig, known)
      expect(msg).toEqual(slow)
      expect(stored).toEqual(toRecord(record, slow))
      expect(verify(msg)).toBe(true)
    }
  })
})

describe('assignmentBytes (the direct encoder)', () => {
  const cases: [string, { path?: string }, { height: number; hash: string; timestamp: number }, number, number][] = [
    ['zero block, first slot', {}, zeroBlock, 0, 1_700_000_000_000],
    ['a path, a real block, a large slot', { path: 'Eval/now' }, { height: 1_234_567, hash: 'h'.repeat(42) + 'A', timestamp: 1_700_000_000 }, 2 ** 40 + 3, 1_700_000_000_123],
    ['fractional and negative numbers, -0', {}, { height: 0.5, hash: '', timestamp: -0 }, 7, -0],
    ['a non-ASCII path (the general encoder)', { path: 'évaluer/☃' }, zeroBlock, 3, 1],
  ]
  for (const [name, extra, block, slot, timestamp] of cases) {
    it(`writes exactly the canonical bytes: ${name}`, () => {
      const body = { action: 'Eval', data: 'x', target: procId, ...extra }
      const prev = slot === 0 ? undefined : { slot: slot - 1, hashChain: 'c'.repeat(42) + 'A' }
      const record = nextAssignment(prev, procId, body, timestamp)
      const unsigned = unsignedAssignmentMessage(record, block)
      expect(Buffer.from(assignmentBytes(record, unsigned))).toEqual(Buffer.from(canonicalBytes(unsigned)))
      const fast = fastAssignmentBytes(unsigned, record.message)
      if (/^[\x00-\x7f]*$/.test(unsigned.path)) expect(Buffer.from(fast!)).toEqual(Buffer.from(canonicalBytes(unsigned)))
      else expect(fast).toBeUndefined()
    })
  }

  it('leaves what the general encoder refuses to it: a non-finite block height is InvalidMessage', () => {
    const record = nextAssignment(undefined, procId, { action: 'Eval' }, 1)
    const unsigned = unsignedAssignmentMessage(record, { height: Number.NaN, hash: 'A'.repeat(43), timestamp: 0 })
    expect(fastAssignmentBytes(unsigned, record.message)).toBeUndefined()
    expect(() => assignmentBytes(record, unsigned)).toThrow(/numbers must be finite/)
  })
})
