/**
 * The pool's tagged errors. Each survives a thread boundary through core's
 * `encodeError`/`decodeError` with its tag and fields, and has a static `is()` guard.
 */
import { defineError } from '@troupe/core'

/** The name, message and stack of an error thrown by a task in a worker thread. */
export interface RemoteError {
  readonly name: string
  readonly message: string
  readonly stack: string | undefined
}

/**
 * Throw it from a task to say that running it again cannot help: the pool does not retry it.
 * @example
 * export function parse(text: string) {
 *   if (!text.startsWith('{')) throw new PermanentFailure({ reason: 'not JSON' })
 * }
 */
export const PermanentFailure = defineError<{ reason: string }>('PermanentFailure', (f) => `permanent failure: ${f.reason}`)
export type PermanentFailure = InstanceType<typeof PermanentFailure>

/**
 * A task failed for good. `reason` says why the pool stopped trying: attempts used up
 * (`max_retries`), the task threw {@link PermanentFailure} (`permanent_failure`), or the
 * threads or members running it died too many times (`max_reschedules`). `remote` is the
 * last error as thrown in the worker: name, message and stack.
 */
export const TaskFailed = defineError<{
  pool: string
  task: string
  reason: 'max_retries' | 'permanent_failure' | 'max_reschedules'
  attempts: number
  remote: RemoteError
}>('TaskFailed', (f) => `task ${f.task} on pool "${f.pool}" failed (${f.reason} after ${f.attempts} attempt(s)): ${f.remote.name}: ${f.remote.message}`)
export type TaskFailed = InstanceType<typeof TaskFailed>

/** Every member was at `maxConcurrency` and the pool does not queue (or its queue was full). */
export const AllMembersAtCapacity = defineError<{ pool: string; members: number; queued: number }>(
  'AllMembersAtCapacity',
  (f) => `every member of pool "${f.pool}" is at capacity (${f.members} member(s), ${f.queued} queued)`,
)
export type AllMembersAtCapacity = InstanceType<typeof AllMembersAtCapacity>

/** A task waited in the pool's queue longer than its `waitTimeout`; it never ran. */
export const WaitTimeout = defineError<{ pool: string; task: string; timeout: number }>(
  'WaitTimeout',
  (f) => `task ${f.task} waited more than ${f.timeout} ms for a member of pool "${f.pool}"`,
)
export type WaitTimeout = InstanceType<typeof WaitTimeout>

/** A task ran longer than its `timeout`; its thread was stopped and replaced. */
export const ExecutionTimeout = defineError<{ pool: string; task: string; timeout: number; attempts: number }>(
  'ExecutionTimeout',
  (f) => `task ${f.task} on pool "${f.pool}" ran more than ${f.timeout} ms (attempt ${f.attempts})`,
)
export type ExecutionTimeout = InstanceType<typeof ExecutionTimeout>

/** The caller's `AbortSignal` fired; a running task's thread was stopped and replaced. */
export const TaskAborted = defineError<{ pool: string; task: string; reason: string }>(
  'TaskAborted',
  (f) => `task ${f.task} on pool "${f.pool}" was aborted: ${f.reason}`,
)
export type TaskAborted = InstanceType<typeof TaskAborted>

/** The pool view was closed (or its node shut down) before the task finished. */
export const PoolClosed = defineError<{ pool: string }>('PoolClosed', (f) => `pool "${f.pool}" was closed`)
export type PoolClosed = InstanceType<typeof PoolClosed>
