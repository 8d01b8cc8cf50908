/**
 * Tagged errors of @troupe/scheduler, declared with @troupe/core's `defineError`, so they
 * carry a stable tag, a static `is()` guard, and survive a thread boundary through core's
 * `encodeError` / `decodeError` (the classes are registered on declaration).
 */
import { defineError } from '@troupe/core'

/** A message breaks the message model (bad value type, reserved key, malformed commitments). */
export const InvalidMessage = defineError<{ reason: string }>('InvalidMessage', (f) => `invalid message: ${f.reason}`)
export type InvalidMessage = InstanceType<typeof InvalidMessage>

/** Key material that `importWallet` cannot use. */
export const InvalidWallet = defineError<{ reason: string }>('InvalidWallet', (f) => `invalid wallet: ${f.reason}`)
export type InvalidWallet = InstanceType<typeof InvalidWallet>

/** Not a 43-character base64url encoding of 32 bytes. */
export const InvalidProcessId = defineError<{ procId: string }>(
  'InvalidProcessId',
  (f) => `invalid process id ${JSON.stringify(f.procId)}: expected 43 base64url characters encoding 32 bytes`,
)
export type InvalidProcessId = InstanceType<typeof InvalidProcessId>

/** An option failed validation at a public boundary. */
export const InvalidOption = defineError<{ option: string; expected: string }>(
  'InvalidOption',
  (f) => `${f.option} must be ${f.expected}`,
)
export type InvalidOption = InstanceType<typeof InvalidOption>

/** A write whose first slot is not the one after the process's last slot: a slot would be given twice or skipped. */
export const SlotConflict = defineError<{ procId: string; expected: number; got: number }>(
  'SlotConflict',
  (f) => `slot conflict for ${f.procId}: expected slot ${f.expected}, got ${f.got}`,
)
export type SlotConflict = InstanceType<typeof SlotConflict>

/** An assignment that does not belong in the write it was passed to. */
export const InvalidAssignment = defineError<{ procId: string; slot: number; reason: string }>(
  'InvalidAssignment',
  (f) => `invalid assignment ${f.procId}#${f.slot}: ${f.reason}`,
)
export type InvalidAssignment = InstanceType<typeof InvalidAssignment>

/** An operation on a store after `close()`. */
export const StoreClosed = defineError<{ store: string }>('StoreClosed', (f) => `${f.store} store is closed`)
export type StoreClosed = InstanceType<typeof StoreClosed>
