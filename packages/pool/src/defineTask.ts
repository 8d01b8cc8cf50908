/**
 * Tasks are named by module URL plus export name (Erlang's `{M, F, A}`): a closure cannot
 * cross a thread, a URL and a name can. The phantom type keeps call sites type-checked.
 */
import { describe } from './validate.js'

declare const fnType: unique symbol

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyTaskFn = (...args: any[]) => unknown

/** A task a pool can run: the export `export` of the module at `url`. */
export interface TaskRef<F extends AnyTaskFn = AnyTaskFn> {
  readonly url: string
  readonly export: string
  /** @internal phantom */
  readonly [fnType]?: F
}

/** The arguments of a task. */
export type TaskArgs<T> = T extends TaskRef<infer F> ? Parameters<F> : never
/** What a task resolves with (its return value, awaited). */
export type TaskResult<T> = T extends TaskRef<infer F> ? Awaited<ReturnType<F>> : never
/** The single input of a task used with `map`. */
export type TaskInput<T> = T extends TaskRef<infer F> ? Parameters<F>[0] : never

/**
 * Names a task. Under tsx or vitest, point at the `.ts` file; built code points at `.js`.
 * @example
 * const fib = defineTask<typeof import('./tasks.js').fib>(new URL('./tasks.ts', import.meta.url), 'fib')
 * await call(pool, fib, [30]) // number
 */
export function defineTask<F extends AnyTaskFn>(url: URL | string, exportName: string): TaskRef<F> {
  if (!(url instanceof URL) && typeof url !== 'string') throw new TypeError(`url must be a URL or a string, got ${describe(url)}`)
  if (typeof exportName !== 'string' || exportName.length === 0) throw new TypeError(`exportName must be a non-empty string, got ${describe(exportName)}`)
  return Object.freeze({ url: String(url), export: exportName }) as TaskRef<F>
}

/** `url#export`, for messages and stats. @internal */
export function taskName(t: { readonly url: string; readonly export: string }): string {
  const slash = t.url.lastIndexOf('/')
  return `${slash >= 0 ? t.url.slice(slash + 1) : t.url}#${t.export}`
}

/** @internal */
export function assertTask(t: unknown, arg: string): asserts t is TaskRef {
  if (typeof t !== 'object' || t === null || typeof (t as TaskRef).url !== 'string' || typeof (t as TaskRef).export !== 'string')
    throw new TypeError(`${arg} must be a task made by defineTask(url, exportName), got ${describe(t)}`)
}
