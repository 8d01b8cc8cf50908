/** Boundary validation with Node-core style messages that name the option. @internal */
import { assertKnownOptions, describeValue as describe } from '@troupe/core'

export { assertKnownOptions, describe }

/** A non-negative integer, or Infinity when `infinite` allows it. */
export function assertCount(value: unknown, arg: string, min = 0, infinite = false): asserts value is number {
  if (infinite && value === Infinity) return
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min)
    throw new RangeError(`${arg} must be an integer >= ${min}${infinite ? ' or Infinity' : ''}, got ${describe(value)}`)
}

/** A number of milliseconds >= 0, or Infinity for none. */
export function assertMs(value: unknown, arg: string): asserts value is number {
  if (typeof value !== 'number' || Number.isNaN(value) || value < 0)
    throw new RangeError(`${arg} must be a number of milliseconds >= 0 or Infinity, got ${describe(value)}`)
}

export function assertOneOf<T extends string>(value: unknown, allowed: readonly T[], arg: string): asserts value is T {
  if (!allowed.includes(value as T)) throw new TypeError(`${arg} must be one of ${allowed.map((a) => `'${a}'`).join(', ')}, got ${describe(value)}`)
}
