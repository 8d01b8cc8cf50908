/**
 * Tagged errors of @troupe/scheduler.
 *
 * `defineError` mirrors the signature of @troupe/core's `defineError(tag, (fields) => message)`,
 * so that switching to core's (which also registers the class for its cross-thread serializer)
 * is a one-line import change.
 */

/** Declares a tagged error class whose message is built from its fields. */
export function defineError<F extends Record<string, unknown>>(tag: string, message: (f: F) => string) {
  const cls = class extends Error {
    static readonly tag = tag
    readonly tag = tag
    constructor(f: F) {
      super(message(f))
      this.name = tag
      Object.assign(this, f)
    }
    /** True for an instance, or for any object (e.g. a structured-cloned error) carrying this tag. */
    static is(value: unknown): boolean {
      return value instanceof cls || (typeof value === 'object' && value !== null && (value as { tag?: unknown }).tag === tag)
    }
  }
  return cls as unknown as {
    new (f: F): Error & Readonly<F> & { readonly tag: string }
    readonly tag: string
    is(value: unknown): value is Error & Readonly<F> & { readonly tag: string }
  }
}

/** A message breaks the message model (bad value type, reserved key, malformed commitments). */
export const InvalidMessage = defineError<{ reason: string }>('InvalidMessage', (f) => `invalid message: ${f.reason}`)
export type InvalidMessage = InstanceType<typeof InvalidMessage>

/** Key material that `importWallet` cannot use. */
export const InvalidWallet = defineError<{ reason: string }>('InvalidWallet', (f) => `invalid wallet: ${f.reason}`)
export type InvalidWallet = InstanceType<typeof InvalidWallet>

/** Not a 43-character base64url encoding of 32 bytes. */
export const InvalidProcessId = defineError<{ procId: string }>(
  'InvalidProcessId',
  (f) => `invalid process id ${JSON.stringify(f.procId)}: expected 43 base64url characters encoding 32 bytes`,
)
export type InvalidProcessId = InstanceType<typeof InvalidProcessId>

/** An option failed validation at a public boundary. */
export const InvalidOption = defineError<{ option: string; expected: string }>(
  'InvalidOption',
  (f) => `${f.option} must be ${f.expected}`,
)
export type InvalidOption = InstanceType<typeof InvalidOption>

/** A write whose first slot is not the one after the process's last slot: a slot would be given twice or skipped. */
export const SlotConflict = defineError<{ procId: string; expected: number; got: number }>(
  'SlotConflict',
  (f) => `slot conflict for ${f.procId}: expected slot ${f.expected}, got ${f.got}`,
)
export type SlotConflict = InstanceType<typeof SlotConflict>

/** An assignment that does not belong in the write it was passed to. */
export const InvalidAssignment = defineError<{ procId: string; slot: number; reason: string }>(
  'InvalidAssignment',
  (f) => `invalid assignment ${f.procId}#${f.slot}: ${f.reason}`,
)
export type InvalidAssignment = InstanceType<typeof InvalidAssignment>

/** An operation on a store after `close()`. */
export const StoreClosed = defineError<{ store: string }>('StoreClosed', (f) => `${f.store} store is closed`)
export type StoreClosed = InstanceType<typeof StoreClosed>
