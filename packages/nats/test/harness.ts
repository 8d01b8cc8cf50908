/**
 * Test support: a nats-server per suite (or a skip with a message when it is not installed,
 * and a failure when CI=true), and a probe process whose messages a test awaits.
 */
import { findNatsServer } from '../src/index.js'
import type { Node, Pid, Process } from '@troupe/core'

export const natsInstalled = findNatsServer() !== null
if (!natsInstalled) {
  if (process.env.CI === 'true') throw new Error('nats-server is not installed, and CI=true: the NATS suites must run in CI (apt-get install nats-server)')
  console.warn('@troupe/nats tests skipped: nats-server is not installed (apt-get install nats-server)')
}

export interface Probe {
  pid: Pid
  ctx: Process
  next<T = unknown>(match?: (m: unknown) => boolean, timeout?: number): Promise<T>
}

export async function probe(node: Node): Promise<Probe> {
  const buffer: unknown[] = []
  let waiter: { match: ((m: unknown) => boolean) | undefined; resolve: (m: unknown) => void } | null = null
  let ctxOut!: Process
  const ready = new Promise<void>((r) => {
    node.spawn(async (ctx: Process) => {
      ctxOut = ctx
      r()
      for (;;) {
        const m = await ctx.receive()
        if (waiter !== null && (waiter.match === undefined || waiter.match(m))) {
          const w = waiter
          waiter = null
          w.resolve(m)
        } else buffer.push(m)
      }
    })
  })
  await ready
  return {
    pid: ctxOut.self,
    ctx: ctxOut,
    next<T>(match?: (m: unknown) => boolean, timeout = 10_000): Promise<T> {
      const i = buffer.findIndex((m) => match === undefined || match(m))
      if (i >= 0) return Promise.resolve(buffer.splice(i, 1)[0] as T)
      return new Promise<T>((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`probe: no matching message in ${timeout} ms (buffered: ${JSON.stringify(buffer).slice(0, 500)})`)), timeout)
        waiter = {
          match,
          resolve: (m) => {
            clearTimeout(t)
            resolve(m as T)
          },
        }
      })
    },
  }
}
