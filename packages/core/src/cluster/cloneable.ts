/**
 * Checks at the send site that a message can be structured-cloned, so the sender gets a
 * typed `NotCloneable` naming the offending value's path instead of a DataCloneError later,
 * far from its cause, when the batch is posted. Primitives cost one `typeof`; objects are
 * walked for the values structured clone refuses (functions, symbols, promises, weak
 * collections). Large, deep or cyclic data (more than MAX_VISITS values or MAX_DEPTH
 * levels) falls back to one `structuredClone` of the whole message (the slow path): a cycle
 * cannot send the walk round forever, and many shared references cannot make it blow up.
 */
import { NotCloneable } from '../errors.js'

const MAX_DEPTH = 32
const MAX_VISITS = 10_000
let visits = 0
type Found = { path: string; what: string } | null

/** Thrown inside the walk when it gives up; caught at the top. */
const GIVE_UP: unique symbol = Symbol('give up')

/** @internal Throws `NotCloneable` if `value` cannot cross a thread. */
export function assertCloneable(value: unknown, path: string): void {
  if (typeof value !== 'object' && typeof value !== 'function' && typeof value !== 'symbol') return
  const bad = walk(value, path)
  if (bad !== null) throw new NotCloneable(bad)
}

function walk(value: unknown, path: string): Found {
  visits = 0
  try {
    return find(value, path, 0)
  } catch (e) {
    if (e === GIVE_UP) return slowPath(value as object, path)
    throw e
  }
}

/** @internal */
export function isCloneable(value: unknown): boolean {
  if (typeof value !== 'object' && typeof value !== 'function' && typeof value !== 'symbol') return true
  return walk(value, '') === null
}

function find(v: unknown, path: string, depth: number): Found {
  switch (typeof v) {
    case 'function':
      return { path, what: `a function${v.name ? ` (${v.name})` : ''}` }
    case 'symbol':
      return { path, what: `a symbol (${String(v)})` }
    case 'object':
      break
    default:
      return null
  }
  if (v === null) return null
  if (depth >= MAX_DEPTH || ++visits > MAX_VISITS) throw GIVE_UP
  // Most messages are plain objects: skip the class checks below.
  if (Object.getPrototypeOf(v) === Object.prototype) return findInFields(v as Record<string, unknown>, path, depth)
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const x = v[i]
      if (typeof x === 'object' || typeof x === 'function' || typeof x === 'symbol') {
        const r = find(x, `${path}[${i}]`, depth + 1)
        if (r !== null) return r
      }
    }
    return null
  }
  if (v instanceof Promise || v instanceof WeakMap || v instanceof WeakSet || v instanceof WeakRef)
    return { path, what: `a ${v.constructor.name}` }
  if (v instanceof Map) {
    let i = 0
    for (const [k, x] of v) {
      const r = find(k, `${path}.keys[${i}]`, depth + 1) ?? find(x, `${path}.get(${describeKey(k)})`, depth + 1)
      if (r !== null) return r
      i++
    }
    return null
  }
  if (v instanceof Set) {
    let i = 0
    for (const x of v) {
      const r = find(x, `${path}.values[${i++}]`, depth + 1)
      if (r !== null) return r
    }
    return null
  }
  if (ArrayBuffer.isView(v) || v instanceof ArrayBuffer || v instanceof Date || v instanceof RegExp) return null
  if (v instanceof Error) return null
  return findInFields(v as Record<string, unknown>, path, depth)
}

function findInFields(v: Record<string, unknown>, path: string, depth: number): Found {
  for (const k in v) {
    const x = v[k]
    if (typeof x === 'object' || typeof x === 'function' || typeof x === 'symbol') {
      const r = find(x, path === '' ? k : `${path}.${k}`, depth + 1)
      if (r !== null) return r
    }
  }
  return null
}

function slowPath(v: object, path: string): Found {
  try {
    structuredClone(v)
    return null
  } catch (e) {
    return { path, what: `a value structured clone refuses (${(e as Error).message})` }
  }
}

function describeKey(k: unknown): string {
  return typeof k === 'string' ? JSON.stringify(k) : String(k)
}
