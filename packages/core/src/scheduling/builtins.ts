import { mulberry32 } from './mulberry32.js'
import type { PendingItem } from './pendingItem.js'
import { definePolicy, describeValue, keyedPolicy } from './policy.js'
import type { FifoPolicy, FunctionPolicy, KeyedPolicy } from './policy.js'

/** First in, first out; the default. O(1) per decision. */
export const fifo: FifoPolicy = Object.freeze({ kind: 'fifo', name: 'fifo' })

/**
 * Uniformly random among the pending items. Deterministic for a given `seed`, so a run can
 * be replayed; without one, seeded from `Math.random`. The generator's state belongs to the
 * returned policy: call `random(seed)` once per actor for per-actor reproducibility.
 *
 * @example
 * ```ts
 * spawn(worker, { scheduler: random(42) })
 * ```
 */
export function random(seed?: number): FunctionPolicy {
  if (seed !== undefined && !Number.isFinite(seed)) throw new TypeError(`seed must be a finite number, got ${describeValue(seed)}`)
  const next = mulberry32(seed ?? Math.floor(Math.random() * 2 ** 32))
  return definePolicy(seed === undefined ? 'random' : `random(${seed})`, (queue) => queue[Math.floor(next() * queue.length)])
}

/**
 * Earliest deadline first: smallest absolute `deadlineAt` first, items without a deadline
 * (`Infinity`) last, ties in arrival order. Keyed, O(log n).
 */
export const earliestDeadlineFirst: KeyedPolicy = keyedPolicy('earliestDeadlineFirst', (p) => p.deadlineAt)

/** Options of {@link priorityBy}. */
export interface PriorityByOptions {
  /** `'asc'` runs the smallest priority first, `'desc'` the largest. Default: `'asc'`. */
  readonly order?: 'asc' | 'desc'
  /** Policy name in errors and introspection. Default: `priorityBy(<fn name>)`. */
  readonly name?: string
}

/**
 * Orders by a number computed from each item once, on arrival; ties in arrival order.
 * Keyed, O(log n). `fn` must read the item only (see {@link KeyedPolicy}).
 *
 * @example
 * ```ts
 * const urgentFirst = priorityBy((p) => (p.message as Job).priority, { order: 'desc' })
 * ```
 */
export function priorityBy<M = unknown>(fn: (item: PendingItem<M>) => number, options: PriorityByOptions = {}): KeyedPolicy<unknown, M> {
  if (typeof fn !== 'function') throw new TypeError(`fn must be a function, got ${describeValue(fn)}`)
  const order = options.order ?? 'asc'
  if (order !== 'asc' && order !== 'desc') throw new TypeError(`options.order must be 'asc' or 'desc', got ${describeValue(order)}`)
  const name = options.name ?? `priorityBy(${fn.name || 'fn'}${order === 'desc' ? ', desc' : ''})`
  return keyedPolicy<M>(name, order === 'asc' ? fn : (p) => -fn(p))
}

/**
 * Runs messages by method, in the order the list gives; methods not listed run last.
 * Ties in arrival order. Keyed, O(log n).
 *
 * @example
 * ```ts
 * // Every pending `first` runs before any `second`.
 * spawn(actor, { scheduler: byMethod(['first', 'second']) })
 * ```
 */
export function byMethod(order: readonly string[]): KeyedPolicy {
  if (!Array.isArray(order) || order.some((m) => typeof m !== 'string')) {
    throw new TypeError(`order must be an array of strings, got ${describeValue(order)}`)
  }
  const rank = new Map<string, number>()
  // The first occurrence of a repeated name wins.
  order.forEach((m, i) => {
    if (!rank.has(m)) rank.set(m, i)
  })
  const unknown = order.length
  return keyedPolicy(`byMethod(${order.join(', ')})`, (p) => rank.get(p.method) ?? unknown)
}
