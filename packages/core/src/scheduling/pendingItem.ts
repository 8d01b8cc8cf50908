/**
 * One pending message of an actor (or one waiting task of a pool), with the attributes an
 * ABS scheduler sees for a process: its method, arrival time, deadline and destiny.
 *
 * A class rather than object literals so that every item shares one hidden class: the
 * queue's hot loops then stay monomorphic. Fields are assigned in constructor order.
 *
 * @example
 * ```ts
 * const item = new PendingItem(msg, 'get', clock.now(), Infinity, undefined, seq++)
 * ```
 */
export class PendingItem<M = unknown> {
  /** The message itself. */
  readonly message: M
  /** The message's tag or the call's name; what ABS calls the process's method. */
  readonly method: string
  /** Clock time (ms) at which the message was sent. */
  readonly arrival: number
  /** Absolute clock time (ms) by which it should run; `Infinity` if it has no deadline. */
  readonly deadlineAt: number
  /** The reply reference of a call (its future, in ABS terms); `undefined` for a plain send. */
  readonly destiny: unknown
  /** Insertion order, unique and increasing per queue; breaks every tie. */
  readonly seq: number

  constructor(message: M, method: string, arrival: number, deadlineAt: number, destiny: unknown, seq: number) {
    this.message = message
    this.method = method
    this.arrival = arrival
    this.deadlineAt = deadlineAt
    this.destiny = destiny
    this.seq = seq
  }
}

/**
 * What a free-function policy receives for each pending item: the item's fields plus
 * `deadline`, the remaining time at decision time as in ABS (`deadlineAt - now`; negative
 * once overdue; `Infinity` if none).
 *
 * Views are reused from one decision to the next, so `deadline` of a view kept past the
 * call to `choose` goes stale. Use a view only during the call that received it.
 */
export interface PendingView<M = unknown> extends PendingItem<M> {
  readonly deadline: number
}
