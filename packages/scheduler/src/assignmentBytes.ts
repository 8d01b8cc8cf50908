/**
 * The canonical bytes of an unsigned assignment message (what its two commitments cover),
 * written directly: the key list is fixed and so are most value types, so the general
 * encoder's per-key checks, sorting test and one native string write per key and value are
 * not needed. Measured under tsx: 3.2 µs with the general encoder, 2.3 µs here (plain JS
 * writes: Buffer's string and copy methods cost more than the bytes on short values), on
 * the thread that reserves every slot. Produces exactly `canonicalBytes(unsigned)` (see
 * canonical.ts); a value of another shape (a non-ASCII string, a number that is not finite)
 * goes to the general encoder, which writes or refuses it.
 * @internal
 */
import type { AssignmentMessage } from './assignmentMessage.js'
import { ASSIGNMENT_KEYS } from './assignmentMessage.js'

// The output between the values that vary, precomputed: each run is the key headers, tags
// and constant values that sit between two of them (see canonical.ts for the grammar).
function header(key: string, tag: number): number[] {
  return [...u32(key.length), ...Buffer.from(key, 'latin1'), tag]
}
function u32(n: number): number[] {
  return [(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff]
}
function fixedString(s: string): number[] {
  return [...u32(s.length), ...Buffer.from(s, 'latin1')]
}
const [K_BLOCK_HASH, K_BLOCK_HEIGHT, K_BLOCK_TS, K_BODY, K_PROTOCOL, K_EPOCH, K_CHAIN, K_PATH, K_PROCESS, K_SLOT, K_TIMESTAMP, K_VARIANT] = ASSIGNMENT_KEYS as [
  string, string, string, string, string, string, string, string, string, string, string, string,
]
const STRING = 0x04
const NUMBER = 0x03
const NESTED = 0x06
const RUNS = [
  [...u32(12), ...header(K_BLOCK_HASH, STRING)],
  header(K_BLOCK_HEIGHT, NUMBER),
  header(K_BLOCK_TS, NUMBER),
  header(K_BODY, NESTED),
  [...header(K_PROTOCOL, STRING), ...fixedString('ao'), ...header(K_EPOCH, STRING), ...fixedString('0'), ...header(K_CHAIN, STRING)],
  header(K_PATH, STRING),
  header(K_PROCESS, STRING),
  header(K_SLOT, NUMBER),
  header(K_TIMESTAMP, NUMBER),
  [...header(K_VARIANT, STRING), ...fixedString('ao.N.1')],
].map((r) => Uint8Array.from(r))
const FIXED = RUNS.reduce((n, r) => n + r.length, 0) + 4 * 8 + 32 + 4 * 4

const B64URL = new Int8Array(128).fill(-1)
for (let i = 0; i < 64; i++) B64URL['ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'.charCodeAt(i)] = i

// f64 in big-endian byte order, whatever the machine's.
const F64 = new Float64Array(1)
const F64_BYTES = new Uint8Array(F64.buffer)
const LITTLE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1
const BIG_ENDIAN = LITTLE ? [7, 6, 5, 4, 3, 2, 1, 0] : [0, 1, 2, 3, 4, 5, 6, 7]

/** True when every UTF-16 unit of `s` is ASCII (then its UTF-8 is its units, one byte each). */
function isAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) return false
  return true
}

/**
 * The canonical bytes of `unsigned`, whose body has ID `bodyId` (`id(body, 'all')`), or
 * `undefined` when a value is not of the usual shape (the caller then uses the general
 * encoder, which also refuses what is invalid).
 */
export function fastAssignmentBytes(unsigned: AssignmentMessage, bodyId: string): Uint8Array | undefined {
  const { 'block-hash': blockHash, 'block-height': height, 'block-timestamp': blockTs, path, process, slot, timestamp } = unsigned
  const chain = unsigned['hash-chain']
  if (
    typeof blockHash !== 'string' ||
    typeof path !== 'string' ||
    typeof process !== 'string' ||
    typeof chain !== 'string' ||
    !Number.isFinite(height) ||
    !Number.isFinite(blockTs) ||
    !Number.isFinite(slot) ||
    !Number.isFinite(timestamp) ||
    unsigned['data-protocol'] !== 'ao' ||
    unsigned.epoch !== '0' ||
    unsigned.variant !== 'ao.N.1' ||
    bodyId.length !== 43 ||
    !isAscii(blockHash) ||
    !isAscii(path) ||
    !isAscii(process) ||
    !isAscii(chain)
  )
    return undefined
  // A slice of Buffer's pool: a fresh Uint8Array of this size costs more than the encoding.
  const out = Buffer.allocUnsafe(FIXED + blockHash.length + chain.length + path.length + process.length)
  let o = run(out, 0, 0)
  o = ascii(out, o, blockHash)
  o = run(out, o, 1)
  o = num(out, o, height)
  o = run(out, o, 2)
  o = num(out, o, blockTs)
  o = run(out, o, 3)
  o = base64url32(out, o, bodyId)
  if (o < 0) return undefined
  o = run(out, o, 4)
  o = ascii(out, o, chain)
  o = run(out, o, 5)
  o = ascii(out, o, path)
  o = run(out, o, 6)
  o = ascii(out, o, process)
  o = run(out, o, 7)
  o = num(out, o, slot)
  o = run(out, o, 8)
  o = num(out, o, timestamp)
  o = run(out, o, 9)
  return o === out.length ? out : undefined
}

// Writers: each returns the offset after what it wrote. Top-level functions rather than
// closures made per call: measured under tsx, 3.2 µs with closures against 2.3 µs.

function run(out: Uint8Array, o: number, i: number): number {
  const r = RUNS[i]!
  out.set(r, o)
  return o + r.length
}

/** u32(length) || the string's units as bytes (ASCII only: checked by the caller). */
function ascii(out: Uint8Array, o: number, s: string): number {
  const n = s.length
  out[o] = n >>> 24
  out[o + 1] = (n >>> 16) & 0xff
  out[o + 2] = (n >>> 8) & 0xff
  out[o + 3] = n & 0xff
  o += 4
  for (let i = 0; i < n; i++) out[o + i] = s.charCodeAt(i)
  return o + n
}

/** f64, big-endian; -0 is written as 0 (see canonical.ts). */
function num(out: Uint8Array, o: number, n: number): number {
  F64[0] = n === 0 ? 0 : n
  for (let k = 0; k < 8; k++) out[o + k] = F64_BYTES[BIG_ENDIAN[k]!]!
  return o + 8
}

/** The 32 bytes 43 base64url characters stand for (the last carries 2 zero bits); -1 if not base64url. */
function base64url32(out: Uint8Array, o: number, s: string): number {
  let acc = 0
  let bits = 0
  for (let i = 0; i < 43; i++) {
    const c = s.charCodeAt(i)
    const v = c < 128 ? B64URL[c]! : -1
    if (v < 0) return -1
    acc = ((acc << 6) | v) & 0xffffff
    bits += 6
    if (bits >= 8) {
      bits -= 8
      out[o++] = (acc >>> bits) & 0xff
    }
  }
  return o
}
