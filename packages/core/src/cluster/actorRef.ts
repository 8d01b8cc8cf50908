/**
 * Actors named by module URL plus export name (Erlang's `{M, F, A}`): a closure cannot cross
 * a thread, a URL and a name can. The phantom type keeps the call site type-checked.
 */
import type { AnyBehaviour, PidOf } from '../behaviour.js'
import type { Actor, BehaviourArgs } from '../node.js'
import type { Process } from '../process.js'
import type { Pid } from '../pid.js'
import { describe } from '../validate.js'

declare const actorType: unique symbol

export interface ActorRef<A = Actor> {
  /** Module URL (file:, data: or anything `import()` takes). */
  readonly url: string
  /** Name of the export holding the behaviour or process function. */
  readonly export: string
  /** @internal phantom */
  readonly [actorType]?: A
}

/** The arguments `spawn` takes for an actor. */
export type ActorArgs<A> = A extends AnyBehaviour
  ? BehaviourArgs<A>
  : A extends (ctx: Process<infer _M>, ...args: infer P) => unknown
    ? P
    : unknown[]

/** The pid `spawn` returns for an actor. */
export type ActorPid<A> = A extends AnyBehaviour ? PidOf<A> : A extends (ctx: Process<infer M>, ...args: never[]) => unknown ? Pid<M> : Pid

/**
 * Names an actor other nodes can spawn.
 * @example
 * const counter = actorRef<typeof import('./counter.js').counter>(new URL('./counter.ts', import.meta.url), 'counter')
 * const pid = await spawn('node2', counter, [10])
 */
export function actorRef<A = Actor>(url: URL | string, exportName: string): ActorRef<A> {
  if (!(url instanceof URL) && typeof url !== 'string') throw new TypeError(`url must be a URL or a string, got ${describe(url)}`)
  if (typeof exportName !== 'string' || exportName.length === 0) throw new TypeError(`exportName must be a non-empty string, got ${describe(exportName)}`)
  return { url: String(url), export: exportName } as ActorRef<A>
}

/** @internal Loaded modules, so a spawn after the first is synchronous. */
const modules = new Map<string, Record<string, unknown>>()

/** @internal The actor if its module is loaded already, else undefined. */
export function loadedActor(url: string, name: string): Actor | undefined {
  const m = modules.get(url)
  return m === undefined ? undefined : pick(m, url, name)
}

/** @internal */
export async function loadActor(url: string, name: string): Promise<Actor> {
  let m = modules.get(url)
  if (m === undefined) {
    m = (await import(url)) as Record<string, unknown>
    modules.set(url, m)
  }
  return pick(m, url, name)
}

function pick(m: Record<string, unknown>, url: string, name: string): Actor {
  const a = m[name]
  if (typeof a === 'function' || (typeof a === 'object' && a !== null && typeof (a as { init?: unknown }).init === 'function')) return a as Actor
  throw new TypeError(`export ${name} of ${url} must be a process function or a behaviour, got ${describe(a)}`)
}
