/**
 * The setup module of each forked node: the node lends one Piscina thread to the 'crunch'
 * pool by starting a pool member, which joins the pool's pg group, visible cluster-wide.
 */
import { startPoolMember } from '@troupe/pool'
import type { NatsNode } from '@troupe/nats'

export async function start(n: NatsNode): Promise<void> {
  await startPoolMember(n.node, 'crunch', { min: 1, max: 1, maxConcurrency: 2 })
}
