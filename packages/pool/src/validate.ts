/** Boundary validation with Node-core style messages that name the option. @internal */

export function describe(value: unknown): string {
  if (value === null) return 'null'
  if (typeof value === 'string') return `"${value.length > 40 ? value.slice(0, 40) + '…' : value}"`
  if (typeof value === 'function') return 'a function'
  if (typeof value === 'object') return Array.isArray(value) ? 'an array' : 'an object'
  return `${typeof value} ${String(value)}`
}

export function assertKnownOptions(opts: unknown, known: readonly string[], arg: string): void {
  if (typeof opts !== 'object' || opts === null || Array.isArray(opts)) throw new TypeError(`${arg} must be an object, got ${describe(opts)}`)
  for (const k of Object.keys(opts)) if (!known.includes(k)) throw new TypeError(`${arg}.${k} is not a known option (known: ${known.join(', ')})`)
}

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
