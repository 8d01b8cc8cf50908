import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { startCluster, type Cluster, type Node } from '@troupe/core'

/** What an entry module's default export is called with. */
export interface RunContext {
  cluster: Cluster
  /** This thread's node: the first node of the cluster. */
  node: Node
  /** Arguments after `--`. */
  args: string[]
}

/** Starts the cluster, runs the entry's default export on the first node, stops the cluster. */
export async function runEntry(entry: string, nodes: number, args: string[]): Promise<number> {
  const path = resolve(entry)
  if (!existsSync(path)) {
    console.error(`troupe: entry module not found: ${entry}`)
    return 2
  }
  const mod = (await import(pathToFileURL(path).href)) as { default?: unknown }
  if (typeof mod.default !== 'function') {
    console.error(`troupe: ${entry} must have a default export function (ctx: { cluster, node, args }) => unknown`)
    return 2
  }
  const cluster = await startCluster({ nodes })
  try {
    await (mod.default as (ctx: RunContext) => unknown)({ cluster, node: cluster.node, args })
    return 0
  } catch (e) {
    console.error(e)
    return 1
  } finally {
    await cluster.stop()
  }
}
