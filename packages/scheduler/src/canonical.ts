/**
 * The canonical encoding: the bytes a commitment covers.
 *
 * Given a message and the sorted list of keys to cover:
 *
 *   encoding := u32(n) record{n}                    one record per covered key, in list order
 *   record   := bytes(utf8(key)) value
 *   value    := 0x00                                null
 *             | 0x01                                false
 *             | 0x02                                true
 *             | 0x03 f64                            number: IEEE-754 binary64, big-endian;
 *                                                   -0 is written as 0; NaN and ±Infinity refused
 *             | 0x04 bytes(utf8(string))            string
 *             | 0x05 bytes(binary)                  Uint8Array
 *             | 0x06 raw32                          nested message: the 32 bytes of id(nested, 'all')
 *             | 0x07 u32(n) value{n}                list
 *   bytes(b) := u32(length of b) b
 *   u32      := unsigned 32-bit big-endian
 *
 * Why injective: every production is self-delimiting (a tag or a length says where it ends),
 * so a byte string parses back in exactly one way; strings are well-formed UTF-16 (lone
 * surrogates are refused, as UTF-8 would silently replace them), so UTF-8 is one-to-one.
 * Nested messages are distinct iff their IDs are, up to SHA-256 collisions. The key list must
 * be strictly ascending (JavaScript's default string order), so one set of keys has one encoding.
 *
 * -0 becomes 0 because JSON and msgpack (the stores) do not keep -0: a stored message must
 * keep its ID. `__proto__` is refused as a key because decoders turn it into a prototype.
 */
import { InvalidMessage } from './errors.js'
import { COMMITMENTS, isMessage, type Message, type Value } from './message.js'

/**
 * Encodes the covered keys of `msg`. `nestedId` gives the 32 raw bytes of id(nested, 'all');
 * it is a parameter so that this file does not depend on id.ts, which depends on it.
 * @throws InvalidMessage on unsorted or missing keys, `commitments`, or unsupported values.
 */
export function encodeCanonical(
  msg: Message,
  keys: readonly string[],
  nestedId: (nested: Message) => Uint8Array,
): Uint8Array {
  const out = new Writer()
  out.u32(keys.length)
  let prev: string | undefined
  for (const key of keys) {
    if (prev !== undefined && !(prev < key)) throw new InvalidMessage({ reason: 'covered keys must be strictly ascending' })
    prev = key
    if (key === COMMITMENTS) throw new InvalidMessage({ reason: 'commitments cannot be covered' })
    if (key === '__proto__') throw new InvalidMessage({ reason: '__proto__ is not a valid key' })
    if (!Object.hasOwn(msg, key)) throw new InvalidMessage({ reason: `covered key ${JSON.stringify(key)} is missing` })
    out.string(key, key)
    writeValue(out, msg[key], key, nestedId)
  }
  return out.finish()
}

function writeValue(out: Writer, v: Value | undefined, path: string, nestedId: (nested: Message) => Uint8Array): void {
  if (v === null) out.byte(0x00)
  else if (v === false) out.byte(0x01)
  else if (v === true) out.byte(0x02)
  else if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new InvalidMessage({ reason: `${path}: numbers must be finite` })
    out.byte(0x03)
    out.f64(v === 0 ? 0 : v)
  } else if (typeof v === 'string') {
    out.byte(0x04)
    out.string(v, path)
  } else if (v instanceof Uint8Array) {
    out.byte(0x05)
    out.u32(v.byteLength)
    out.raw(v)
  } else if (Array.isArray(v)) {
    out.byte(0x07)
    out.u32(v.length)
    for (let i = 0; i < v.length; i++) writeValue(out, v[i] as Value, `${path}[${i}]`, nestedId)
  } else if (isMessage(v)) {
    out.byte(0x06)
    out.raw(nestedId(v))
  } else {
    throw new InvalidMessage({ reason: `${path}: unsupported value of type ${typeof v}` })
  }
}

/** ES2024's String.prototype.isWellFormed (Node 20 has it; the TS lib here is older). */
type WellFormed = { isWellFormed(): boolean }

/**
 * Writes into one growing buffer. Hot: the scheduler encodes every assignment (once, for both
 * commitments) and its body, and a chunk list with one allocation per field cost 3x as much.
 * Not shared between calls, because encoding a nested message re-enters `encodeCanonical`.
 */
class Writer {
  private buf = Buffer.allocUnsafe(512)
  private len = 0

  private reserve(n: number): void {
    if (this.len + n <= this.buf.length) return
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.len + n))
    this.buf.copy(next, 0, 0, this.len)
    this.buf = next
  }
  byte(b: number): void {
    this.reserve(1)
    this.buf[this.len++] = b
  }
  u32(n: number): void {
    this.reserve(4)
    this.buf.writeUInt32BE(n, this.len)
    this.len += 4
  }
  f64(n: number): void {
    this.reserve(8)
    this.buf.writeDoubleBE(n, this.len)
    this.len += 8
  }
  string(s: string, path: string): void {
    if (!(s as unknown as WellFormed).isWellFormed()) throw new InvalidMessage({ reason: `${path}: string has a lone surrogate` })
    // At most 3 UTF-8 bytes per UTF-16 unit: write first, then the length it took.
    this.reserve(4 + 3 * s.length)
    const n = this.buf.write(s, this.len + 4, 'utf8')
    this.buf.writeUInt32BE(n, this.len)
    this.len += 4 + n
  }
  raw(b: Uint8Array): void {
    this.reserve(b.byteLength)
    this.buf.set(b, this.len)
    this.len += b.byteLength
  }
  finish(): Uint8Array {
    return this.buf.subarray(0, this.len)
  }
}
