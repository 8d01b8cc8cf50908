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

/** A scheduling mode that does not exist, found when a server is created (never a hang). */
export const UnknownSchedulingMode = defineError<{ mode: string }>(
  'UnknownSchedulingMode',
  (f) => `unknown scheduling mode ${f.mode}: expected one of aggressive, local_confirmation, remote_confirmation, disabled`,
)
export type UnknownSchedulingMode = InstanceType<typeof UnknownSchedulingMode>

/** Scheduling is `disabled` on this node (or for this process): no server is created. */
export const SchedulingDisabled = defineError<{ procId: string }>(
  'SchedulingDisabled',
  (f) => `scheduling is disabled: no scheduler server for ${f.procId}`,
)
export type SchedulingDisabled = InstanceType<typeof SchedulingDisabled>

/** A scheduler request got no answer in time. It consumed no slot unless one was already reserved for it. */
export const SchedulerTimeout = defineError<{ procId: string; timeout: number }>(
  'SchedulerTimeout',
  (f) => `scheduler request for ${f.procId} timed out after ${f.timeout} ms`,
)
export type SchedulerTimeout = InstanceType<typeof SchedulerTimeout>

/** The server stopped (or was killed) before answering; a request not yet given a slot never gets one. */
export const SchedulerStopped = defineError<{ procId: string; reason: string }>(
  'SchedulerStopped',
  (f) => `scheduler server for ${f.procId} stopped: ${f.reason}`,
)
export type SchedulerStopped = InstanceType<typeof SchedulerStopped>

/** No live scheduler server for the process on this node. */
export const SchedulerNotFound = defineError<{ procId: string; node: string }>(
  'SchedulerNotFound',
  (f) => `no scheduler server for ${f.procId} on node ${f.node}`,
)
export type SchedulerNotFound = InstanceType<typeof SchedulerNotFound>

/** The registry needs its wallet: `await registry.start()` first (or pass `wallet`). */
export const RegistryNotStarted = defineError<{ node: string }>(
  'RegistryNotStarted',
  (f) => `the scheduler registry of node ${f.node} is not started: await registry.start() or pass options.wallet`,
)
export type RegistryNotStarted = InstanceType<typeof RegistryNotStarted>

/** A message whose commitments do not verify. It consumed no slot. */
export const UnverifiedMessage = defineError<{ procId: string; reason: string }>(
  'UnverifiedMessage',
  (f) => `message for ${f.procId} rejected: ${f.reason}`,
)
export type UnverifiedMessage = InstanceType<typeof UnverifiedMessage>

/**
 * Making an assignment failed at `stage` for `slot`. `sign` and `persist` failures consume no
 * slot: that slot and every later one in flight are failed and handed out again. `aborted`
 * is a later request failed with them. A `publish` failure happens after the assignment is
 * durable: the slot stays taken, the client is told.
 */
export const AssignmentFailed = defineError<{ procId: string; slot: number; stage: 'sign' | 'persist' | 'publish' | 'aborted'; reason: string }>(
  'AssignmentFailed',
  (f) => `assignment ${f.procId}#${f.slot} failed at ${f.stage}: ${f.reason}`,
)
export type AssignmentFailed = InstanceType<typeof AssignmentFailed>
