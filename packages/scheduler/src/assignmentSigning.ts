/**
 * The scheduler's hot path for signing an assignment, equivalent to `commitWith` followed by
 * `toRecord` but without building the commitment maps twice: the canonical bytes use the
 * fixed key list of an assignment (no key sort) and the body's ID known from the hash chain
 * step; once signed, the compact record is built directly and the client's message is
 * `toAssignmentMessage` of it, exactly what a later `getSchedule` returns. @internal
 */
import type { Assignment, SignedFields } from './assignment.js'
import { ASSIGNMENT_KEYS, toAssignmentMessage, type AssignmentMessage } from './assignmentMessage.js'
import { keyidOf } from './commit.js'
import { fastAssignmentBytes } from './assignmentBytes.js'
import { canonicalBytesKnowing, hmacOfBytes, signatureId } from './id.js'
import { deviceOf } from './message.js'
import type { Wallet } from './wallet.js'

/** The bytes both commitments of `unsigned` cover; `record.message` is `id(record.body, 'all')`. */
export function assignmentBytes(record: Assignment, unsigned: AssignmentMessage): Uint8Array {
  if (unsigned.body === record.body) {
    const fast = fastAssignmentBytes(unsigned, record.message)
    if (fast !== undefined) return fast
  }
  return canonicalBytesKnowing(unsigned, ASSIGNMENT_KEYS, { msg: record.body, id: record.message })
}

/**
 * The stored record and the client's message, once `bytes` are signed with `sig`; `known` is
 * `[base64url(sig), signatureId(sig), hmacOfBytes(bytes)]` when the signer computed them.
 */
export function signedAssignment(
  record: Assignment,
  unsigned: AssignmentMessage,
  wallet: Wallet,
  bytes: Uint8Array,
  sig: Uint8Array,
  known?: readonly [string, string, string],
): { readonly msg: AssignmentMessage; readonly stored: Assignment } {
  const signed: SignedFields = [
    unsigned.path,
    unsigned['block-height'],
    unsigned['block-hash'],
    unsigned['block-timestamp'],
    deviceOf(wallet.type),
    wallet.address,
    keyidOf(wallet),
    known?.[0] ?? Buffer.from(sig.buffer, sig.byteOffset, sig.byteLength).toString('base64url'),
    known?.[1] ?? signatureId(sig),
    known?.[2] ?? hmacOfBytes(bytes),
  ]
  const stored: Assignment = {
    process: record.process,
    slot: record.slot,
    message: record.message,
    hashChain: record.hashChain,
    timestamp: record.timestamp,
    body: record.body,
    signed,
  }
  return { msg: toAssignmentMessage(stored), stored }
}
