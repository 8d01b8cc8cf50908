/**
 * Elixir's `DynamicSupervisor`: starts no children of its own; children are added one at a
 * time with {@link startDynamicChild}, each restarted on its own (`one_for_one`) by its
 * restart type, under the same intensity rule as `startSupervisor`. A child that is not
 * restarted is forgotten. On shutdown all children are stopped at once, each by its own
 * shutdown rule, as Elixir does.
 */
import { Process, type ProcessContext } from '../process.js'
import type { Pid } from '../pid.js'
import type { Name } from '../name.js'
import { isExitMessage } from '../messages.js'
import { defineBehaviour, reply, stop, type ReplyResult, type StopResult } from '../behaviour.js'
import { assertKnownOptions, assertPid, describe } from '../validate.js'
import { isName } from '../name.js'
import { nestedSupervisorSpec, normalizeChildSpec, type ChildSpec, type DynamicChildSpec, type NormalizedChildSpec } from './childSpec.js'
import { decideRestart } from './restartDecision.js'
import { assertIntensityLimits, checkRestartIntensity, type IntensityLimits } from './restartIntensity.js'
import { startChildProcess } from './startChildProcess.js'
import { shutdownChild } from './shutdownChild.js'
import {
  OK,
  assertFrom,
  callSupervisor,
  countOf,
  isRetryMessage,
  refuse,
  type ChildInfo,
  type NodeOrContext,
  type RetryMessage,
  type SupervisorReply,
  type SupervisorRef,
  type SupervisorRequest,
} from './protocol.js'

export interface DynamicSupervisorOptions {
  /** Only `'one_for_one'`, as Elixir's. */
  readonly strategy?: 'one_for_one'
  /** Restarts allowed within `period`; one more and the supervisor stops its children and exits with `shutdown`. Default 3. */
  readonly intensity?: number
  /** The intensity window, in ms. Default 5000. */
  readonly period?: number
  /** Most children at once (restarting ones included); `startDynamicChild` beyond it rejects with `MaxChildren`. Default Infinity. */
  readonly maxChildren?: number
  /** Arguments put before each child's own `args`, at every start. Default none. */
  readonly extraArguments?: readonly unknown[]
  /** Register the supervisor under this name. */
  readonly name?: Name
}

/** Defaults of {@link DynamicSupervisorOptions}, as data: Elixir's (`max_restarts: 3, max_seconds: 5`). */
export const dynamicSupervisorDefaults = {
  strategy: 'one_for_one',
  intensity: 3,
  period: 5000,
  maxChildren: Infinity,
  extraArguments: [] as readonly unknown[],
} as const

const OPTIONS = ['strategy', 'intensity', 'period', 'maxChildren', 'extraArguments', 'name'] as const

interface NormalizedOptions {
  readonly limits: IntensityLimits
  readonly maxChildren: number
  readonly extraArguments: readonly unknown[]
  readonly name: Name | undefined
}

function normalizeOptions(options: unknown): NormalizedOptions {
  assertKnownOptions(options as object, OPTIONS, 'options')
  const o = options as DynamicSupervisorOptions
  if (o.strategy !== undefined && o.strategy !== 'one_for_one')
    throw new TypeError(`options.strategy must be 'one_for_one' for a dynamic supervisor, got ${describe(o.strategy)}`)
  const intensity = o.intensity ?? dynamicSupervisorDefaults.intensity
  const period = o.period ?? dynamicSupervisorDefaults.period
  assertIntensityLimits(intensity, period)
  const maxChildren = o.maxChildren ?? dynamicSupervisorDefaults.maxChildren
  if (typeof maxChildren !== 'number' || !(maxChildren === Infinity || (Number.isInteger(maxChildren) && maxChildren >= 0)))
    throw new RangeError(`options.maxChildren must be a non-negative integer or Infinity, got ${describe(maxChildren)}`)
  const extraArguments = o.extraArguments ?? dynamicSupervisorDefaults.extraArguments
  if (!Array.isArray(extraArguments)) throw new TypeError(`options.extraArguments must be an array, got ${describe(extraArguments)}`)
  if (o.name !== undefined && !isName(o.name)) throw new TypeError(`options.name must be a non-empty string or tuple, got ${describe(o.name)}`)
  return { limits: { intensity, period }, maxChildren, extraArguments: [...extraArguments], name: o.name }
}

interface Child {
  readonly spec: NormalizedChildSpec
  /** The running process; while `restarting`, the last one (the key the child is filed under). */
  readonly pid: Pid
  restarting: boolean
}

interface DynamicState {
  readonly limits: IntensityLimits
  readonly maxChildren: number
  readonly extraArguments: readonly unknown[]
  /** By pid, in start order (a restarted child counts as started anew). */
  readonly children: Map<Pid, Child>
  restarts: readonly number[]
}

type Result = DynamicState | StopResult<DynamicState>
type CallResult = ReplyResult<SupervisorReply, DynamicState>

/** Counts toward intensity, then starts the child again; a failed start is retried through a message to self. */
async function restart(ctx: ProcessContext, state: DynamicState, child: Child): Promise<Result> {
  const check = checkRestartIntensity(state.restarts, ctx.node.clock.now(), state.limits)
  state.restarts = check.restarts
  if (check.verdict === 'exceeded') return stop('shutdown', state)
  const r = await startChildProcess(ctx, child.spec, state.extraArguments)
  if (r.ok) {
    state.children.delete(child.pid)
    state.children.set(r.pid, { spec: child.spec, pid: r.pid, restarting: false })
  } else {
    child.restarting = true
    ctx.send<RetryMessage>(ctx.self, { $supervisor: 'retry', child: child.pid })
  }
  return state
}

async function startChildCall(ctx: ProcessContext, state: DynamicState, spec: NormalizedChildSpec): Promise<CallResult> {
  const r = await startChildProcess(ctx, spec, state.extraArguments)
  if (!r.ok) return reply({ ok: false, error: 'start_failed', reason: r.reason }, state)
  state.children.set(r.pid, { spec, pid: r.pid, restarting: false })
  return reply({ ok: true, value: r.pid }, state)
}

async function terminateChildCall(ctx: ProcessContext, state: DynamicState, pid: Pid): Promise<CallResult> {
  const c = state.children.get(pid)
  if (c === undefined) return reply(refuse('not_found'), state)
  state.children.delete(pid)
  if (!c.restarting) await shutdownChild(ctx, pid, c.spec.shutdown)
  return reply(OK, state)
}

function info(c: Child): ChildInfo {
  return { id: undefined, pid: c.restarting ? 'restarting' : c.pid, type: c.spec.type }
}

/** @internal the dynamic supervisor process itself */
const dynamicSupervisor = defineBehaviour<DynamicState, RetryMessage, SupervisorRequest, SupervisorReply, [NormalizedOptions]>({
  init(ctx, opts) {
    ctx.trapExit(true)
    return { limits: opts.limits, maxChildren: opts.maxChildren, extraArguments: opts.extraArguments, children: new Map(), restarts: [] }
  },

  handleCall(req, _from, state, ctx) {
    switch (req.$supervisor) {
      case 'which_children':
        return reply({ ok: true, value: [...state.children.values()].map(info) }, state)
      case 'count_children':
        return reply({ ok: true, value: countOf(state.children.values()) }, state)
      case 'start_child':
        if (state.children.size >= state.maxChildren) return reply({ ok: false, error: 'max_children', max: state.maxChildren }, state)
        return startChildCall(ctx, state, req.spec)
      case 'terminate_child':
        return terminateChildCall(ctx, state, req.child as Pid)
      case 'restart_child':
      case 'delete_child':
        // Not part of a dynamic supervisor's API: its children have no ids to name.
        return reply(refuse('not_found'), state)
      case 'stop':
        return stop(req.reason, state)
    }
  },

  handleInfo(m, state, ctx) {
    if (isExitMessage(m)) {
      const c = state.children.get(m.from)
      if (c !== undefined && !c.restarting) {
        const d = decideRestart({ strategy: 'one_for_one', restart: c.spec.restart, reason: m.reason, position: 0, count: 1 })
        if (d.action === 'restart') return restart(ctx, state, c)
        state.children.delete(c.pid)
        return state
      }
      if (m.from === ctx.node.pid) return stop(m.reason, state)
      return state
    }
    if (isRetryMessage(m)) {
      const c = state.children.get(m.child as Pid)
      return c !== undefined && c.restarting ? restart(ctx, state, c) : state
    }
    return state
  },

  async terminate(_reason, state, ctx) {
    const running = [...state.children.values()].filter((c) => !c.restarting)
    await Promise.all(running.map((c) => shutdownChild(ctx, c.pid, c.spec.shutdown)))
  },
})

/**
 * Starts a dynamic supervisor with no children. From a process context it is linked to
 * that process; from a node it is not. Invalid options throw synchronously.
 * @example
 * const sessions = await startDynamicSupervisor(node, { maxChildren: 1000, extraArguments: [db] })
 * const pid = await startDynamicChild(node, sessions, { start: { actor: session, args: [userId] } })
 */
export function startDynamicSupervisor(from: NodeOrContext, options: DynamicSupervisorOptions = {}): Promise<Pid> {
  assertFrom(from)
  const opts = normalizeOptions(options)
  const spawnOpts = opts.name === undefined ? undefined : { name: opts.name }
  return from instanceof Process ? from.startLink<Pid>(dynamicSupervisor, [opts], spawnOpts) : from.start(dynamicSupervisor, [opts], spawnOpts)
}

/**
 * A child spec that runs a dynamic supervisor under a supervisor (`type: 'supervisor'`).
 * @example
 * await startSupervisor(node, { children: [dynamicSupervisorChild('sessions', { maxChildren: 100 })] })
 */
export function dynamicSupervisorChild(
  id: string,
  options: DynamicSupervisorOptions = {},
  overrides: Pick<ChildSpec, 'restart' | 'shutdown'> = {},
): ChildSpec {
  return nestedSupervisorSpec(id, dynamicSupervisor, normalizeOptions(options), overrides)
}

/**
 * Starts a child under a dynamic supervisor, with the supervisor's `extraArguments` before
 * the spec's `args`. Resolves with its pid; rejects with {@link MaxChildren} when the
 * supervisor is full, or with {@link ChildStartFailed} if the child fails to start.
 * @example
 * const pid = await startDynamicChild(node, sup, { start: { actor: worker, args: [42] }, restart: 'transient' })
 */
export function startDynamicChild(from: NodeOrContext, sup: SupervisorRef, spec: DynamicChildSpec): Promise<Pid> {
  assertFrom(from)
  const n = normalizeChildSpec(spec, 'spec', false)
  return callSupervisor(from, sup, { $supervisor: 'start_child', spec: n }, 'startDynamicChild', n.id)
}

/**
 * Stops a dynamic supervisor's child by its shutdown rule and forgets it. Rejects with
 * {@link SupervisorError} `not_found` if `pid` is not its child.
 * @example
 * await terminateDynamicChild(node, sup, pid)
 */
export function terminateDynamicChild(from: NodeOrContext, sup: SupervisorRef, pid: Pid): Promise<void> {
  assertFrom(from)
  assertPid(pid, 'pid')
  return callSupervisor(from, sup, { $supervisor: 'terminate_child', child: pid }, 'terminateDynamicChild', pid)
}
