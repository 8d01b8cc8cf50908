import { canonicalBytes, hmacId, isProcessId, signatureId } from './id.js'
import { COMMITMENTS, commitmentsOf, signerTypeOf, type Commitment, type Message } from './message.js'
import { addressOf, verifySignature, verifySignatureAsync, type WalletType } from './wallet.js'

interface SignatureCheck {
  readonly type: WalletType
  readonly key: Uint8Array
  readonly bytes: Uint8Array
  readonly sig: Uint8Array
}

/**
 * True iff every commitment of `msg` holds: each signed one against its `keyid` (and its ID
 * and `committer` match the signature and key), each HMAC one recomputed. A message without
 * commitments verifies vacuously. Nested messages are bound by their IDs, not verified here.
 * Never throws: a malformed message is simply not verified.
 */
export function verify(msg: Message): boolean {
  const checks = plan(msg)
  return checks !== undefined && checks.every((c) => verifySignature(c.type, c.key, c.bytes, c.sig))
}

/** {@link verify} with signature checks running in parallel on libuv's threadpool. */
export async function verifyAsync(msg: Message): Promise<boolean> {
  const checks = plan(msg)
  if (checks === undefined) return false
  const results = await Promise.all(checks.map((c) => verifySignatureAsync(c.type, c.key, c.bytes, c.sig)))
  return results.every(Boolean)
}

/** Does every check but the signature math; `undefined` when one already fails. */
function plan(msg: Message): SignatureCheck[] | undefined {
  try {
    const checks: SignatureCheck[] = []
    for (const [cid, c] of Object.entries(commitmentsOf(msg))) {
      if (!c.committed.every((k) => typeof k === 'string' && k !== COMMITMENTS && Object.hasOwn(msg, k))) return undefined
      const type = signerTypeOf(c['commitment-device'])
      if (type === undefined) {
        if (c['commitment-device'] !== 'hmac-sha256' || cid !== hmacId(msg, c.committed)) return undefined
        continue
      }
      const check = signatureCheck(msg, cid, c, type)
      if (check === undefined) return undefined
      checks.push(check)
    }
    return checks
  } catch {
    return undefined
  }
}

function signatureCheck(msg: Message, cid: string, c: Commitment, type: WalletType): SignatureCheck | undefined {
  if (typeof c.keyid !== 'string' || typeof c.signature !== 'string' || !isProcessId(cid)) return undefined
  const key = Buffer.from(c.keyid, 'base64url')
  const sig = Buffer.from(c.signature, 'base64url')
  if (cid !== signatureId(sig)) return undefined
  if (c.committer !== undefined && c.committer !== addressOf(key)) return undefined
  return { type, key, bytes: canonicalBytes(msg, c.committed), sig }
}
