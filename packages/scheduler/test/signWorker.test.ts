import { generateKeyPairSync } from 'node:crypto'
import { beforeAll, describe, expect, it } from 'vitest'
import { nextAssignment } from '../src/assignment.js'
import { toRecord, unsignedAssignmentMessage, zeroBlock, type AssignmentMessage } from '../src/assignmentMessage.js'
import { assignmentBytes, signedAssignment } from '../src/assignmentSigning.js'
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
