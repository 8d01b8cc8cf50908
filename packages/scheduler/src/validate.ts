/**
 * Boundary checks for the scheduler's public functions. Failures are `InvalidOption` (typed,
 * with the argument's path and what was expected) or `InvalidProcessId`, in Node-core
 * phrasing: `options.timeout must be a number of milliseconds >= 0, got "soon"`.
 */
import { describeValue as describe } from '@troupe/core'
import { InvalidOption, InvalidProcessId } from './errors.js'
import { isProcessId } from './id.js'
import { isMessage, type Message } from './message.js'

export { describe }


function invalid(option: string, expected: string, got: unknown): InvalidOption {
  return new InvalidOption({ option, expected: `${expected}, got ${describe(got)}` })
}

export function assertProcId(procId: unknown): asserts procId is string {
  if (!isProcessId(procId)) throw new InvalidProcessId({ procId: typeof procId === 'string' ? procId : describe(procId) })
}

export function assertMessage(value: unknown, arg: string): asserts value is Message {
  if (!isMessage(value)) throw invalid(arg, 'an AO message (a plain object)', value)
}

/** `undefined` passes (the default applies); anything else must be a plain object of known keys. */
export function assertOptions(opts: unknown, known: readonly string[], arg: string): asserts opts is object | undefined {
  if (opts === undefined) return
  if (typeof opts !== 'object' || opts === null || Array.isArray(opts)) throw invalid(arg, 'an object', opts)
  for (const k of Object.keys(opts)) {
    if (!known.includes(k)) throw new InvalidOption({ option: `${arg}.${k}`, expected: `one of the known options (${known.join(', ')})` })
  }
}

export function assertTimeout(value: unknown, arg: string): asserts value is number {
  if (typeof value !== 'number' || Number.isNaN(value) || value < 0) throw invalid(arg, 'a number of milliseconds >= 0 or Infinity', value)
}

export function assertPositiveInt(value: unknown, arg: string): asserts value is number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) throw invalid(arg, 'a positive integer', value)
}

export function assertSlot(value: unknown, arg: string): asserts value is number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) throw invalid(arg, 'a non-negative integer', value)
}

export function assertFunction(value: unknown, arg: string): asserts value is (...args: never[]) => unknown {
  if (typeof value !== 'function') throw invalid(arg, 'a function', value)
}
