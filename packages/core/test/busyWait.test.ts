/**
 * The busy wait's cap: a thread that spins counts itself in its cluster's shared counter
 * while it spins, and does not spin when every allowed spinner is taken (more spinners than
 * cores would take the cores from threads with work).
 */
import { describe, expect, it } from 'vitest'
import { busyWait, isSpinning, releaseSpinner, shareSpinners } from '../src/cluster/busyWait.js'

/** Resolves once `done()` holds, checking once per event-loop turn. */
async function until(done: () => boolean): Promise<void> {
  while (!done()) await new Promise((r) => setImmediate(r))
}

describe('busy wait', () => {
  it('counts a spinning thread in the shared counter until its window ends', async () => {
    const counter = new Int32Array(new SharedArrayBuffer(4))
    shareSpinners(counter.buffer as SharedArrayBuffer, new SharedArrayBuffer(4), 2)
    busyWait(500)
    expect(counter[0]).toBe(1)
    busyWait(500) // extends the window: still one spinner
    expect(counter[0]).toBe(1)
    await until(() => counter[0] === 0)
  })

  it('does not spin when the cluster already has as many spinners as allowed', async () => {
    const counter = new Int32Array(new SharedArrayBuffer(4))
    shareSpinners(counter.buffer as SharedArrayBuffer, new SharedArrayBuffer(4), 1)
    counter[0] = 1 // another thread spins
    busyWait(500)
    expect(counter[0]).toBe(1)
    counter[0] = 0 // it stops: this thread's next traffic may spin
    busyWait(500)
    expect(counter[0]).toBe(1)
    await until(() => counter[0] === 0)
  })

  it('a thread that exits mid-spin is taken out of the count once, by whoever comes first', async () => {
    const counter = new Int32Array(new SharedArrayBuffer(4))
    const own = new Int32Array(new SharedArrayBuffer(4))
    shareSpinners(counter.buffer as SharedArrayBuffer, own.buffer as SharedArrayBuffer, 2)
    busyWait(500)
    expect([counter[0], own[0]]).toEqual([1, 1])
    releaseSpinner(counter, own) // the cluster, seeing the thread's exit
    expect([counter[0], own[0]]).toEqual([0, 0])
    await until(() => !isSpinning()) // the window ends: no second release
    expect(counter[0]).toBe(0)
  })

  it('a window of 0 never spins', () => {
    const counter = new Int32Array(new SharedArrayBuffer(4))
    shareSpinners(counter.buffer as SharedArrayBuffer, new SharedArrayBuffer(4), 2)
    busyWait(0)
    expect(counter[0]).toBe(0)
  })
})
