/**
 * What runs on each worker node of the demo, spawned there by module URL: a host that joins
 * the node to the render pool, and a crash that takes the node down as a failure would.
 */
import type { Process } from '@troupe/core'
import { startPoolMember, type PoolMemberOptions } from '@troupe/pool'

/** Starts this node's pool member (its own Piscina threads) and stays, as a node's application would. */
export async function memberHost(ctx: Process, pool: string, options: PoolMemberOptions): Promise<void> {
  await startPoolMember(ctx, pool, options)
  await ctx.receive(() => false)
}

/** Takes the node it runs on down, as an uncaught crash would. */
export function crashNode(): void {
  setTimeout(() => process.exit(1), 0)
}
