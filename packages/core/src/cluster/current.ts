/** The distribution of the node on this thread, for the free functions (`spawn`, `nodes`, ...). */
import type { Distribution } from './distribution.js'

let current: Distribution | null = null

/** @internal */
export function setCurrentDistribution(d: Distribution | null): void {
  current = d
}

/** @internal */
export function currentDistribution(): Distribution {
  if (current === null) throw new Error('this thread runs no cluster node: start one with startCluster()')
  return current
}

/** @internal */
export function peekCurrentDistribution(): Distribution | null {
  return current
}
