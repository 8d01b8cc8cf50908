/**
 * Registered names and pg groups are strings or tuples of strings/numbers (HyperBEAM keys
 * its schedulers as `['scheduler@1.0', procId]`). Tuples get one canonical key string;
 * the NUL prefix keeps a tuple's key from colliding with any plain string name.
 */
export type Name = string | readonly (string | number)[]

/** @internal */
export function nameKey(name: Name): string {
  return typeof name === 'string' ? name : '\u0000' + JSON.stringify(name)
}

/** @internal */
export function isName(value: unknown): value is Name {
  if (typeof value === 'string') return value.length > 0
  return (
    Array.isArray(value) &&
    value.length > 0 &&
    value.every((v) => typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v)))
  )
}
