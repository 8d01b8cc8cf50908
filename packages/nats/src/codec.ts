/**
 * What goes on the wire: `tag (16 bytes) | msgpack body`, where the tag is an HMAC-SHA256
 * (truncated to 128 bits) of the subject and the body, keyed by the cluster secret. A node
 * without the secret can neither forge a heartbeat (so it never joins) nor a batch (so it
 * cannot send, call or spawn): receivers drop and log what does not verify. The subject is
 * in the MAC so a batch for one node cannot be replayed to another.
 *
 * Bodies are msgpackr with its structured-clone extension, so what crosses a thread (Map,
 * Set, Date, RegExp, typed arrays, errors, cycles) crosses a process too.
 * @internal
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto'
import { Packr } from 'msgpackr'

export const TAG = 16

// copyBuffers: a decoded Uint8Array must not be a view of the client's read buffer, which
// the client reuses.
export const packr = new Packr({ structuredClone: true, copyBuffers: true })

export class Codec {
  private readonly key: Buffer

  constructor(secret: string | Uint8Array, cluster: string) {
    // One key per cluster: the same secret in two clusters does not let one sign for the other.
    this.key = createHash('sha256').update('troupe/nats\0').update(cluster).update('\0').update(secret).digest()
  }

  /** A fresh buffer per publish: the client keeps a reference until it flushes. */
  seal(subject: string, value: unknown): Uint8Array {
    const body = packr.pack(value)
    const out = new Uint8Array(TAG + body.length)
    out.set(body, TAG)
    const mac = createHmac('sha256', this.key).update(subject).update(out.subarray(TAG)).digest()
    out.set(mac.subarray(0, TAG), 0)
    return out
  }

  /** The decoded body, or undefined if the tag does not verify. */
  open(subject: string, data: Uint8Array): unknown {
    if (data.length <= TAG) return undefined
    const body = data.subarray(TAG)
    const mac = createHmac('sha256', this.key).update(subject).update(body).digest()
    if (!timingSafeEqual(mac.subarray(0, TAG), data.subarray(0, TAG))) return undefined
    return packr.unpack(body)
  }
}

/** Encodes a value as troupe does on the wire (msgpackr, structured-clone extension), in a buffer of its own. */
export function encodeValue(value: unknown): Uint8Array {
  return Uint8Array.prototype.slice.call(packr.pack(value))
}

/** Decodes what encodeValue produced. */
export function decodeValue(data: Uint8Array): unknown {
  return packr.unpack(data)
}
