/**
 * Where a task goes: a pure choice over the members' latest loads, so it can be replaced
 * (`openPool(..., { placement })`) and tested with a table.
 */
import type { Pid } from '@troupe/core'

/** A member as a view sees it: live for members on its own node, from load reports for others. */
export interface MemberLoad {
  readonly pid: Pid
  readonly node: string
  /** Tasks and placed children it holds slots for. */
  readonly running: number
  /** Its `maxConcurrency`. */
  readonly capacity: number
}

/**
 * Picks a member for a task, or `undefined` for none (the task then waits or is refused).
 * The member itself still admits or refuses: a stale load can only cost a retry of the
 * choice, never an overload.
 */
export type Placement = (members: readonly MemberLoad[], task: { readonly id: string; readonly name: string }) => Pid | undefined

/**
 * The default: the member with the lowest `running / capacity` that has a free slot; ties
 * go to the first such member at or after `start`, so equal members share work in turn.
 */
export function leastLoaded(members: readonly MemberLoad[], start = 0): Pid | undefined {
  const n = members.length
  let best: MemberLoad | undefined
  let bestLoad = Infinity
  for (let k = 0; k < n; k++) {
    const m = members[(start + k) % n]!
    if (m.running >= m.capacity) continue
    const load = m.running / m.capacity
    if (load < bestLoad) {
      best = m
      bestLoad = load
    }
  }
  return best?.pid
}
