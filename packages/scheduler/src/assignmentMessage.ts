import type { Assignment, SignedFields } from './assignment.js'
import { COMMITMENTS, commitmentsOf, contentKeys, isSigned, type Commitment, type CommitmentDevice, type Commitments, type Message } from './message.js'

/**
 * The chain block an assignment is stamped with. HyperBEAM asks Arweave for the current
 * block; here a provider is injected, and a node without one stamps {@link zeroBlock}.
 */
export interface BlockInfo {
  readonly height: number
  /** base64url, 43 characters. */
  readonly hash: string
  /** Seconds since the epoch, as Arweave's block timestamps. */
  readonly timestamp: number
}

/** Called once per assignment, on the server's thread: keep it synchronous and cheap (cache). */
export type BlockInfoProvider = () => BlockInfo

/** The default block: height 0, 32 zero bytes, timestamp 0. */
export const zeroBlock: BlockInfo = Object.freeze({ height: 0, hash: 'A'.repeat(43), timestamp: 0 })

/**
 * What a scheduler hands out for a message: an AO assignment (variant `ao.N.1`), signed by the
 * node's wallet over every key. `body` is the scheduled message, as its signers committed it.
 */
export type AssignmentMessage = Message & {
  /** The scheduled message's `path`, or `compute`. */
  readonly path: string
  readonly 'data-protocol': 'ao'
  readonly variant: 'ao.N.1'
  readonly process: string
  readonly epoch: '0'
  readonly slot: number
  readonly 'block-height': number
  readonly 'block-hash': string
  readonly 'block-timestamp': number
  /** Milliseconds since the epoch, from the scheduler's clock. */
  readonly timestamp: number
  /** base64url(sha256(previous chain || ascii(id(body, 'all')))). */
  readonly 'hash-chain': string
  readonly body: Message
}

/** The unsigned assignment message for a record, stamped with `block`. @internal */
export function unsignedAssignmentMessage(record: Assignment, block: BlockInfo): AssignmentMessage {
  const path = record.body['path']
  return {
    path: typeof path === 'string' ? path : 'compute',
    'data-protocol': 'ao',
    variant: 'ao.N.1',
    process: record.process,
    epoch: '0',
    slot: record.slot,
    'block-height': block.height,
    'block-hash': block.hash,
    'block-timestamp': block.timestamp,
    timestamp: record.timestamp,
    'hash-chain': record.hashChain,
    body: record.body,
  }
}

/** The keys of an assignment message (sorted): what its commitments cover. */
export const ASSIGNMENT_KEYS: readonly string[] = Object.freeze([
  'block-hash',
  'block-height',
  'block-timestamp',
  'body',
  'data-protocol',
  'epoch',
  'hash-chain',
  'path',
  'process',
  'slot',
  'timestamp',
  'variant',
])

/**
 * The assignment message a stored record stands for: the signed one the server made, or, for
 * a record stored without what was signed, the unsigned one stamped with {@link zeroBlock}.
 */
export function toAssignmentMessage(record: Assignment): AssignmentMessage {
  const s = record.signed
  if (s !== undefined) {
    const signed: Commitment = {
      'commitment-device': s[4] as CommitmentDevice,
      committer: s[5],
      keyid: s[6],
      signature: s[7],
      committed: ASSIGNMENT_KEYS,
    }
    const hmac: Commitment = { 'commitment-device': 'hmac-sha256', committed: ASSIGNMENT_KEYS }
    return {
      path: s[0],
      'data-protocol': 'ao',
      variant: 'ao.N.1',
      process: record.process,
      epoch: '0',
      slot: record.slot,
      'block-height': s[1],
      'block-hash': s[2],
      'block-timestamp': s[3],
      timestamp: record.timestamp,
      'hash-chain': record.hashChain,
      body: record.body,
      [COMMITMENTS]: commitmentsMap(s[8], signed, s[9], hmac),
    }
  }
  if (record.envelope !== undefined) return { ...record.envelope, body: record.body } as AssignmentMessage
  return unsignedAssignmentMessage(record, zeroBlock)
}

/**
 * `{ [sigId]: signed, [hmacId]: hmac }` without a prototype: keyed by IDs never seen twice,
 * a literal would give every assignment two new hidden classes (3x slower to build, and
 * garbage the engine keeps); a null-prototype object is a plain dictionary. Still a message.
 */
function commitmentsMap(sigId: string, signed: Commitment, hmacId: string, hmac: Commitment): Commitments {
  const cs = Object.create(null) as Record<string, Commitment>
  cs[sigId] = signed
  cs[hmacId] = hmac
  return cs
}

/**
 * The record a store keeps for a signed assignment message: the compact {@link SignedFields}
 * when they describe it exactly (one signature and its HMAC, over the standard keys), else
 * the whole message but its body. @internal
 */
export function toRecord(record: Assignment, msg: AssignmentMessage): Assignment {
  const cs = Object.entries(commitmentsOf(msg))
  const sig = cs.find(([, c]) => isSigned(c))
  const hmac = cs.find(([, c]) => c['commitment-device'] === 'hmac-sha256')
  const standard =
    cs.length === 2 &&
    sig !== undefined &&
    hmac !== undefined &&
    sameKeys(sig[1].committed) &&
    sameKeys(hmac[1].committed) &&
    sameKeys(contentKeys(msg)) &&
    typeof sig[1].committer === 'string' &&
    typeof sig[1].keyid === 'string' &&
    typeof sig[1].signature === 'string'
  if (standard) {
    const signed: SignedFields = [
      msg.path,
      msg['block-height'],
      msg['block-hash'],
      msg['block-timestamp'],
      sig[1]['commitment-device'],
      sig[1].committer!,
      sig[1].keyid!,
      sig[1].signature!,
      sig[0],
      hmac[0],
    ]
    return { ...record, signed }
  }
  const { body: _body, ...envelope } = msg
  return { ...record, envelope }
}

function sameKeys(keys: readonly string[]): boolean {
  return keys.length === ASSIGNMENT_KEYS.length && keys.every((k, i) => k === ASSIGNMENT_KEYS[i])
}
