/** Boundary validation with Node-core style messages that name the argument. */
import { isPid, type Pid } from './pid.js'

/** A short description of a value for error messages: `"text"`, `number 5`, `an object`. */
export function describe(value: unknown): string {
  if (value === null) return 'null'
  if (typeof value === 'string') return `"${value.length > 40 ? value.slice(0, 40) + '…' : value}"`
  if (typeof value === 'function') return 'a function'
  if (typeof value === 'object') return Array.isArray(value) ? 'an array' : 'an object'
  return `${typeof value} ${String(value)}`
}

export function assertPid(value: unknown, arg: string): asserts value is Pid {
  if (!isPid(value)) throw new TypeError(`${arg} must be a Pid, got ${describe(value)}`)
}

/** A timeout is a non-negative finite number of ms, or Infinity for none. */
export function assertTimeout(value: unknown, arg: string): asserts value is number {
  if (typeof value !== 'number' || Number.isNaN(value))
    throw new TypeError(`${arg} must be a number of milliseconds or Infinity, got ${describe(value)}`)
  if (value < 0) throw new RangeError(`${arg} must be >= 0, got ${value}`)
}

export function assertPositiveInt(value: unknown, arg: string): asserts value is number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1)
    throw new RangeError(`${arg} must be a positive integer, got ${describe(value)}`)
}

export function assertNonNegativeInt(value: unknown, arg: string): asserts value is number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0)
    throw new RangeError(`${arg} must be a non-negative integer, got ${describe(value)}`)
}

/** Rejects option keys the callee does not know, so a typo is an error, not a silent default. */
export function assertKnownOptions(opts: unknown, known: readonly string[], arg: string): asserts opts is object {
  if (typeof opts !== 'object' || opts === null || Array.isArray(opts))
    throw new TypeError(`${arg} must be an object, got ${describe(opts)}`)
  for (const k of Object.keys(opts as object)) {
    if (!known.includes(k)) throw new TypeError(`${arg}.${k} is not a known option (known: ${known.join(', ')})`)
  }
}
