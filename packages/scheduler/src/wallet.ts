import {
  constants,
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPair,
  sign as cryptoSign,
  verify as cryptoVerify,
  type JsonWebKey,
  type KeyObject,
} from 'node:crypto'
import { InvalidWallet } from './errors.js'

/** `rsa`: RSA-4096 with RSA-PSS/SHA-256, as Arweave and AO sign. `ed25519`: the fast option. */
export type WalletType = 'rsa' | 'ed25519'

/**
 * A signing identity. KeyObjects survive `postMessage`, so a wallet can be handed to a worker.
 * `publicKey` is the raw public key (the RSA modulus, or Ed25519's 32 bytes): it is a
 * commitment's `keyid` and the preimage of `address`.
 */
export interface Wallet {
  readonly type: WalletType
  readonly priv: KeyObject
  readonly pub: KeyObject
  readonly publicKey: Uint8Array
  readonly address: string
}

/**
 * The storage form of a wallet: the private JWK. For RSA this is exactly an Arweave keyfile,
 * so Arweave wallets import as they are. It holds the private key: store it like one.
 */
export type ExportedWallet = JsonWebKey

const RSA_BITS = 4096
// AO and Arweave use a salt as long as the digest; Node's default would be the maximum.
const PSS = { padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 } as const

/**
 * Creates a wallet with a fresh key pair. RSA-4096 generation takes about a second, off the
 * main thread.
 * @example const w = await createWallet('ed25519'); w.address.length === 43
 */
export async function createWallet(type: WalletType): Promise<Wallet> {
  const priv = await new Promise<KeyObject>((resolve, reject) => {
    const done = (err: Error | null, _pub: KeyObject, key: KeyObject) => (err ? reject(err) : resolve(key))
    if (type === 'rsa') generateKeyPair('rsa', { modulusLength: RSA_BITS, publicExponent: 0x10001 }, done)
    else if (type === 'ed25519') generateKeyPair('ed25519', {}, done)
    else reject(new InvalidWallet({ reason: `type must be 'rsa' or 'ed25519', got ${String(type)}` }))
  })
  return fromPrivateKey(type, priv)
}

/** Serializes a wallet as its private JWK (see {@link ExportedWallet}). */
export function exportWallet(wallet: Wallet): ExportedWallet {
  return wallet.priv.export({ format: 'jwk' })
}

/** Rebuilds a wallet from {@link exportWallet}'s output or an Arweave keyfile. */
export function importWallet(data: ExportedWallet): Wallet {
  if (typeof data !== 'object' || data === null || typeof data.d !== 'string') {
    throw new InvalidWallet({ reason: 'expected a private JWK (with "d")' })
  }
  let type: WalletType
  if (data.kty === 'RSA') type = 'rsa'
  else if (data.kty === 'OKP' && data.crv === 'Ed25519') type = 'ed25519'
  else throw new InvalidWallet({ reason: `unsupported key type ${String(data.kty)}/${String(data.crv)}` })
  let priv: KeyObject
  try {
    priv = createPrivateKey({ key: data, format: 'jwk' })
  } catch (err) {
    throw new InvalidWallet({ reason: (err as Error).message })
  }
  // A keyid carries only the modulus, so verifiers assume e = 65537, as Arweave does.
  if (type === 'rsa' && (priv.asymmetricKeyDetails?.modulusLength !== RSA_BITS || data.e !== 'AQAB')) {
    throw new InvalidWallet({ reason: `RSA keys must have a ${RSA_BITS}-bit modulus and e = 65537` })
  }
  return fromPrivateKey(type, priv)
}

/** Address of a raw public key: base64url(sha256(key)), 43 characters, as Arweave derives it. */
export function addressOf(publicKey: Uint8Array): string {
  return createHash('sha256').update(publicKey).digest('base64url')
}

/** Signs on the calling thread (RSA-4096: about 5 ms). */
export function signSync(wallet: Wallet, bytes: Uint8Array): Uint8Array {
  return wallet.type === 'rsa' ? cryptoSign('sha256', bytes, { key: wallet.priv, ...PSS }) : cryptoSign(null, bytes, wallet.priv)
}

/** Signs on libuv's threadpool: concurrent calls sign in parallel (UV_THREADPOOL_SIZE, default 4). */
export function sign(wallet: Wallet, bytes: Uint8Array): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const done = (err: Error | null, sig: Buffer) => (err ? reject(err) : resolve(sig))
    if (wallet.type === 'rsa') cryptoSign('sha256', bytes, { key: wallet.priv, ...PSS }, done)
    else cryptoSign(null, bytes, wallet.priv, done)
  })
}

/**
 * A public key as accepted by {@link verifySignature}: raw bytes (RSA modulus or Ed25519 key,
 * i.e. a decoded `keyid`), a PEM string, or a KeyObject.
 */
export type PublicKeyInput = Uint8Array | string | KeyObject

/** Checks a signature made by {@link sign}. Malformed keys or signatures give `false`. */
export function verifySignature(type: WalletType, publicKey: PublicKeyInput, bytes: Uint8Array, sig: Uint8Array): boolean {
  try {
    const key = toPublicKey(type, publicKey)
    return type === 'rsa' ? cryptoVerify('sha256', bytes, { key, ...PSS }, sig) : cryptoVerify(null, bytes, key, sig)
  } catch {
    return false
  }
}

/** {@link verifySignature} on libuv's threadpool. */
export function verifySignatureAsync(
  type: WalletType,
  publicKey: PublicKeyInput,
  bytes: Uint8Array,
  sig: Uint8Array,
): Promise<boolean> {
  return new Promise((resolve) => {
    const done = (err: Error | null, ok: boolean) => resolve(!err && ok)
    try {
      const key = toPublicKey(type, publicKey)
      if (type === 'rsa') cryptoVerify('sha256', bytes, { key, ...PSS }, sig, done)
      else cryptoVerify(null, bytes, key, sig, done)
    } catch {
      resolve(false)
    }
  })
}

function fromPrivateKey(type: WalletType, priv: KeyObject): Wallet {
  const pub = createPublicKey(priv)
  const jwk = pub.export({ format: 'jwk' })
  const publicKey = Buffer.from((type === 'rsa' ? jwk.n : jwk.x) ?? '', 'base64url')
  return { type, priv, pub, publicKey, address: addressOf(publicKey) }
}

function toPublicKey(type: WalletType, input: PublicKeyInput): KeyObject {
  if (typeof input === 'string') return createPublicKey(input)
  if (!(input instanceof Uint8Array)) return input
  const raw = Buffer.from(input.buffer, input.byteOffset, input.byteLength).toString('base64url')
  // Measured: building the KeyObject costs under a tenth of an RSA verify, so no cache.
  const jwk: JsonWebKey = type === 'rsa' ? { kty: 'RSA', n: raw, e: 'AQAB' } : { kty: 'OKP', crv: 'Ed25519', x: raw }
  return createPublicKey({ key: jwk, format: 'jwk' })
}
