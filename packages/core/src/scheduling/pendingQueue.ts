import { BinaryHeap } from './binaryHeap.js'
import { fifo } from './builtins.js'
import { RingBuffer } from './ringBuffer.js'
import type { PendingItem, PendingView } from './pendingItem.js'
import { InvalidPolicyChoice, InvalidPolicyKey, describeValue, validatePolicy } from './policy.js'
import type { FunctionPolicy, KeyedPolicy, Policy } from './policy.js'

/** A reusable view of one item for free-function policies; only `deadline` changes. */
class View<M> implements PendingView<M> {
  readonly message: M
  readonly method: string
  readonly arrival: number
  readonly deadlineAt: number
  readonly destiny: unknown
  readonly seq: number
  deadline: number

  constructor(item: PendingItem<M>) {
    this.message = item.message
    this.method = item.method
    this.arrival = item.arrival
    this.deadlineAt = item.deadlineAt
    this.destiny = item.destiny
    this.seq = item.seq
    this.deadline = Infinity
  }
}

/**
 * The pending items of one actor (or the waiting tasks of one pool), ordered by a policy.
 * Items must be pushed in `seq` order; `seq` is then also arrival order.
 *
 * The policy's kind picks the store, and so the cost of a decision:
 * - `fifo` (the default): a ring buffer, O(1) per push and per `next`.
 * - `keyed` ({@link keyedPolicy}, `earliestDeadlineFirst`, `priorityBy`, `byMethod`): a binary
 *   heap on the key cached at push, O(log n). Use it whenever the order is a fixed
 *   property of each item.
 * - `function` ({@link definePolicy}, `random`): the policy sees every pending item at every
 *   decision, O(n). Needed when the choice depends on the actor's state, on the clock
 *   (remaining `deadline`), on the queue as a whole, or may be "nothing now".
 *
 * @example
 * ```ts
 * const q = new PendingQueue(earliestDeadlineFirst)
 * q.push(new PendingItem(msg, 'get', now, now + 50, ref, seq++))
 * const item = q.next(state, now) // undefined: nothing to run now
 * ```
 */
export class PendingQueue<M = unknown, S = unknown> {
  readonly policy: Policy<S, M>
  private readonly mode: 0 | 1 | 2 // fifo, keyed, function: a small int keeps the switches cheap
  private readonly ring: RingBuffer<PendingItem<M>> | undefined
  private readonly heap: BinaryHeap<PendingItem<M>> | undefined
  // function: items in arrival order, and one reusable view per item, in parallel.
  private items: PendingItem<M>[] = []
  private views: View<M>[] = []

  constructor(policy: Policy<S, M> = fifo) {
    validatePolicy(policy, 'policy')
    this.policy = policy
    this.mode = policy.kind === 'fifo' ? 0 : policy.kind === 'keyed' ? 1 : 2
    this.ring = policy.kind === 'fifo' ? new RingBuffer<PendingItem<M>>() : undefined
    this.heap = policy.kind === 'keyed' ? new BinaryHeap<PendingItem<M>>() : undefined
  }

  get size(): number {
    return this.mode === 0 ? this.ring!.size : this.mode === 1 ? this.heap!.size : this.items.length
  }

  /**
   * Adds an item. A keyed policy's key is computed here, once; a key that is not a number,
   * or NaN, throws {@link InvalidPolicyKey} and the item is not added.
   */
  push(item: PendingItem<M>): void {
    switch (this.mode) {
      case 0:
        this.ring!.push(item)
        return
      case 1: {
        const k = (this.policy as KeyedPolicy<S, M>).key(item)
        // `k !== k` is the NaN test; NaN compares false both ways and would break the heap.
        if (typeof k !== 'number' || k !== k) {
          throw new InvalidPolicyKey({ policy: this.policy.name, method: item.method, key: describeValue(k) })
        }
        this.heap!.push(item, k, item.seq)
        return
      }
      default:
        this.items.push(item)
        this.views.push(new View(item))
    }
  }

  /**
   * Removes and returns the item to run next, or `undefined` if the queue is empty or a
   * function policy chose "nothing now" (the queue is then unchanged). `state` feeds a
   * function policy's `args`; `now` (clock ms) gives the views' remaining `deadline`.
   * A function policy's choice that is not one of its views throws
   * {@link InvalidPolicyChoice}, with the queue unchanged.
   */
  next(state: S, now: number): PendingItem<M> | undefined {
    switch (this.mode) {
      case 0:
        return this.ring!.shift()
      case 1:
        return this.heap!.pop()
      default:
        return this.choose(state, now)
    }
  }

  private choose(state: S, now: number): PendingItem<M> | undefined {
    const views = this.views
    const n = views.length
    if (n === 0) return undefined
    for (let i = 0; i < n; i++) {
      const v = views[i]!
      v.deadline = v.deadlineAt - now
    }
    const policy = this.policy as FunctionPolicy<S, M>
    // The internal array is passed as is (typed readonly) to spare a copy per decision.
    const choice = policy.args === undefined ? policy.choose(views) : policy.choose(views, ...policy.args(state))
    if (choice === undefined) return undefined
    const i = views.indexOf(choice as View<M>)
    if (i < 0) throw new InvalidPolicyChoice({ policy: policy.name, choice: describeValue(choice) })
    views.splice(i, 1)
    return this.items.splice(i, 1)[0]
  }

  /** The pending items in arrival order, for introspection; a copy. */
  peekAll(): PendingItem<M>[] {
    if (this.mode === 0) return this.ring!.toArray()
    if (this.mode === 1) return this.heap!.toArray().sort((a, b) => a.seq - b.seq)
    return this.items.slice()
  }

  /**
   * Removes the items matching `predicate` (a selective flush); returns them in arrival
   * order. If `predicate` throws, the queue is left unchanged.
   */
  remove(predicate: (item: PendingItem<M>) => boolean): PendingItem<M>[] {
    if (this.mode === 0) return this.ring!.filter((item) => !predicate(item))
    if (this.mode === 1) return this.heap!.filter((item) => !predicate(item)).sort((a, b) => a.seq - b.seq)
    // New arrays, assigned only at the end, so that a throwing predicate cannot leave half a queue.
    const items: PendingItem<M>[] = []
    const views: View<M>[] = []
    const removed: PendingItem<M>[] = []
    for (let i = 0; i < this.items.length; i++) {
      const item = this.items[i]!
      if (predicate(item)) {
        removed.push(item)
      } else {
        items.push(item)
        views.push(this.views[i]!)
      }
    }
    this.items = items
    this.views = views
    return removed
  }

  /** Drops every pending item. */
  clear(): void {
    this.ring?.clear()
    this.heap?.clear()
    this.items = []
    this.views = []
  }
}
