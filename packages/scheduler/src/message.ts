import { InvalidMessage } from './errors.js'
import type { WalletType } from './wallet.js'

/** A value an AO message can carry. Numbers must be finite. */
export type Value = string | number | boolean | null | Uint8Array | Message | readonly Value[]

/**
 * An AO message: a plain object with string keys. The key `commitments` is reserved for a
 * {@link Commitments} map; every other key is content. `__proto__` is refused as a key.
 */
export type Message = { readonly [key: string]: Value }

/** The devices a commitment can name. The first two are signatures, `hmac-sha256` is not. */
export type CommitmentDevice = 'rsa-pss-sha256' | 'ed25519' | 'hmac-sha256'

/**
 * One commitment. `committed` lists the covered keys, sorted, without `commitments`.
 * Signed ones carry `committer` (address), `keyid` (raw public key, base64url) and `signature`
 * (base64url); the HMAC one carries none of these, its ID being the HMAC itself.
 */
export type Commitment = {
  readonly 'commitment-device': CommitmentDevice
  readonly committer?: string
  readonly keyid?: string
  readonly signature?: string
  readonly committed: readonly string[]
}

/** `commitments`: commitment ID to commitment. */
export type Commitments = { readonly [commitmentId: string]: Commitment }

/** The reserved key. */
export const COMMITMENTS = 'commitments'

/** The device that signs for a wallet type. */
export function deviceOf(type: WalletType): CommitmentDevice {
  return type === 'rsa' ? 'rsa-pss-sha256' : 'ed25519'
}

/** The wallet type behind a signing device; `undefined` for `hmac-sha256` and unknown devices. */
export function signerTypeOf(device: string): WalletType | undefined {
  return device === 'rsa-pss-sha256' ? 'rsa' : device === 'ed25519' ? 'ed25519' : undefined
}

/** True when a commitment is a signature (as opposed to the HMAC content ID). */
export function isSigned(c: Commitment): boolean {
  return signerTypeOf(c['commitment-device']) !== undefined
}

/** True for a non-null object that is not an array or binary: a nested message. */
export function isMessage(v: unknown): v is Message {
  if (typeof v !== 'object' || v === null || Array.isArray(v) || v instanceof Uint8Array) return false
  const proto = Object.getPrototypeOf(v) as unknown
  return proto === Object.prototype || proto === null
}

/** The content keys of a message: every key but `commitments`, sorted. */
export function contentKeys(msg: Message): string[] {
  return Object.keys(msg)
    .filter((k) => k !== COMMITMENTS)
    .sort()
}

/**
 * The commitments of a message, checked for shape only (no signature is checked here).
 * @throws InvalidMessage when `commitments` is not a map of commitments.
 */
export function commitmentsOf(msg: Message): Commitments {
  const cs = msg[COMMITMENTS]
  if (cs === undefined) return {}
  if (!isMessage(cs)) throw new InvalidMessage({ reason: 'commitments must be an object' })
  for (const [cid, c] of Object.entries(cs)) {
    if (!isMessage(c) || typeof c['commitment-device'] !== 'string' || !Array.isArray(c['committed'])) {
      throw new InvalidMessage({ reason: `commitment ${cid} must have a commitment-device and a committed list` })
    }
  }
  return cs as Commitments
}

/**
 * The part of a message its signers vouch for: keys covered by no signed commitment are
 * dropped, with the HMAC commitments that covered them. A message without signed
 * commitments is returned whole. The scheduler assigns this view, never unsigned extras.
 */
export function committedView(msg: Message): Message {
  const cs = commitmentsOf(msg)
  const signed = Object.entries(cs).filter(([, c]) => isSigned(c))
  if (signed.length === 0) return msg
  const kept = new Set<string>()
  for (const [, c] of signed) for (const k of c.committed) kept.add(k)
  // fromEntries, not assignment: a hostile `__proto__` key must stay a plain key.
  const content = Object.entries(msg).filter(([k]) => k !== COMMITMENTS && kept.has(k))
  const keptCs = Object.entries(cs).filter(([, c]) => c.committed.every((k) => kept.has(k)))
  return Object.fromEntries([...content, [COMMITMENTS, Object.fromEntries(keptCs)]]) as Message
}
