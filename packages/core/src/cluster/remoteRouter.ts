/**
 * The one seam between a node and the cluster layer. A node with no cluster has
 * `remote === null` and behaves exactly as before; a node in a cluster hands every pid,
 * name and reply that is not its own to its router. Kept free of runtime imports so
 * `node.ts` can depend on it without a cycle.
 */
import type { Pid, Ref } from '../pid.js'
import type { Name } from '../name.js'
import type { ExitReason, ReplyTo } from '../messages.js'

/** @internal */
export interface RemoteRouter {
  /** A message (or a CastRequest) for a pid on another node. Dropped if that node is not connected. */
  send(to: Pid, msg: unknown): void
  /** A message (or a CastRequest) for `{ name, node }` on another node. */
  sendNamed(to: { readonly name: Name; readonly node: string }, msg: unknown): void
  call(to: Pid | { readonly name: Name; readonly node: string }, request: unknown, timeout: number, caller: Pid): Promise<unknown>
  /** The reply to a call made from another node. */
  reply(to: ReplyTo, value: unknown): void
  /** `exit(pid, reason)` for a pid on another node. */
  exit(to: Pid, reason: ExitReason, from: Pid): void
  /** Asks the other node to link; false when it is not connected (the caller reports `noconnection`). */
  link(from: Pid, to: Pid): boolean
  unlink(from: Pid, to: Pid): void
  /** A local process died while linked to a remote one. */
  linkExit(to: Pid, from: Pid, reason: ExitReason): void
  /** false when the node is not connected (the caller delivers DOWN `noconnection`). */
  monitor(watcher: Pid, target: Pid, ref: Ref): boolean
  demonitor(target: Pid, ref: Ref): void
  /** A local join or leave in a pg scope, for the other nodes' views. */
  pgChanged(scope: string, type: 'pg_join' | 'pg_leave', group: Name, pids: readonly Pid[]): void
}

/** @internal `{ name, node }` naming a node other than `self`. */
export function isRemoteName(to: unknown, self: string): to is { readonly name: Name; readonly node: string } {
  if (typeof to !== 'object' || to === null) return false
  const node = (to as { node?: unknown }).node
  return typeof node === 'string' && node !== self
}
