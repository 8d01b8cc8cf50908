/**
 * Child specifications (OTP's `child_spec()`), their defaults as data, and their validation.
 * A spec is checked once, where it enters (`startSupervisor`, `startChild`, ...); the
 * supervisor keeps the normalized form, with every default filled in.
 */
import type { ActorRef } from '../cluster/actorRef.js'
import type { Actor, SpawnOptions } from '../node.js'
import { assertKnownOptions, describe } from '../validate.js'
import { RESTART_TYPES, type RestartType } from './restartDecision.js'

/** `supervisor` children get `shutdown: 'infinity'` by default, so a subtree can stop in order. */
export type ChildType = 'worker' | 'supervisor'

/**
 * How a child is stopped (OTP's shutdown rules):
 * - a number of ms: exit signal `shutdown`, then `kill` if it has not exited in that time;
 * - `'infinity'`: exit signal `shutdown`, and wait for as long as it takes;
 * - `'brutal_kill'`: exit signal `kill` (untrappable), at once.
 */
export type Shutdown = number | 'infinity' | 'brutal_kill'

/** What to run for a child. */
export interface ChildStart {
  /**
   * A behaviour (started linked, with its `init` awaited, like `gen_server:start_link`) or
   * a process function (spawned linked; it counts as started at once, having no init).
   */
  readonly actor: Actor | ActorRef
  /**
   * Start the child on this node of the cluster: `actor` is then an `actorRef(url, export)`
   * (a closure cannot cross a thread), started linked with its `init` awaited. The node
   * going down is the child exiting with `noconnection`.
   */
  readonly node?: string
  /** Arguments after the context. Default none. */
  readonly args?: readonly unknown[]
  /** Spawn options, for example `{ name }` to register every incarnation of the child. */
  readonly options?: SpawnOptions
}

/** A child of a `startSupervisor` supervisor. */
export interface ChildSpec {
  /** Unique among the supervisor's children; names the child in every operation. */
  readonly id: string
  readonly start: ChildStart
  /** Default `'permanent'`. */
  readonly restart?: RestartType
  /** Default 5000 ms for workers, `'infinity'` for supervisors. */
  readonly shutdown?: Shutdown
  /** Default `'worker'`. */
  readonly type?: ChildType
}

/** A child of a dynamic supervisor: a spec whose `id`, if any, is only informative. */
export type DynamicChildSpec = Omit<ChildSpec, 'id'> & { readonly id?: string }

/** Defaults of a child spec, as data. */
export const childSpecDefaults = {
  restart: 'permanent',
  type: 'worker',
  /** Shutdown of a worker: ms to wait after `shutdown` before `kill`. */
  workerShutdown: 5000,
  /** Shutdown of a supervisor: its own children need the time they need. */
  supervisorShutdown: 'infinity',
} as const

/** @internal a spec with every default applied */
export interface NormalizedChildSpec {
  readonly id: string | undefined
  readonly actor: Actor | ActorRef
  readonly node: string | undefined
  readonly args: readonly unknown[]
  readonly options: SpawnOptions | undefined
  readonly restart: RestartType
  readonly shutdown: Shutdown
  readonly type: ChildType
}

const SPEC_KEYS = ['id', 'start', 'restart', 'shutdown', 'type'] as const
const START_KEYS = ['actor', 'node', 'args', 'options'] as const
const EMPTY: readonly unknown[] = Object.freeze([])

/** @internal Validates `spec` (named `arg` in messages) and fills in its defaults. */
export function normalizeChildSpec(spec: unknown, arg: string, idRequired: boolean): NormalizedChildSpec {
  assertKnownOptions(spec as object, SPEC_KEYS, arg)
  const s = spec as Partial<Record<(typeof SPEC_KEYS)[number], unknown>>
  if (idRequired || s.id !== undefined) {
    if (typeof s.id !== 'string' || s.id.length === 0) throw new TypeError(`${arg}.id must be a non-empty string, got ${describe(s.id)}`)
  }
  if (s.start === undefined) throw new TypeError(`${arg}.start is required ({ actor, args?, options? })`)
  assertKnownOptions(s.start as object, START_KEYS, `${arg}.start`)
  const start = s.start as Partial<Record<(typeof START_KEYS)[number], unknown>>
  const actor = start.actor
  const isBehaviour = typeof actor === 'object' && actor !== null && typeof (actor as { init?: unknown }).init === 'function'
  const isRef = typeof actor === 'object' && actor !== null && typeof (actor as ActorRef).url === 'string' && typeof (actor as ActorRef).export === 'string'
  if (start.node !== undefined) {
    if (typeof start.node !== 'string' || start.node.length === 0) throw new TypeError(`${arg}.start.node must be a node name, got ${describe(start.node)}`)
    if (!isRef) throw new TypeError(`${arg}.start.actor must be an actorRef(url, export) when start.node is given (a closure cannot cross a thread), got ${describe(actor)}`)
  } else if (isRef) throw new TypeError(`${arg}.start.node is required with an actorRef actor`)
  else if (typeof actor !== 'function' && !isBehaviour)
    throw new TypeError(`${arg}.start.actor must be a behaviour or a process function, got ${describe(actor)}`)
  if (start.args !== undefined && !Array.isArray(start.args)) throw new TypeError(`${arg}.start.args must be an array, got ${describe(start.args)}`)
  // The spawn options themselves are checked by spawn, at every start, with its own messages.
  if (start.options !== undefined && (typeof start.options !== 'object' || start.options === null || Array.isArray(start.options)))
    throw new TypeError(`${arg}.start.options must be an object, got ${describe(start.options)}`)
  const restart = s.restart ?? childSpecDefaults.restart
  if (!RESTART_TYPES.includes(restart as RestartType))
    throw new TypeError(`${arg}.restart must be one of ${RESTART_TYPES.map((r) => `'${r}'`).join(', ')}, got ${describe(restart)}`)
  const type = s.type ?? childSpecDefaults.type
  if (type !== 'worker' && type !== 'supervisor') throw new TypeError(`${arg}.type must be 'worker' or 'supervisor', got ${describe(type)}`)
  const shutdown = s.shutdown ?? (type === 'supervisor' ? childSpecDefaults.supervisorShutdown : childSpecDefaults.workerShutdown)
  if (shutdown !== 'infinity' && shutdown !== 'brutal_kill' && !(typeof shutdown === 'number' && Number.isInteger(shutdown) && shutdown >= 0))
    throw new TypeError(`${arg}.shutdown must be a non-negative integer (ms), 'infinity' or 'brutal_kill', got ${describe(shutdown)}`)
  return {
    id: s.id as string | undefined,
    actor: actor as Actor | ActorRef,
    node: start.node as string | undefined,
    args: (start.args as readonly unknown[] | undefined) ?? EMPTY,
    options: start.options as SpawnOptions | undefined,
    restart: restart as RestartType,
    shutdown: shutdown as Shutdown,
    type,
  }
}

/**
 * @internal The child spec of a nested supervisor of either kind: `type: 'supervisor'`,
 * started with its already normalized `opts`; validated now, like a spec given to a supervisor.
 */
export function nestedSupervisorSpec(id: string, actor: ChildStart['actor'], opts: unknown, overrides: Pick<ChildSpec, 'restart' | 'shutdown'>): ChildSpec {
  const spec: ChildSpec = { id, type: 'supervisor', start: { actor, args: [opts] }, ...overrides }
  normalizeChildSpec(spec, 'spec', true)
  return spec
}
