import { nextHashChain } from './hashChain.js'
import { id } from './id.js'
import type { Message } from './message.js'

/**
 * A message given a slot of an AO process. Stores keep these as they are; `body` is what the
 * scheduler accepted (normally `committedView` of the incoming message).
 */
export interface Assignment {
  /** The AO process ID. */
  readonly process: string
  readonly slot: number
  /** `id(body, 'all')`. */
  readonly message: string
  readonly hashChain: string
  /** Milliseconds since the epoch, from the scheduler's (injectable) clock. */
  readonly timestamp: number
  readonly body: Message
  /**
   * What the scheduler server signed, in a compact form: with the fields above it rebuilds the
   * signed assignment message exactly (`toAssignmentMessage`). Absent on records made by
   * {@link nextAssignment} alone.
   */
  readonly signed?: SignedFields
  /** The signed assignment message without its `body`, for one {@link SignedFields} cannot describe. */
  readonly envelope?: Message
}

/**
 * The signed part of an `ao.N.1` assignment, positional to keep records small and quick to
 * decode (the signature and HMAC commitments always cover the same fixed key list, so the
 * lists need not be stored):
 * `[path, block-height, block-hash, block-timestamp, commitment-device, committer, keyid,
 *   signature, signature commitment ID, HMAC commitment ID]`.
 */
export type SignedFields = readonly [string, number, string, number, string, string, string, string, string, string]

/**
 * The assignment that follows `prev` (or slot 0 when there is none): slot + 1 and the
 * extended hash chain. Pure: persisting it is the store's job.
 * @example const a0 = nextAssignment(undefined, procId, spawnMsg, clock.now())
 */
export function nextAssignment(
  prev: { readonly slot: number; readonly hashChain: string } | undefined,
  process: string,
  body: Message,
  timestamp: number,
): Assignment {
  const message = id(body, 'all')
  return {
    process,
    slot: prev === undefined ? 0 : prev.slot + 1,
    message,
    hashChain: nextHashChain(prev?.hashChain, message),
    timestamp,
    body,
  }
}
