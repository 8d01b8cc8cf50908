import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { randomBytes } from 'node:crypto'
import { startCluster, type Cluster, type Node } from '@troupe/core'
import type { NatsNode } from '@troupe/nats'

/** What an entry module's default export is called with. */
export interface RunContext {
  /** This process's node: the first node of the cluster. */
  node: Node
  /** Arguments after `--`. */
  args: string[]
  /** The local cluster of worker-thread nodes (without `--nats`). */
  cluster?: Cluster
  /** This process's NATS node (with `--nats`): `nodes()`, `spawn`, global names. */
  nats?: NatsNode
}

export interface NatsRun {
  url: string
  cluster: string
  secret: string | undefined
}

type Entry = (ctx: RunContext) => unknown

/**
 * Starts the cluster, runs the entry's default export on the first node, stops the cluster.
 * Without `nats`, the other nodes are worker threads of this process; with it, they are
 * child processes joined through the NATS server at `nats.url`.
 */
export async function runEntry(entry: string, nodes: number, args: string[], nats?: NatsRun): Promise<number> {
  const path = resolve(entry)
  if (!existsSync(path)) {
    console.error(`troupe: entry module not found: ${entry}`)
    return 2
  }
  const mod = (await import(pathToFileURL(path).href)) as { default?: unknown }
  if (typeof mod.default !== 'function') {
    console.error(`troupe: ${entry} must have a default export function (ctx: { node, args, cluster | nats }) => unknown`)
    return 2
  }
  return nats === undefined ? runOnThreads(mod.default as Entry, nodes, args) : runOverNats(mod.default as Entry, nodes, args, nats)
}

/** Runs the entry, then stops every node whatever happened: exit code 0, or 1 if it threw. */
async function runThenStop(run: () => Promise<unknown>, stop: () => Promise<unknown>): Promise<number> {
  try {
    await run()
    return 0
  } catch (e) {
    console.error(e)
    return 1
  } finally {
    await stop()
  }
}

async function runOnThreads(main: Entry, nodes: number, args: string[]): Promise<number> {
  const cluster = await startCluster({ nodes })
  return runThenStop(
    async () => main({ cluster, node: cluster.node, args }),
    () => cluster.stop(),
  )
}

async function runOverNats(main: Entry, nodes: number, args: string[], o: NatsRun): Promise<number> {
  // Loaded only here: nothing that runs in one process needs the NATS client.
  const { forkNatsNodes, startNatsNode } = await import('@troupe/nats')
  // Every process this command starts shares one secret; a fresh one unless given.
  const secret = o.secret ?? randomBytes(24).toString('base64url')
  const nats = await startNatsNode({ servers: o.url, cluster: o.cluster, secret, name: 'main' })
  const children = await forkNatsNodes(nodes, { servers: o.url, cluster: o.cluster, secret }).catch(async (e: unknown) => {
    await nats.stop()
    throw e
  })
  return runThenStop(
    async () => {
      await nats.waitForNodes(nodes)
      await main({ nats, node: nats.node, args })
    },
    async () => {
      await Promise.all(children.map((c) => c.stop()))
      await nats.stop()
    },
  )
}
