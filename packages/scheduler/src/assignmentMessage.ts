import type { Assignment } from './assignment.js'
import type { Message } from './message.js'

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

/**
 * The assignment message a stored record stands for: the signed one the server made, or, for
 * a record stored without an envelope, the unsigned one stamped with {@link zeroBlock}.
 */
export function toAssignmentMessage(record: Assignment): AssignmentMessage {
  if (record.envelope === undefined) return unsignedAssignmentMessage(record, zeroBlock)
  return { ...record.envelope, body: record.body } as AssignmentMessage
}

/** The record a store keeps for a signed assignment message. @internal */
export function toRecord(record: Assignment, signed: AssignmentMessage): Assignment {
  const { body: _body, ...envelope } = signed
  return { ...record, envelope }
}
