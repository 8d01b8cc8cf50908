/**
 * What the members and views of one pool on one node know of each other in-thread: a
 * view places tasks on a local member by a plain function call (no message, no promise
 * per hop), and a member tells local views at once when a slot frees. Members and views on
 * other nodes go through messages instead. @internal
 */
import type { Node, Pid } from '@troupe/core'
import type { Job, Status } from './protocol.js'

export type Done = (status: Status, value: unknown) => void

/** The in-thread face of a member. */
export interface LocalMember {
  readonly pid: Pid
  readonly running: number
  readonly capacity: number
  readonly closed: boolean
  admit(job: Job, timeout: number, signal: AbortSignal | undefined, done: Done): boolean
}

/** The in-thread face of a view. */
export interface LocalView {
  readonly pid: Pid
  /** True when the view reads local members in-thread (false: it uses messages, as for remote members). */
  readonly direct: boolean
  slotFreed(): void
  /** A running task it placed reported progress. */
  progressed(seq: number, value: unknown): void
}

export interface LocalPool {
  readonly members: Map<Pid, LocalMember>
  readonly views: Map<Pid, LocalView>
}

const registries = new WeakMap<Node, Map<string, LocalPool>>()

export function localPool(node: Node, pool: string): LocalPool {
  let byName = registries.get(node)
  if (byName === undefined) registries.set(node, (byName = new Map()))
  let p = byName.get(pool)
  if (p === undefined) byName.set(pool, (p = { members: new Map(), views: new Map() }))
  return p
}
