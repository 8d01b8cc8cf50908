import { defineError } from '../errors.js'
import type { PendingItem, PendingView } from './pendingItem.js'

/**
 * A scheduling policy as ABS defines one: a function from the pending processes to the one
 * to run next. `args` reads extra arguments from the actor's current state at each
 * decision, the way an ABS scheduler reads fields of its cog's first object.
 *
 * `choose` returns one of `queue`'s elements (by identity) or `undefined` for "nothing
 * now": the actor then waits until its queue changes or time passes. Each decision costs
 * O(n) in the number pending; prefer a {@link KeyedPolicy} when an ordering key suffices.
 * `queue` and its views are reused between decisions to spare allocations: read them
 * during the call, keep neither.
 */
export interface FunctionPolicy<S = unknown, M = unknown> {
  readonly kind: 'function'
  readonly name: string
  readonly args?: ((state: S) => readonly unknown[]) | undefined
  // Method syntax on purpose: its parameters are checked bivariantly, so a `choose` with
  // typed extra arguments (from definePolicy) is assignable here.
  choose(queue: readonly PendingView<M>[], ...args: unknown[]): PendingView<M> | undefined
}

/**
 * A policy given as an ordering key: smallest key first, ties in arrival order (`seq`).
 * Decisions are O(log n) (a binary heap).
 *
 * The key is computed once, when the item is pushed, and cached in the heap. It must
 * therefore depend on the item alone, never on actor state or on the clock: a key that
 * changed while the item waits would silently break the heap's order. That is why
 * earliest-deadline-first keys on the absolute `deadlineAt`, which orders items exactly as
 * the remaining time does at any instant. A policy that needs state or time is a
 * {@link FunctionPolicy}.
 */
export interface KeyedPolicy<S = unknown, M = unknown> {
  readonly kind: 'keyed'
  readonly name: string
  key(item: PendingItem<M>): number
  /** Phantom: keyed policies ignore state, but keep `S` so that they fit any actor's slot. @internal */
  readonly __state?: (state: S) => void
}

/** First in, first out: the default, at O(1) per decision. */
export interface FifoPolicy {
  readonly kind: 'fifo'
  readonly name: 'fifo'
}

/** Any scheduling policy an actor or a pool accepts. */
export type Policy<S = unknown, M = unknown> = FifoPolicy | KeyedPolicy<S, M> | FunctionPolicy<S, M>

/** Options of {@link definePolicy}. */
export interface DefinePolicyOptions<S, A extends readonly unknown[] | []> {
  /** Extra arguments for `choose`, read from the actor's state at each decision. */
  readonly args: (state: S) => A
}

/**
 * Makes a free-function policy. With `options.args`, `choose` receives its results after
 * the queue; without, `choose` takes the queue alone (extra parameters are a type error,
 * since nothing would fill them).
 *
 * @example
 * ```ts
 * // Run the message whose method the state prefers; otherwise wait.
 * const preferred = definePolicy(
 *   'preferred',
 *   (queue, method: string) => queue.find((p) => p.method === method),
 *   { args: (s: { preferred: string }) => [s.preferred] },
 * )
 * ```
 */
export function definePolicy<S = unknown, M = unknown>(
  name: string,
  choose: (queue: readonly PendingView<M>[]) => PendingView<M> | undefined,
): FunctionPolicy<S, M>
// `A` is inferred from `options.args` (the `| []` makes TS infer a tuple there, not an array).
export function definePolicy<S, M = unknown, A extends readonly unknown[] | [] = []>(
  name: string,
  choose: (queue: readonly PendingView<M>[], ...args: A) => PendingView<M> | undefined,
  options: DefinePolicyOptions<S, A>,
): FunctionPolicy<S, M>
export function definePolicy<S, M>(
  name: string,
  choose: (queue: readonly PendingView<M>[], ...args: never[]) => PendingView<M> | undefined,
  options?: { readonly args?: unknown },
): FunctionPolicy<S, M> {
  if (typeof name !== 'string' || name === '') throw new TypeError(`name must be a non-empty string, got ${describeValue(name)}`)
  if (typeof choose !== 'function') throw new TypeError(`choose must be a function, got ${describeValue(choose)}`)
  const args = options?.args
  if (args !== undefined && typeof args !== 'function') throw new TypeError(`options.args must be a function, got ${describeValue(args)}`)
  // `args` always present (maybe undefined) so that every function policy has one shape.
  return {
    kind: 'function',
    name,
    args: args as FunctionPolicy<S, M>['args'],
    choose: choose as unknown as FunctionPolicy<S, M>['choose'],
  }
}

/**
 * Makes a keyed policy: smallest `key(item)` first, ties in arrival order. See
 * {@link KeyedPolicy} for why the key may read the item only.
 *
 * @example
 * ```ts
 * const shortestFirst = keyedPolicy('shortestFirst', (p) => (p.message as Job).estimate)
 * ```
 */
export function keyedPolicy<M = unknown, S = unknown>(name: string, key: (item: PendingItem<M>) => number): KeyedPolicy<S, M> {
  if (typeof name !== 'string' || name === '') throw new TypeError(`name must be a non-empty string, got ${describeValue(name)}`)
  if (typeof key !== 'function') throw new TypeError(`key must be a function, got ${describeValue(key)}`)
  return { kind: 'keyed', name, key }
}

/**
 * Checks, once at the boundary, that `p` is a policy; `argName` names the option in the
 * message (`options.scheduler must be ...`).
 */
export function validatePolicy<S = unknown, M = unknown>(p: unknown, argName: string): asserts p is Policy<S, M> {
  const made = 'a policy made by definePolicy/keyedPolicy'
  if (typeof p === 'function') {
    throw new TypeError(`${argName} must be ${made}, got ${describeValue(p)}; wrap it: definePolicy('name', fn)`)
  }
  if (typeof p !== 'object' || p === null) throw new TypeError(`${argName} must be ${made}, got ${describeValue(p)}`)
  const { kind, name } = p as { kind?: unknown; name?: unknown }
  if (kind !== 'fifo' && kind !== 'keyed' && kind !== 'function') {
    throw new TypeError(`${argName} must be ${made}, got ${describeValue(p)}`)
  }
  if (typeof name !== 'string' || name === '') {
    throw new TypeError(`${argName}.name must be a non-empty string, got ${describeValue(name)}`)
  }
  if (kind === 'keyed' && typeof (p as { key?: unknown }).key !== 'function') {
    throw new TypeError(`${argName}.key must be a function, got ${describeValue((p as { key?: unknown }).key)}`)
  }
  if (kind === 'function') {
    const { choose, args } = p as { choose?: unknown; args?: unknown }
    if (typeof choose !== 'function') throw new TypeError(`${argName}.choose must be a function, got ${describeValue(choose)}`)
    if (args !== undefined && typeof args !== 'function') {
      throw new TypeError(`${argName}.args must be a function, got ${describeValue(args)}`)
    }
  }
}

/** A policy chose something that is not one of the pending items; the actor exits with it. */
export const InvalidPolicyChoice = defineError<{ policy: string; choice: string }>(
  'InvalidPolicyChoice',
  (f) => `scheduling policy "${f.policy}" chose ${f.choice}, which is not in the queue`,
)
export type InvalidPolicyChoice = InstanceType<typeof InvalidPolicyChoice>

/** A keyed policy's key was not a number (or was NaN), which would corrupt the heap's order. */
export const InvalidPolicyKey = defineError<{ policy: string; method: string; key: string }>(
  'InvalidPolicyKey',
  (f) => `scheduling policy "${f.policy}" gave key ${f.key} for method "${f.method}"; keys must be numbers, not NaN`,
)
export type InvalidPolicyKey = InstanceType<typeof InvalidPolicyKey>

/** Short description of any value for error messages. @internal */
export function describeValue(v: unknown): string {
  if (v === null) return 'null'
  switch (typeof v) {
    case 'undefined':
      return 'undefined'
    case 'string':
      return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}...` : v)
    case 'number':
    case 'boolean':
    case 'bigint':
      return `${typeof v} ${String(v)}`
    case 'symbol':
      return String(v)
    case 'function':
      return `function ${v.name || '<anonymous>'}`
  }
  const o = v as { method?: unknown; seq?: unknown }
  if (typeof o.method === 'string') {
    return `an item with method "${o.method}"${typeof o.seq === 'number' ? ` (seq ${o.seq})` : ''}`
  }
  if (Array.isArray(v)) return `an array of length ${v.length}`
  const ctor = (v as { constructor?: { name?: unknown } }).constructor?.name
  return typeof ctor === 'string' && ctor !== 'Object' ? `an instance of ${ctor}` : 'an object'
}
