import { canonicalBytes, canonicalBytesKnowing, hmacId, hmacOfBytes, signatureId, type KnownId } from './id.js'
import { COMMITMENTS, commitmentsOf, contentKeys, deviceOf, type Commitment, type Message } from './message.js'
import { sign, signSync, type Wallet } from './wallet.js'

/**
 * Signs every content key of `msg` with `wallet`, on libuv's threadpool. Returns a new
 * message with the existing commitments, the signed one (ID = sha256 of the signature) and,
 * as HyperBEAM does, the HMAC commitment over the same keys.
 * @example const signed = await commit({ action: 'Eval', data: '1+1' }, wallet)
 */
export function commit(msg: Message, wallet: Wallet): Promise<Message> {
  return commitWith(msg, wallet, sign)
}

/** A signing function with the shape of {@link sign}; the scheduler lets tests inject one. */
export type Signer = (wallet: Wallet, bytes: Uint8Array) => Promise<Uint8Array>

/** {@link commit} with the signature made by `signer`; `known` saves recomputing a nested ID. @internal */
export async function commitWith(msg: Message, wallet: Wallet, signer: Signer, known?: KnownId): Promise<Message> {
  const keys = contentKeys(msg)
  // Encoded once, for both the signature and the HMAC commitment over the same keys.
  const bytes = known === undefined ? canonicalBytes(msg, keys) : canonicalBytesKnowing(msg, keys, known)
  return withSignature(msg, wallet, keys, await signer(wallet, bytes), hmacOfBytes(bytes))
}

/** {@link commit} signing on the calling thread. */
export function commitSync(msg: Message, wallet: Wallet): Message {
  const keys = contentKeys(msg)
  const bytes = canonicalBytes(msg, keys)
  return withSignature(msg, wallet, keys, signSync(wallet, bytes), hmacOfBytes(bytes))
}

/** Adds the unsigned HMAC commitment over every content key; its ID is `id(msg, 'none')`. */
export function commitUnsigned(msg: Message): Message {
  const keys = contentKeys(msg)
  return withCommitments(msg, { [hmacId(msg, keys)]: hmacCommitment(keys) })
}

function withSignature(msg: Message, wallet: Wallet, keys: string[], sig: Uint8Array, hmac: string): Message {
  const signed: Commitment = {
    'commitment-device': deviceOf(wallet.type),
    committer: wallet.address,
    keyid: keyidOf(wallet),
    signature: Buffer.from(sig).toString('base64url'),
    committed: keys,
  }
  return withCommitments(msg, { [signatureId(sig)]: signed, [hmac]: hmacCommitment(keys) })
}

// Encoded once per wallet: the scheduler signs with one wallet thousands of times a second.
const keyids = new WeakMap<Wallet, string>()
/** @internal */
export function keyidOf(wallet: Wallet): string {
  let k = keyids.get(wallet)
  if (k === undefined) keyids.set(wallet, (k = Buffer.from(wallet.publicKey).toString('base64url')))
  return k
}

function hmacCommitment(keys: readonly string[]): Commitment {
  return { 'commitment-device': 'hmac-sha256', committed: keys }
}

function withCommitments(msg: Message, added: Record<string, Commitment>): Message {
  return { ...msg, [COMMITMENTS]: { ...commitmentsOf(msg), ...added } }
}
