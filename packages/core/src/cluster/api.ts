/**
 * The cluster functions an actor uses from any node, Erlang style: `spawn(node, ...)`,
 * `node()`, `nodes()`, `monitorNode`. They act for the node of the calling process (or,
 * without one, the node of this thread).
 */
import type { SpawnOptions } from '../node.js'
import type { Process } from '../process.js'
import type { Ref } from '../pid.js'
import { describe } from '../validate.js'
import { distributionOf, type Distribution } from './distribution.js'
import { currentDistribution } from './current.js'
import type { ActorArgs, ActorPid, ActorRef } from './actorRef.js'

function distOf(ctx: Process): Distribution {
  if (typeof ctx !== 'object' || ctx === null || typeof (ctx as { self?: unknown }).self !== 'string')
    throw new TypeError(`ctx must be a process context, got ${describe(ctx)}`)
  const d = distributionOf(ctx.node)
  if (d === undefined) throw new Error(`node ${ctx.node.name} is not in a cluster`)
  return d
}

/**
 * Spawns `ref` on `node` (Erlang's `spawn(Node, M, F, A)`); resolves with its pid.
 * Rejects with `SpawnFailed` if the node is not connected or the actor cannot be loaded.
 */
export function spawn<A>(node: string, ref: ActorRef<A>, args?: ActorArgs<A>, opts?: SpawnOptions): Promise<ActorPid<A>> {
  return currentDistribution()
    .spawn(node, ref as ActorRef, args as unknown[] | undefined, opts, null, 0)
    .then((r) => r.pid as ActorPid<A>)
}

/** Spawns `ref` on `node` linked to `ctx`, atomically (the link exists before the child runs). */
export function spawnLink<A>(ctx: Process, node: string, ref: ActorRef<A>, args?: ActorArgs<A>, opts?: SpawnOptions): Promise<ActorPid<A>> {
  ctx.assertAlive()
  return distOf(ctx)
    .spawn(node, ref as ActorRef, args as unknown[] | undefined, opts, ctx, 1)
    .then((r) => r.pid as ActorPid<A>)
}

/**
 * Starts a behaviour `ref` on `node` linked to `ctx` and waits for its `init`
 * (`proc_lib:start_link` on another node): resolves with the pid, or rejects with
 * `InitFailed` (init failed) or `SpawnFailed` (node not connected, module not loadable).
 */
export function startLink<A>(ctx: Process, node: string, ref: ActorRef<A>, args?: ActorArgs<A>, opts?: SpawnOptions): Promise<ActorPid<A>> {
  ctx.assertAlive()
  return distOf(ctx)
    .spawn(node, ref as ActorRef, args as unknown[] | undefined, opts, ctx, 3)
    .then((r) => r.pid as ActorPid<A>)
}

/** Spawns `ref` on `node` monitored by `ctx`, atomically. */
export function spawnMonitor<A>(ctx: Process, node: string, ref: ActorRef<A>, args?: ActorArgs<A>, opts?: SpawnOptions): Promise<{ pid: ActorPid<A>; ref: Ref }> {
  ctx.assertAlive()
  return distOf(ctx)
    .spawn(node, ref as ActorRef, args as unknown[] | undefined, opts, ctx, 2)
    .then((r) => ({ pid: r.pid as ActorPid<A>, ref: r.ref }))
}

/** The name of this thread's node. */
export function node(): string {
  return currentDistribution().node.name
}

/** The other nodes this thread's node is connected to (Erlang's `nodes()`). */
export function nodes(): string[] {
  return currentDistribution().nodes()
}

/** `ctx` gets one `{ type: 'nodedown', node, reason }` when `node` goes down (at once if not connected). */
export function monitorNode(ctx: Process, node: string): void {
  ctx.assertAlive()
  distOf(ctx).monitorNode(ctx.self, node)
}

/** `ctx` gets every `nodeup` and `nodedown` from now on. */
export function monitorNodes(ctx: Process): void {
  ctx.assertAlive()
  distOf(ctx).monitorNodes(ctx.self)
}

/** Cancels monitorNode (`node`) or monitorNodes (`null`). */
export function demonitorNode(ctx: Process, node: string | null): void {
  distOf(ctx).demonitorNode(ctx.self, node)
}
