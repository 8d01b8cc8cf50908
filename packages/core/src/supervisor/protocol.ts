/**
 * The calls a supervisor answers, shared by both kinds, and the client side that turns
 * OTP-style `{ ok } | { error }` replies into resolved values or typed rejections.
 * Replies are plain data; errors are built at the call site so their stack points there.
 */
import { Node } from '../node.js'
import { Process, type ProcessContext } from '../process.js'
import type { Pid } from '../pid.js'
import type { Name } from '../name.js'
import type { ExitReason } from '../messages.js'
import { describe } from '../validate.js'
import type { ChildType, NormalizedChildSpec } from './childSpec.js'
import { ChildStartFailed, MaxChildren, SupervisorError, type SupervisorErrorReason } from './errors.js'

/** Where supervisor functions act from: a node (outside any process) or a process's context. */
export type NodeOrContext = Node | ProcessContext

/** A supervisor, by pid or by registered name. */
export type SupervisorRef = Pid | { readonly name: Name }

/** One child, as `whichChildren` lists it (OTP's `{Id, Child, Type, Modules}`). */
export interface ChildInfo {
  /** The spec's id; `undefined` for the children of a dynamic supervisor. */
  readonly id: string | undefined
  /** The running process, `'restarting'` between failed restart attempts, or `undefined` when stopped. */
  readonly pid: Pid | 'restarting' | undefined
  readonly type: ChildType
}

/** What `countChildren` returns (OTP's `count_children/1`). */
export interface ChildCounts {
  /** Children, running or not. */
  readonly specs: number
  /** Children whose process is alive. */
  readonly active: number
  readonly supervisors: number
  readonly workers: number
}

/** @internal */
export type SupervisorRequest =
  | { readonly $supervisor: 'which_children' | 'count_children' }
  | { readonly $supervisor: 'start_child'; readonly spec: NormalizedChildSpec }
  | { readonly $supervisor: 'terminate_child' | 'restart_child' | 'delete_child'; readonly child: string }
  | { readonly $supervisor: 'stop'; readonly reason: ExitReason }

/** @internal A supervisor's note to itself to try a failed restart again (OTP's `try_again_restart`). */
export interface RetryMessage {
  readonly $supervisor: 'retry'
  /** The child's id, or its last pid for a dynamic supervisor. */
  readonly child: string
}

/** @internal */
export function isRetryMessage(m: unknown): m is RetryMessage {
  return typeof m === 'object' && m !== null && (m as { $supervisor?: unknown }).$supervisor === 'retry'
}

/** @internal */
export type SupervisorReply =
  | { readonly ok: true; readonly value: unknown }
  | { readonly ok: false; readonly error: SupervisorErrorReason; readonly pid?: Pid }
  | { readonly ok: false; readonly error: 'start_failed'; readonly reason: unknown }
  | { readonly ok: false; readonly error: 'max_children'; readonly max: number }

/** @internal */
export const OK: SupervisorReply = { ok: true, value: undefined }

/** @internal */
export function refuse(error: SupervisorErrorReason, pid?: Pid): SupervisorReply {
  return pid === undefined ? { ok: false, error } : { ok: false, error, pid }
}

/** @internal */
export function assertFrom(from: unknown): asserts from is NodeOrContext {
  if (!(from instanceof Node) && !(from instanceof Process))
    throw new TypeError(`from must be a Node or a process context, got ${describe(from)}`)
}

/**
 * @internal
 * Calls the supervisor and unwraps its reply. No timeout, as OTP's supervisor calls: the
 * supervisor answers once the children involved have started or stopped, which takes as
 * long as their `init` and shutdown take.
 */
export async function callSupervisor<T>(
  from: NodeOrContext,
  sup: SupervisorRef,
  request: SupervisorRequest,
  operation: string,
  child: string | undefined,
): Promise<T> {
  const opts = { timeout: Infinity }
  const reply = (await (from instanceof Process
    ? from.call(sup as Pid, request, opts)
    : from.call(sup as Pid, request, opts))) as SupervisorReply
  if (reply.ok) return reply.value as T
  if (reply.error === 'start_failed') throw new ChildStartFailed({ id: child, reason: reply.reason })
  if (reply.error === 'max_children') throw new MaxChildren({ max: reply.max })
  throw new SupervisorError({ operation, child: child ?? '', reason: reply.error, pid: reply.pid })
}

/** @internal */
export function countOf(children: Iterable<{ readonly spec: NormalizedChildSpec; readonly pid: Pid | undefined; readonly restarting: boolean }>): ChildCounts {
  let specs = 0
  let active = 0
  let supervisors = 0
  for (const c of children) {
    specs++
    if (c.pid !== undefined && !c.restarting) active++
    if (c.spec.type === 'supervisor') supervisors++
  }
  return { specs, active, supervisors, workers: specs - supervisors }
}
