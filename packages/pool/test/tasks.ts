/** Typed refs to the fixture tasks, as a user would declare them. */
import { defineTask } from '../src/index.js'
import type * as T from './fixtures/tasks.js'

const url = new URL('./fixtures/tasks.ts', import.meta.url)
export const add = defineTask<typeof T.add>(url, 'add')
export const square = defineTask<typeof T.square>(url, 'square')
export const echo = defineTask<typeof T.echo>(url, 'echo')
export const fib = defineTask<typeof T.fib>(url, 'fib')
export const later = defineTask<typeof T.later>(url, 'later')
export const spin = defineTask<typeof T.spin>(url, 'spin')
export const throwRange = defineTask<typeof T.throwRange>(url, 'throwRange')
export const throwPermanent = defineTask<typeof T.throwPermanent>(url, 'throwPermanent')
export const flaky = defineTask<typeof T.flaky>(url, 'flaky')
export const exitThread = defineTask<typeof T.exitThread>(url, 'exitThread')
export const hang = defineTask<typeof T.hang>(url, 'hang')
export const allocate = defineTask<typeof T.allocate>(url, 'allocate')
export const stall = defineTask<typeof T.stall>(url, 'stall')
export const tracked = defineTask<typeof T.tracked>(url, 'tracked')
export const held = defineTask<typeof T.held>(url, 'held')
export const stepwise = defineTask<typeof T.stepwise>(url, 'stepwise')

/** A shared counter a task can bump from any thread. */
export function counter(n = 1): Int32Array {
  return new Int32Array(new SharedArrayBuffer(4 * n))
}

/** `Promise.withResolvers` arrived in Node 22; this is it for Node 20. */
export function deferred<T = void>(): { promise: Promise<T>; resolve: (v: T) => void; reject: (e: unknown) => void } {
  let resolve!: (v: T) => void
  let reject!: (e: unknown) => void
  const promise = new Promise<T>((res, rej) => {
    resolve = res
    reject = rej
  })
  return { promise, resolve, reject }
}

/** Releases every task `held` on `gate`. */
export function open(gate: Int32Array): void {
  Atomics.store(gate, 0, 1)
  Atomics.notify(gate, 0)
}
