/** Benchmarks of scheduling policies: the keyed fast path, and what FIFO costs an actor. */
import { performance } from 'node:perf_hooks'
import { PendingItem, PendingQueue, earliestDeadlineFirst, fifo } from '@troupe/core'
import { medianOf, type Record } from './harness.js'
import { sendOneway } from './core.js'

/** Decisions per second of keyed EDF with 10k pending: steady state, one push per decision. */
function edfKeyed(pending: number, decisions: number): number {
  const q = new PendingQueue(earliestDeadlineFirst)
  let seed = 1
  const rand = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32) * 10_000
  const items: PendingItem[] = []
  for (let i = 0; i < pending + decisions; i++) items.push(new PendingItem(i, 'm', i, i + rand(), undefined, i))
  for (let i = 0; i < pending; i++) q.push(items[i]!)
  const t0 = performance.now()
  for (let i = 0; i < decisions; i++) {
    q.push(items[pending + i]!)
    q.next(undefined, i)
  }
  const dt = performance.now() - t0
  if (q.size !== pending) throw new Error('edf queue lost items')
  return decisions / (dt / 1000)
}

export async function benchPolicy(record: Record): Promise<void> {
  record('policy.edf_keyed_10k_queue', await medianOf(5, () => edfKeyed(10_000, 1_000_000)), 'decisions/s')
  // Same run, alternating, so machine noise hits both sides alike.
  const plain: number[] = []
  const hooked: number[] = []
  for (let i = 0; i < 6; i++) {
    plain.push(await sendOneway(1_000_000))
    hooked.push(await sendOneway(1_000_000, { scheduler: fifo }))
  }
  const { median } = await import('./harness.js')
  const base = median(plain.slice(1))
  record('policy.fifo_overhead', median(hooked.slice(1)), 'msgs/s', { name: 'core.send_oneway (no policy)', value: base })
}
