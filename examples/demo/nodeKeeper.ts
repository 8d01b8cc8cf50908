/**
 * A node keeper: a behaviour that starts one worker-thread node, joins it to the pool, and
 * exits with `noconnection` when that node goes down. Under a one_for_one supervisor, its
 * restart starts a replacement node: the supervisor keeps the cluster at strength.
 */
import { actorRef, defineBehaviour, isNodeDownMessage, stop, type ChildSpec, type Cluster, type Process } from '@troupe/core'
import type { PoolMemberOptions } from '@troupe/pool'
import type * as App from './nodeApp.js'

const memberHost = actorRef<typeof App.memberHost>(new URL('./nodeApp.ts', import.meta.url), 'memberHost')

export type NodeEvent = { type: 'up'; node: string } | { type: 'down'; node: string; reason: unknown }

/** A permanent child that keeps one node of the cluster in the pool. */
export function keeperChild(id: string, cluster: Cluster, pool: string, member: PoolMemberOptions, onEvent: (e: NodeEvent) => void): ChildSpec {
  const keeper = defineBehaviour({
    async init(ctx: Process) {
      // Trapped, so a supervisor's shutdown runs terminate, which stops the node.
      ctx.trapExit(true)
      const node = await cluster.startNode()
      cluster.monitorNode(ctx, node)
      await cluster.spawn(node, memberHost, [pool, member])
      onEvent({ type: 'up', node })
      return { node }
    },
    handleInfo(m: unknown, kept: { node: string }) {
      if (!isNodeDownMessage(m) || m.node !== kept.node) return kept
      onEvent({ type: 'down', node: m.node, reason: m.reason })
      return stop('noconnection', kept)
    },
    terminate(reason: unknown, kept: { node: string }) {
      // A node that died needs nothing; on an orderly shutdown, stop it too.
      if (reason !== 'noconnection') return cluster.stopNode(kept.node).catch(() => {})
    },
  })
  return { id, start: { actor: keeper }, restart: 'permanent', shutdown: 10_000 }
}
