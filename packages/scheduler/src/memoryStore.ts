import type { Assignment } from './assignment.js'
import { StoreClosed } from './errors.js'
import { checkProcId, checkRange, checkWrite, type AssignmentStore, type Latest } from './store.js'

/** Decides whether a write fails: return the error to reject it with, or `undefined`. */
export type FailWrite = (procId: string, slots: readonly number[]) => Error | undefined

export interface MemoryStoreOptions {
  /** Failure injection for tests. Default: none. */
  readonly failWrite?: FailWrite
}

/** An in-memory {@link AssignmentStore} for tests, with failure injection. */
export interface MemoryStore extends AssignmentStore {
  /** Replaceable at run time, e.g. to fail only the next write. */
  failWrite: FailWrite | undefined
}

/**
 * Creates a store that keeps (structured-cloned) assignments in memory: a write is
 * "durable" as soon as it resolves, and data is gone with the object.
 * @example const store = createMemoryStore({ failWrite: (p, slots) => slots.includes(3) ? new Error('disk') : undefined })
 */
export function createMemoryStore(options: MemoryStoreOptions = {}): MemoryStore {
  // Slots have no gaps, so a process's array index is its slot.
  const procs = new Map<string, Assignment[]>()
  let closed = false
  const open = (): void => {
    if (closed) throw new StoreClosed({ store: 'memory' })
  }
  const store: MemoryStore = {
    failWrite: options.failWrite,
    async latest(procId) {
      open()
      checkProcId(procId)
      const list = procs.get(procId)
      const last = list?.[list.length - 1]
      if (last === undefined) return undefined
      return { slot: last.slot, hashChain: last.hashChain, assignment: structuredClone(last) } satisfies Latest
    },
    async read(procId, from, to = Number.MAX_SAFE_INTEGER, limit = Infinity) {
      open()
      checkRange(procId, from, to, limit)
      const list = procs.get(procId) ?? []
      const end = Math.min(list.length, to + 1, from + limit)
      return structuredClone(list.slice(from, Math.max(from, end)))
    },
    async write(procId, assignments) {
      open()
      const list = procs.get(procId) ?? []
      checkWrite(procId, assignments, list.length - 1)
      const err = store.failWrite?.(
        procId,
        assignments.map((a) => a.slot),
      )
      if (err !== undefined) throw err
      for (const a of structuredClone(assignments)) list.push(a)
      procs.set(procId, list)
    },
    async close() {
      closed = true
    },
  }
  return store
}
