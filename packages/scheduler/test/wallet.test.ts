import { constants, createHash, verify as cryptoVerify } from 'node:crypto'
import { beforeAll, describe, expect, it } from 'vitest'
import { InvalidWallet } from '../src/errors.js'
import {
  createWallet,
  exportWallet,
  importWallet,
  sign,
  signSync,
  verifySignature,
  verifySignatureAsync,
  type Wallet,
} from '../src/wallet.js'

const data = Buffer.from('troupe')
let rsa: Wallet
let ed: Wallet

beforeAll(async () => {
  ;[rsa, ed] = await Promise.all([createWallet('rsa'), createWallet('ed25519')])
})

describe('createWallet', () => {
  it('makes an RSA-4096 key with e = 65537 whose address is sha256 of the modulus', () => {
    expect(rsa.pub.asymmetricKeyDetails).toMatchObject({ modulusLength: 4096, publicExponent: 65537n })
    const n = Buffer.from(rsa.pub.export({ format: 'jwk' }).n as string, 'base64url')
    expect(Buffer.from(rsa.publicKey)).toEqual(n)
    expect(rsa.address).toBe(createHash('sha256').update(n).digest('base64url'))
    expect(rsa.address).toHaveLength(43)
  })

  it('makes an Ed25519 key whose address is sha256 of its 32 raw bytes', () => {
    expect(ed.publicKey).toHaveLength(32)
    expect(ed.address).toBe(createHash('sha256').update(ed.publicKey).digest('base64url'))
    expect(ed.address).toHaveLength(43)
  })
})

describe.each([
  ['rsa', () => rsa],
  ['ed25519', () => ed],
] as const)('%s signatures', (type, wallet) => {
  it('sign and signSync verify, from raw key, PEM and KeyObject', async () => {
    const w = wallet()
    for (const sig of [await sign(w, data), signSync(w, data)]) {
      expect(verifySignature(type, w.publicKey, data, sig)).toBe(true)
      expect(verifySignature(type, w.pub.export({ format: 'pem', type: 'spki' }) as string, data, sig)).toBe(true)
      expect(verifySignature(type, w.pub, data, sig)).toBe(true)
      expect(await verifySignatureAsync(type, w.publicKey, data, sig)).toBe(true)
    }
  })

  it('rejects another message, a flipped bit and a garbage key', async () => {
    const w = wallet()
    const sig = Buffer.from(await sign(w, data))
    expect(verifySignature(type, w.publicKey, Buffer.from('troupE'), sig)).toBe(false)
    sig[10] = (sig[10] as number) ^ 1
    expect(verifySignature(type, w.publicKey, data, sig)).toBe(false)
    expect(await verifySignatureAsync(type, w.publicKey, data, sig)).toBe(false)
    expect(verifySignature(type, new Uint8Array(3), data, sig)).toBe(false)
  })

  it('survives export and import', async () => {
    const w = importWallet(JSON.parse(JSON.stringify(exportWallet(wallet()))))
    expect(w.type).toBe(type)
    expect(w.address).toBe(wallet().address)
    expect(verifySignature(type, wallet().publicKey, data, await sign(w, data))).toBe(true)
  })
})

describe('RSA-PSS parameters', () => {
  it('uses SHA-256 with a 32-byte salt, as AO does', () => {
    const sig = signSync(rsa, data)
    expect(sig).toHaveLength(512)
    const pss = (saltLength: number) =>
      cryptoVerify('sha256', data, { key: rsa.pub, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength }, sig)
    expect(pss(32)).toBe(true)
    expect(pss(64)).toBe(false)
  })
})

describe('importWallet', () => {
  it.each([
    ['a public key', () => rsa.pub.export({ format: 'jwk' })],
    ['an EC key', () => ({ kty: 'EC', crv: 'P-256', d: 'x' })],
    ['a broken RSA key', () => ({ kty: 'RSA', n: 'AQAB', e: 'AQAB', d: 'AQAB' })],
    ['null', () => null],
  ])('refuses %s with InvalidWallet', (_name, make) => {
    let caught: unknown
    try {
      importWallet(make() as never)
    } catch (err) {
      caught = err
    }
    expect(InvalidWallet.is(caught)).toBe(true)
  })
})
