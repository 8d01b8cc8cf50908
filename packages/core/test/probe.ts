/**
 * A test probe: a process-style actor whose context the test drives directly and whose
 * messages the test awaits, so tests wait on events instead of sleeping.
 */
import type { Node, Process, Pid, SpawnOptions } from '../src/index.js'

/** Node 20 has no Promise.withResolvers. */
export function deferred<T>(): { promise: Promise<T>; resolve: (v: T) => void; reject: (e: unknown) => void } {
  let resolve!: (v: T) => void
  let reject!: (e: unknown) => void
  const promise = new Promise<T>((res, rej) => {
    resolve = res
    reject = rej
  })
  return { promise, resolve, reject }
}

export interface Probe {
  pid: Pid
  ctx: Process
  /** Resolves with the next message `match` accepts, in arrival order. */
  next<T = unknown>(match?: (m: unknown) => boolean): Promise<T>
  /** Messages received and not yet taken by `next`. */
  buffered(): unknown[]
  /** Resolves with the probe's exit reason. */
  exited: Promise<unknown>
}

export async function probe(node: Node, opts?: SpawnOptions): Promise<Probe> {
  const buffer: unknown[] = []
  let waiter: { match: ((m: unknown) => boolean) | undefined; resolve: (m: unknown) => void } | null = null
  const ready = deferred<Process>()
  const exited = deferred<unknown>()
  const pid = node.spawn(
    async (ctx: Process) => {
      ready.resolve(ctx)
      for (;;) {
        const m = await ctx.receive()
        if (waiter && (waiter.match === undefined || waiter.match(m))) {
          const w = waiter
          waiter = null
          w.resolve(m)
        } else buffer.push(m)
      }
    },
    [],
    opts,
  )
  const ctx = await ready.promise
  watchExit(node, pid, exited.resolve)
  return {
    pid,
    ctx,
    exited: exited.promise,
    buffered: () => buffer.slice(),
    next<T>(match?: (m: unknown) => boolean): Promise<T> {
      const i = buffer.findIndex((m) => match === undefined || match(m))
      if (i >= 0) return Promise.resolve(buffer.splice(i, 1)[0] as T)
      if (waiter) throw new Error('probe.next already pending')
      return new Promise<T>((resolve) => {
        waiter = { match, resolve: resolve as (m: unknown) => void }
      })
    },
  }
}

/** Calls `onExit(reason)` when `pid` exits, through the node's inspection stream. */
export function watchExit(node: Node, pid: Pid, onExit: (reason: unknown) => void): void {
  const off = node.inspect((e) => {
    if (e.type === 'exit' && e.pid === pid) {
      off()
      onExit(e.reason)
    }
  })
}

/** Resolves with the exit reason of `pid`. */
export function exitOf(node: Node, pid: Pid): Promise<unknown> {
  return new Promise((resolve) => {
    if (!node.isAlive(pid)) throw new Error(`${pid} is already dead`)
    watchExit(node, pid, resolve)
  })
}

/** Lets every queued process run (several microtask turns). */
export async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await Promise.resolve()
}
