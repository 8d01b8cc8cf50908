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
 * by every transport on it: the window is the longest asked for.
 *
 * At most as many threads of a cluster spin at once as the machine has cores (a counter in
 * shared memory): BEAM spins one scheduler per core, and a spinner never yields, so more
 * spinners than cores take the cores from the threads that have work (measured: three
 * spinning threads on two cores turned a 60 µs round trip into 250 µs). @internal
 */
// `performance` is the global one: importing node:perf_hooks costs a node's start 0.1 ms.

let until = 0
let spinning = false
/** [threads spinning now] of this thread's cluster, and how many may. */
let spinners: Int32Array | null = null
let maxSpinners = Infinity
/** [1 while this thread is counted in `spinners`], in shared memory: see {@link releaseSpinner}. */
let mine: Int32Array | null = null
/** The counters the running spin counted itself in (the cluster may change meanwhile). */
let held: { count: Int32Array; mine: Int32Array } | null = null

function spin(): void {
  if (performance.now() < until) {
    setImmediate(spin)
    return
  }
  spinning = false
  if (held !== null) releaseSpinner(held.count, held.mine)
  held = null
}

/** Whether this thread's loop is spinning now. @internal (tests) */
export function isSpinning(): boolean {
  return spinning
}

/** Keeps this thread's event loop turning for `windowUs` µs from now (0: no-op). */
export function busyWait(windowUs: number): void {
  if (windowUs <= 0) return
  const end = performance.now() + windowUs / 1000
  if (end > until) until = end
  if (spinning) return
  if (spinners !== null && mine !== null) {
    if (Atomics.add(spinners, 0, 1) >= maxSpinners) {
      // Every core already has a spinner: sleep as usual.
      Atomics.sub(spinners, 0, 1)
      return
    }
    Atomics.store(mine, 0, 1)
    held = { count: spinners, mine }
  }
  spinning = true
  setImmediate(spin)
}

/**
 * Joins a cluster's spinner count (`counter`, shared by its threads) with this thread's own
 * flag (`own`, which the cluster also holds): both `new SharedArrayBuffer(4)`.
 */
export function shareSpinners(counter: SharedArrayBuffer, own: SharedArrayBuffer, max: number): void {
  spinners = new Int32Array(counter)
  mine = new Int32Array(own)
  maxSpinners = max
}

/**
 * Takes a thread out of the count if it is in it. The thread calls it when its window ends;
 * the cluster calls it when the thread has exited, since a thread terminated mid-spin never
 * gets there (otherwise each stopped node could keep a core's spinner slot for good). The
 * exchange makes sure only one of the two does it.
 */
export function releaseSpinner(count: Int32Array, own: Int32Array): void {
  if (Atomics.exchange(own, 0, 0) === 1) Atomics.sub(count, 0, 1)
}
