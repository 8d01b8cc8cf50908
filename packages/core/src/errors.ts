/**
 * Tagged errors. Every troupe error has a stable `tag` (also its `name`), a static `is()`
 * guard, and plain-data fields, so that it survives a thread boundary through
 * {@link encodeError} / {@link decodeError} with its class, tag and fields intact.
 * Structured clone alone keeps neither the class nor custom fields, hence one serializer.
 */

/** The wire form of an error: plain data that structured clone copies faithfully. */
export interface EncodedError {
  readonly $error: string
  readonly message: string
  readonly stack?: string | undefined
  readonly fields: Record<string, unknown>
}

type ErrorClass = (new (...args: never[]) => TroupeError) & { readonly tag: string }
const registry = new Map<string, ErrorClass>()

/** Base of all troupe errors. Subclasses declare `static readonly tag` and register. */
export abstract class TroupeError extends Error {
  static readonly tag: string = 'TroupeError'
  abstract readonly tag: string

  /** Plain-data fields carried across threads; subclasses list theirs. */
  fields(): Record<string, unknown> {
    return {}
  }

  /** True for an instance of this class, or for a decoded error carrying its tag. */
  static is<T extends TroupeError>(this: abstract new (...args: never[]) => T, value: unknown): value is T {
    if (value instanceof this) return true
    const tag = (this as unknown as { tag: string }).tag
    return typeof value === 'object' && value !== null && (value as { tag?: unknown }).tag === tag
  }
}

/** Makes `decodeError` able to rebuild instances of `cls`. Call once per class. */
export function registerError(cls: ErrorClass): void {
  registry.set(cls.tag, cls)
}

/** Turns any thrown value into data fit for `postMessage`. Non-errors pass through. */
export function encodeError(err: unknown): unknown {
  if (!(err instanceof Error)) return err
  const fields = err instanceof TroupeError ? err.fields() : {}
  return {
    $error: err instanceof TroupeError ? err.tag : err.name,
    message: err.message,
    stack: err.stack,
    fields,
  } satisfies EncodedError
}

/** Inverse of {@link encodeError}: rebuilds the tagged class when known, else a plain Error with the name kept. */
export function decodeError(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || typeof (value as EncodedError).$error !== 'string') return value
  const enc = value as EncodedError
  const cls = registry.get(enc.$error)
  let err: Error
  if (cls) {
    err = Object.create(cls.prototype) as Error
    Object.assign(err, enc.fields)
    Object.defineProperty(err, 'message', { value: enc.message, writable: true, configurable: true })
  } else {
    err = new Error(enc.message)
    err.name = enc.$error
  }
  if (enc.stack !== undefined) Object.defineProperty(err, 'stack', { value: enc.stack, writable: true, configurable: true })
  return err
}

/** Declares a tagged, registered error class whose message is built from its fields. */
// `name`, `message`, `stack` and `tag` are Error's own; fields may not shadow them.
export function defineError<F extends Record<string, unknown> & { name?: never; message?: never; stack?: never; tag?: never }>(tag: string, message: (f: F) => string) {
  const cls = class extends TroupeError {
    static override readonly tag = tag
    // On the prototype, so decoded instances (built without the constructor) have it too.
    get tag(): string {
      return tag
    }
    override get name(): string {
      return tag
    }
    constructor(f: F) {
      super(message(f))
      Object.assign(this, f)
    }
    override fields(): Record<string, unknown> {
      const out: Record<string, unknown> = {}
      for (const k of Object.keys(this)) out[k] = (this as Record<string, unknown>)[k]
      return out
    }
  }
  Object.defineProperty(cls, 'name', { value: tag })
  registerError(cls)
  return cls as unknown as {
    new (f: F): TroupeError & Readonly<F> & { readonly tag: typeof tag }
    readonly tag: string
    is(value: unknown): value is TroupeError & Readonly<F>
  }
}

/** A `call` got no reply within its timeout. Late replies are dropped. */
export const CallTimeout = defineError<{ pid: string; timeout: number }>(
  'CallTimeout',
  (f) => `call to ${f.pid} timed out after ${f.timeout} ms`,
)
export type CallTimeout = InstanceType<typeof CallTimeout>

/** The callee was dead, unknown (`reason: 'noproc'`), or died before replying. */
export const CallExited = defineError<{ pid: string; reason: unknown }>(
  'CallExited',
  (f) => `call to ${f.pid} failed: callee exited with ${describeReason(f.reason)}`,
)
export type CallExited = InstanceType<typeof CallExited>

/** A bounded mailbox refused a message. The message was not delivered. */
export const MailboxFull = defineError<{ pid: string; capacity: number }>(
  'MailboxFull',
  (f) => `mailbox of ${f.pid} is full (capacity ${f.capacity})`,
)
export type MailboxFull = InstanceType<typeof MailboxFull>

/** `register` with a name another process holds. */
export const NameTaken = defineError<{ wanted: unknown; owner: string }>(
  'NameTaken',
  (f) => `name ${JSON.stringify(f.wanted)} is already registered to ${f.owner}`,
)
export type NameTaken = InstanceType<typeof NameTaken>

/** `register` for a process that already has a name (a process has at most one, as in OTP). */
export const AlreadyRegistered = defineError<{ pid: string; current: unknown }>(
  'AlreadyRegistered',
  (f) => `${f.pid} is already registered as ${JSON.stringify(f.current)}`,
)
export type AlreadyRegistered = InstanceType<typeof AlreadyRegistered>

/** Send to a name nobody holds, or an operation on a process that is not alive. */
export const NoProc = defineError<{ target: unknown; operation: string }>(
  'NoProc',
  (f) => `${f.operation}: no process ${typeof f.target === 'string' ? f.target : JSON.stringify(f.target)}`,
)
export type NoProc = InstanceType<typeof NoProc>

/** A process's `init` failed; `spawn` of a behaviour with `{ sync: true }` rejects with it. */
export const InitFailed = defineError<{ reason: unknown }>(
  'InitFailed',
  (f) => `init failed: ${describeReason(f.reason)}`,
)
export type InitFailed = InstanceType<typeof InitFailed>

/** Used on the process context of a process that has already exited. */
export const NotAlive = defineError<{ pid: string }>('NotAlive', (f) => `process ${f.pid} is not alive`)
export type NotAlive = InstanceType<typeof NotAlive>

/** A message that cannot be structured-cloned, caught at the send site. */
export const NotCloneable = defineError<{ path: string; what: string }>(
  'NotCloneable',
  (f) => `message cannot cross a thread: ${f.what} at ${f.path}`,
)
export type NotCloneable = InstanceType<typeof NotCloneable>

/** Human-readable form of an exit reason, for messages only. */
export function describeReason(reason: unknown): string {
  if (typeof reason === 'string') return reason
  if (reason instanceof Error) return `${reason.name}: ${reason.message}`
  try {
    return JSON.stringify(reason) ?? String(reason)
  } catch {
    return String(reason)
  }
}
