import * as crypto from 'node:crypto'
import { createHash, createHmac } from 'node:crypto'
import { encodeCanonical } from './canonical.js'
import { InvalidMessage } from './errors.js'
import { commitmentsOf, contentKeys, isSigned, type Message } from './message.js'

/** `none`: the content, ignoring signatures. `all`: the content as committed by its signers. */
export type IdSpec = 'none' | 'all'

// The HMAC key AO uses for unsigned commitments; it is public, the HMAC is a keyed hash, not a secret.
const HMAC_KEY = 'ao'

// 43 base64url characters carry 258 bits; the last one must leave the 2 spare bits zero,
// otherwise two strings would name the same 32 bytes.
const ID_PATTERN = /^[A-Za-z0-9_-]{42}[AEIMQUYcgkosw048]$/

/** True for a 43-character base64url string that is the canonical encoding of 32 bytes. */
export function isProcessId(s: unknown): s is string {
  return typeof s === 'string' && ID_PATTERN.test(s)
}

/** The canonical bytes of `keys` of `msg` (default: every content key); see canonical.ts. */
export function canonicalBytes(msg: Message, keys: readonly string[] = contentKeys(msg)): Uint8Array {
  return encodeCanonical(msg, keys, idAllBytes)
}

/** A nested message whose ID the caller already has. @internal */
export interface KnownId {
  readonly msg: Message
  /** `id(msg, 'all')`. */
  readonly id: string
}

/**
 * {@link canonicalBytes} reusing an ID already computed for one nested message (the
 * scheduler has the body's ID from the hash chain step; computing it again is a second
 * encoding and HMAC of the body). @internal
 */
export function canonicalBytesKnowing(msg: Message, keys: readonly string[], known: KnownId): Uint8Array {
  return encodeCanonical(msg, keys, (nested) => (nested === known.msg ? Buffer.from(known.id, 'base64url') : idAllBytes(nested)))
}

/** The unsigned (HMAC) commitment ID over `keys` of `msg`: base64url(HMAC-SHA256("ao", canonical bytes)). */
export function hmacId(msg: Message, keys: readonly string[] = contentKeys(msg)): string {
  return hmacOfBytes(canonicalBytes(msg, keys))
}

/** {@link hmacId} of bytes already encoded, so a signer encodes a message once. @internal */
export function hmacOfBytes(bytes: Uint8Array): string {
  return hmacBytes(bytes).toString('base64url')
}

// `crypto.hash` (one-shot, Node >= 20.12) skips building a Hash object: HMAC-SHA256 with the
// fixed key as two one-shot hashes (RFC 2104) costs ~2.2 µs against ~3 µs for createHmac, and
// every assignment computes one on the main thread (its body's ID).
type OneShot = (algorithm: string, data: Uint8Array, encoding: 'buffer') => Buffer
const oneShot = (crypto as unknown as { hash?: OneShot }).hash
const IPAD = Buffer.alloc(64, 0x36)
const OPAD = Buffer.alloc(64, 0x5c)
for (let i = 0; i < HMAC_KEY.length; i++) {
  IPAD[i]! ^= HMAC_KEY.charCodeAt(i)
  OPAD[i]! ^= HMAC_KEY.charCodeAt(i)
}

/** HMAC-SHA256(HMAC_KEY, bytes), 32 raw bytes. */
function hmacBytes(bytes: Uint8Array): Buffer {
  if (oneShot === undefined) return createHmac('sha256', HMAC_KEY).update(bytes).digest()
  const inner = Buffer.allocUnsafe(64 + bytes.byteLength)
  IPAD.copy(inner, 0)
  inner.set(bytes, 64)
  const outer = Buffer.allocUnsafe(96)
  OPAD.copy(outer, 0)
  outer.set(oneShot('sha256', inner, 'buffer'), 64)
  return oneShot('sha256', outer, 'buffer')
}

/** sha256(bytes), 32 raw bytes. @internal */
export function sha256(bytes: Uint8Array): Buffer {
  return oneShot === undefined ? createHash('sha256').update(bytes).digest() : oneShot('sha256', bytes, 'buffer')
}

/** A signed commitment's ID: base64url(sha256(signature)). */
export function signatureId(signature: Uint8Array): string {
  return sha256(signature).toString('base64url')
}

/**
 * The ID of a message, always 43 characters.
 * - `none`: the HMAC ID of all content keys.
 * - `all`: the sum modulo 2^256 of the signed commitment IDs (as big-endian integers), so it
 *   does not depend on signing order; `id(msg, 'none')` when nothing is signed.
 * @throws InvalidMessage when the message cannot be encoded.
 * @example id({ data: 'hi' }, 'none').length === 43
 */
export function id(msg: Message, spec: IdSpec = 'all'): string {
  if (spec === 'none') return hmacId(msg)
  return Buffer.from(idAllBytes(msg)).toString('base64url')
}

function idAllBytes(msg: Message): Uint8Array {
  const signed = Object.entries(commitmentsOf(msg)).filter(([, c]) => isSigned(c))
  if (signed.length === 0) return hmacBytes(canonicalBytes(msg))
  const sum = new Uint8Array(32)
  for (const [cid] of signed) {
    if (!isProcessId(cid)) throw new InvalidMessage({ reason: `commitment ID ${JSON.stringify(cid)} is not a 32-byte base64url ID` })
    addInto(sum, Buffer.from(cid, 'base64url'))
  }
  return sum
}

/** sum += x (mod 2^256), both 32-byte big-endian. */
function addInto(sum: Uint8Array, x: Uint8Array): void {
  let carry = 0
  for (let i = 31; i >= 0; i--) {
    const t = (sum[i] as number) + (x[i] as number) + carry
    sum[i] = t & 0xff
    carry = t >> 8
  }
}
