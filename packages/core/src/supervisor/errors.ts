/** The errors supervisors report, tagged so they survive a thread boundary (see ../errors.ts). */
import { defineError, describeReason } from '../errors.js'

/**
 * A child could not be started: its `init` threw or returned `stop(reason)`, or its spawn
 * failed (for example a name already taken). `startSupervisor`, `startChild`,
 * `restartChild` and `startDynamicChild` reject with it. `id` is `undefined` for the
 * children of a dynamic supervisor, which have none.
 */
export const ChildStartFailed = defineError<{ id: string | undefined; reason: unknown }>(
  'ChildStartFailed',
  (f) => `${f.id === undefined ? 'child' : `child ${JSON.stringify(f.id)}`} failed to start: ${describeReason(f.reason)}`,
)
export type ChildStartFailed = InstanceType<typeof ChildStartFailed>

/**
 * Why a supervisor refused an operation on a child: OTP's `{error, Reason}` results.
 * - `not_found`: no child with that id (or pid);
 * - `running`: `restartChild` / `deleteChild` of a running child;
 * - `restarting`: the child is between failed restart attempts;
 * - `already_present`: `startChild` with the id of a stopped child (use `restartChild`);
 * - `already_started`: `startChild` with the id of a running child (`pid` says which).
 */
export type SupervisorErrorReason = 'not_found' | 'running' | 'restarting' | 'already_present' | 'already_started'

/** A supervisor refused `operation` on `child` (an id, or a pid for dynamic supervisors). */
export const SupervisorError = defineError<{
  operation: string
  child: string
  reason: SupervisorErrorReason
  pid: string | undefined
}>('SupervisorError', (f) => `${f.operation}(${JSON.stringify(f.child)}): ${f.reason}${f.pid === undefined ? '' : ` (${f.pid})`}`)
export type SupervisorError = InstanceType<typeof SupervisorError>

/** `startDynamicChild` on a dynamic supervisor that already has `maxChildren` children. */
export const MaxChildren = defineError<{ max: number }>(
  'MaxChildren',
  (f) => `dynamic supervisor is full: it already has maxChildren (${f.max}) children`,
)
export type MaxChildren = InstanceType<typeof MaxChildren>
