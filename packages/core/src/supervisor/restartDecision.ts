/**
 * What a supervisor does when one of its children exits, from OTP's supervisor manual
 * ("Restart Strategy", "Child Specification"), as a pure function so that the whole table
 * (strategy × restart type × exit reason × position) is tested without processes. Stopping
 * and starting children are the supervisor's effects; this file only decides.
 */

/**
 * Which children a restart involves:
 * - `one_for_one`: only the child that exited;
 * - `one_for_all`: every child (the others are stopped in reverse start order, then all are
 *   started again in start order);
 * - `rest_for_one`: the child that exited and every child started after it.
 */
export type Strategy = 'one_for_one' | 'one_for_all' | 'rest_for_one'

/**
 * When a child is restarted:
 * - `permanent`: always;
 * - `transient`: only after an abnormal exit (not `normal`, `shutdown` or `{ shutdown: _ }`);
 * - `temporary`: never, and its spec is forgotten once it exits.
 */
export type RestartType = 'permanent' | 'transient' | 'temporary'

/** @internal the accepted values, in documentation order, for validation messages */
export const STRATEGIES: readonly Strategy[] = ['one_for_one', 'one_for_all', 'rest_for_one']
/** @internal */
export const RESTART_TYPES: readonly RestartType[] = ['permanent', 'transient', 'temporary']

/** A child exit, as the supervisor sees it. */
export interface ChildExit {
  readonly strategy: Strategy
  readonly restart: RestartType
  readonly reason: unknown
  /** The child's index in start order. */
  readonly position: number
  /** How many children the supervisor has (the exited one included). */
  readonly count: number
}

export type RestartDecision =
  /** Restart the children at `positions` (start order; the exited child is among them). */
  | { readonly action: 'restart'; readonly positions: readonly number[] }
  /** Leave the child stopped; its spec stays (`restartChild` can start it again). */
  | { readonly action: 'keep' }
  /** Leave the child stopped and forget its spec (temporary children). */
  | { readonly action: 'delete' }

const KEEP: RestartDecision = { action: 'keep' }
const DELETE: RestartDecision = { action: 'delete' }

/**
 * True for the reasons OTP counts as a clean exit: `'normal'`, `'shutdown'`, and
 * `{ shutdown: detail }` (Erlang's `{shutdown, Term}`: an object whose only key is `shutdown`).
 * @example
 * isCleanExit({ shutdown: 'drained' }) // true
 * isCleanExit(new Error('boom'))       // false
 */
export function isCleanExit(reason: unknown): boolean {
  if (reason === 'normal' || reason === 'shutdown') return true
  if (typeof reason !== 'object' || reason === null || Array.isArray(reason)) return false
  const keys = Object.keys(reason)
  return keys.length === 1 && keys[0] === 'shutdown'
}

/**
 * Positions (in start order) of the children that a restart of the child at `position`
 * involves under `strategy`.
 * @example
 * affectedChildren('rest_for_one', 1, 4) // [1, 2, 3]
 */
export function affectedChildren(strategy: Strategy, position: number, count: number): number[] {
  if (!Number.isInteger(count) || count < 1) throw new RangeError(`count must be a positive integer, got ${String(count)}`)
  if (!Number.isInteger(position) || position < 0 || position >= count)
    throw new RangeError(`position must be an integer in [0, ${count - 1}], got ${String(position)}`)
  const from = strategy === 'one_for_all' ? 0 : position
  const to = strategy === 'one_for_one' ? position + 1 : count
  const out: number[] = []
  for (let i = from; i < to; i++) out.push(i)
  return out
}

/**
 * OTP's restart rule for one child exit.
 * @example
 * decideRestart({ strategy: 'one_for_all', restart: 'transient', reason: 'normal', position: 0, count: 3 })
 * // { action: 'keep' }
 * decideRestart({ strategy: 'one_for_all', restart: 'permanent', reason: 'normal', position: 0, count: 3 })
 * // { action: 'restart', positions: [0, 1, 2] }
 */
export function decideRestart(exit: ChildExit): RestartDecision {
  const { restart, reason } = exit
  if (restart === 'temporary') return DELETE
  if (restart === 'transient' && isCleanExit(reason)) return KEEP
  return { action: 'restart', positions: affectedChildren(exit.strategy, exit.position, exit.count) }
}
