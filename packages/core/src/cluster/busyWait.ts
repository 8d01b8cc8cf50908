/**
 * Busy waiting after traffic, as BEAM's schedulers do before they sleep (`+sbwt`): for a
 * short window after a thread sends or receives a batch, its event loop keeps turning
 * (a `setImmediate` chain, each turn polling the ports without blocking) instead of parking
 * in the kernel. A reply that arrives inside the window is picked up on the next turn; one
 * that arrives after it pays the wake-up of a sleeping thread, which on a small VM costs
 * 10-30 µs per hop (measured: a bare main -> B -> C -> B -> main chain of postMessage took
 * 91-129 µs sleeping and 21-31 µs with a 100 µs window on the threads that wait).
 *
 * The cost is CPU: at most one window per burst of traffic, only while the thread would
 * otherwise be idle (a busy thread never reaches the spin). One spinner per thread, shared
 * by every transport on it: the window is the longest asked for. @internal
 */
import { performance } from 'node:perf_hooks'

let until = 0
let spinning = false

function spin(): void {
  if (performance.now() < until) setImmediate(spin)
  else spinning = false
}

/** Keeps this thread's event loop turning for `windowUs` µs from now (0: no-op). */
export function busyWait(windowUs: number): void {
  if (windowUs <= 0) return
  const end = performance.now() + windowUs / 1000
  if (end > until) until = end
  if (!spinning) {
    spinning = true
    setImmediate(spin)
  }
}
