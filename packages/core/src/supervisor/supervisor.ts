/**
 * OTP's `supervisor`, local part: a behaviour that starts children in order, links to them
 * (it traps exits), restarts them by its strategy and their restart types, gives up with
 * `shutdown` when restarts exceed its intensity, and stops children in reverse order.
 * The rules themselves live in ./restartDecision.ts and ./restartIntensity.ts; this file
 * applies them.
 *
 * While it starts or stops a child the supervisor handles nothing else (its handler is
 * busy, like an OTP supervisor blocked in `start_link`); signals and calls that arrive
 * meanwhile wait in its mailbox, and EXITs from pids that are no longer its children
 * (children it stopped itself, children whose `init` failed) are ignored.
 */
import { Process, type ProcessContext } from '../process.js'
import type { Pid } from '../pid.js'
import type { Name } from '../name.js'
import { isExitMessage, type ExitReason } from '../messages.js'
import { defineBehaviour, reply, stop, type ReplyResult, type StopResult } from '../behaviour.js'
import { CallExited, InitFailed } from '../errors.js'
import { assertKnownOptions, describe } from '../validate.js'
import { isName } from '../name.js'
import { nestedSupervisorSpec, normalizeChildSpec, type ChildSpec, type NormalizedChildSpec } from './childSpec.js'
import { affectedChildren, decideRestart, STRATEGIES, type Strategy } from './restartDecision.js'
import { assertIntensityLimits, checkRestartIntensity, type IntensityLimits } from './restartIntensity.js'
import { startChildProcess } from './startChildProcess.js'
import { shutdownChild } from './shutdownChild.js'
import { ChildStartFailed } from './errors.js'
import {
  OK,
  assertFrom,
  callSupervisor,
  countOf,
  isRetryMessage,
  refuse,
  type ChildCounts,
  type ChildInfo,
  type NodeOrContext,
  type RetryMessage,
  type SupervisorReply,
  type SupervisorRef,
  type SupervisorRequest,
} from './protocol.js'

export interface SupervisorOptions {
  /** How a restart involves the other children. Default `'one_for_one'`. */
  readonly strategy?: Strategy
  /** Restarts allowed within `period`; one more and the supervisor stops its children and exits with `shutdown`. Default 1. */
  readonly intensity?: number
  /** The intensity window, in ms (OTP counts seconds). Default 5000. */
  readonly period?: number
  /** Started in this order when the supervisor starts, stopped in the reverse order. Default none. */
  readonly children?: readonly ChildSpec[]
  /** Register the supervisor under this name. */
  readonly name?: Name
}

/** Defaults of {@link SupervisorOptions}, as data: OTP's. */
export const supervisorDefaults = {
  strategy: 'one_for_one',
  intensity: 1,
  period: 5000,
} as const satisfies Required<Pick<SupervisorOptions, 'strategy' | 'intensity' | 'period'>>

const OPTIONS = ['strategy', 'intensity', 'period', 'children', 'name'] as const

interface NormalizedOptions {
  readonly strategy: Strategy
  readonly limits: IntensityLimits
  readonly children: readonly NormalizedChildSpec[]
  readonly name: Name | undefined
}

function normalizeOptions(options: unknown): NormalizedOptions {
  assertKnownOptions(options as object, OPTIONS, 'options')
  const o = options as SupervisorOptions
  const strategy = o.strategy ?? supervisorDefaults.strategy
  if (!STRATEGIES.includes(strategy))
    throw new TypeError(`options.strategy must be one of ${STRATEGIES.map((s) => `'${s}'`).join(', ')}, got ${describe(strategy)}`)
  const intensity = o.intensity ?? supervisorDefaults.intensity
  const period = o.period ?? supervisorDefaults.period
  assertIntensityLimits(intensity, period)
  if (o.name !== undefined && !isName(o.name)) throw new TypeError(`options.name must be a non-empty string or tuple, got ${describe(o.name)}`)
  const specs = o.children ?? []
  if (!Array.isArray(specs)) throw new TypeError(`options.children must be an array, got ${describe(specs)}`)
  const seen = new Map<string, number>()
  const children = specs.map((spec, i) => {
    const n = normalizeChildSpec(spec, `options.children[${i}]`, true)
    const first = seen.get(n.id!)
    if (first !== undefined) throw new TypeError(`options.children[${i}].id is duplicated (${JSON.stringify(n.id)} is also options.children[${first}].id)`)
    seen.set(n.id!, i)
    return n
  })
  return { strategy, limits: { intensity, period }, children, name: o.name }
}

interface Child {
  readonly spec: NormalizedChildSpec
  pid: Pid | undefined
  /** Between a failed restart and its retry (OTP's `{restarting, Pid}`). */
  restarting: boolean
}

interface SupervisorState {
  readonly strategy: Strategy
  readonly limits: IntensityLimits
  /** In start order. */
  children: Child[]
  restarts: readonly number[]
}

type Result = SupervisorState | StopResult<SupervisorState>

const NO_ARGS: readonly unknown[] = Object.freeze([])

/** Stops the running children among `children`, last first, one at a time. */
async function stopChildren(ctx: ProcessContext, children: readonly Child[]): Promise<void> {
  for (let i = children.length - 1; i >= 0; i--) {
    const c = children[i]!
    if (c.pid !== undefined) await shutdownChild(ctx, c.pid, c.spec.shutdown)
    c.pid = undefined
  }
}

/**
 * Restarts `failed` and the children its restart involves (positions in start order). Counts
 * toward intensity first; a restart that fails counts too, and is retried through a message
 * to self, so calls and signals queued meanwhile are handled in between (OTP's
 * `try_again_restart`).
 */
async function restart(ctx: ProcessContext, state: SupervisorState, failed: Child, positions: readonly number[]): Promise<Result> {
  const check = checkRestartIntensity(state.restarts, ctx.node.clock.now(), state.limits)
  state.restarts = check.restarts
  if (check.verdict === 'exceeded') return stop('shutdown', state)
  const group = positions.map((i) => state.children[i]!)
  await stopChildren(ctx, group.filter((c) => c !== failed))
  // Temporary siblings stopped by the restart are not restarted: OTP forgets them.
  state.children = state.children.filter((c) => c.spec.restart !== 'temporary' || !group.includes(c))
  for (const c of group) {
    if (c.spec.restart === 'temporary') continue
    c.restarting = false
    const r = await startChildProcess(ctx, c.spec, NO_ARGS)
    if (r.ok) {
      c.pid = r.pid
      continue
    }
    c.restarting = true
    ctx.send<RetryMessage>(ctx.self, { $supervisor: 'retry', child: c.spec.id! })
    break
  }
  return state
}

function onChildExit(ctx: ProcessContext, state: SupervisorState, i: number, reason: ExitReason): Result | Promise<Result> {
  const child = state.children[i]!
  child.pid = undefined
  const d = decideRestart({ strategy: state.strategy, restart: child.spec.restart, reason, position: i, count: state.children.length })
  if (d.action === 'delete') state.children.splice(i, 1)
  if (d.action !== 'restart') return state
  return restart(ctx, state, child, d.positions)
}

function find(state: SupervisorState, id: string): Child | undefined {
  return state.children.find((c) => c.spec.id === id)
}

/** OTP's refusals, in OTP's order: not found, then restarting, then running. */
function refusal(c: Child | undefined): SupervisorReply | undefined {
  if (c === undefined) return refuse('not_found')
  if (c.restarting) return refuse('restarting')
  if (c.pid !== undefined) return refuse('running')
  return undefined
}

function info(c: Child): ChildInfo {
  return { id: c.spec.id, pid: c.restarting ? 'restarting' : c.pid, type: c.spec.type }
}

type CallResult = ReplyResult<SupervisorReply, SupervisorState>

async function startChildCall(ctx: ProcessContext, state: SupervisorState, spec: NormalizedChildSpec): Promise<CallResult> {
  const existing = find(state, spec.id!)
  if (existing !== undefined)
    return reply(existing.pid !== undefined ? refuse('already_started', existing.pid) : refuse('already_present'), state)
  const r = await startChildProcess(ctx, spec, NO_ARGS)
  if (!r.ok) return reply({ ok: false, error: 'start_failed', reason: r.reason }, state)
  state.children.push({ spec, pid: r.pid, restarting: false })
  return reply({ ok: true, value: r.pid }, state)
}

async function terminateChildCall(ctx: ProcessContext, state: SupervisorState, id: string): Promise<CallResult> {
  const c = find(state, id)
  if (c === undefined) return reply(refuse('not_found'), state)
  if (c.pid !== undefined) await shutdownChild(ctx, c.pid, c.spec.shutdown)
  c.pid = undefined
  c.restarting = false
  // As OTP: a temporary child's spec goes with its process.
  if (c.spec.restart === 'temporary') state.children.splice(state.children.indexOf(c), 1)
  return reply(OK, state)
}

async function restartChildCall(ctx: ProcessContext, state: SupervisorState, id: string): Promise<CallResult> {
  const c = find(state, id)
  const no = refusal(c)
  if (no !== undefined) return reply(no, state)
  const r = await startChildProcess(ctx, c!.spec, NO_ARGS)
  if (!r.ok) return reply({ ok: false, error: 'start_failed', reason: r.reason }, state)
  c!.pid = r.pid
  return reply({ ok: true, value: r.pid }, state)
}

/** @internal the supervisor process itself */
const supervisor = defineBehaviour<SupervisorState, RetryMessage, SupervisorRequest, SupervisorReply, [NormalizedOptions]>({
  async init(ctx, opts) {
    ctx.trapExit(true)
    const state: SupervisorState = { strategy: opts.strategy, limits: opts.limits, children: [], restarts: [] }
    for (const spec of opts.children) {
      const r = await startChildProcess(ctx, spec, NO_ARGS)
      if (!r.ok) {
        await stopChildren(ctx, state.children)
        // OTP's {shutdown, {failed_to_start_child, Id, Reason}}: a clean exit, so a transient
        // parent does not restart it, but one that still names the failing child.
        return stop({ shutdown: new ChildStartFailed({ id: spec.id, reason: r.reason }) }, state)
      }
      state.children.push({ spec, pid: r.pid, restarting: false })
    }
    return state
  },

  handleCall(req, _from, state, ctx) {
    switch (req.$supervisor) {
      case 'which_children':
        return reply({ ok: true, value: state.children.map(info) }, state)
      case 'count_children':
        return reply({ ok: true, value: countOf(state.children) }, state)
      case 'start_child':
        return startChildCall(ctx, state, req.spec)
      case 'terminate_child':
        return terminateChildCall(ctx, state, req.child)
      case 'restart_child':
        return restartChildCall(ctx, state, req.child)
      case 'delete_child': {
        const c = find(state, req.child)
        const no = refusal(c)
        if (no !== undefined) return reply(no, state)
        state.children.splice(state.children.indexOf(c!), 1)
        return reply(OK, state)
      }
      case 'stop':
        // No reply: the caller's call fails with CallExited once terminate has run, which
        // is how stopSupervisor knows the whole subtree is down.
        return stop(req.reason, state)
    }
  },

  handleInfo(m, state, ctx) {
    if (isExitMessage(m)) {
      const i = state.children.findIndex((c) => c.pid === m.from)
      if (i >= 0) return onChildExit(ctx, state, i, m.reason)
      // An exit signal from outside any process (`node.exit(sup, reason)`) is an order to
      // stop, as from a parent; EXITs of former children are stale and ignored.
      if (m.from === ctx.node.pid) return stop(m.reason, state)
      return state
    }
    if (isRetryMessage(m)) {
      const i = state.children.findIndex((c) => c.restarting && c.spec.id === m.child)
      if (i < 0) return state
      return restart(ctx, state, state.children[i]!, affectedChildren(state.strategy, i, state.children.length))
    }
    return state
  },

  terminate(_reason, state, ctx) {
    return stopChildren(ctx, state.children)
  },
})

/**
 * Starts a supervisor and its children, in order, each `init` awaited. From a process
 * context the supervisor is linked to that process (`supervisor:start_link`); from a node
 * it is not. If a child fails to start, the children already started are stopped in
 * reverse order and the promise rejects with {@link ChildStartFailed} naming the child
 * (the supervisor exits with `{ shutdown: ChildStartFailed }`, so a linked caller that
 * does not trap exits dies with it, as with any failing `startLink`).
 * Invalid options throw synchronously (TypeError / RangeError naming the option).
 * @example
 * const sup = await startSupervisor(node, {
 *   strategy: 'one_for_one',
 *   children: [
 *     { id: 'cache', start: { actor: cache } },
 *     { id: 'worker', start: { actor: worker, args: ['jobs'] }, restart: 'transient' },
 *   ],
 * })
 */
export function startSupervisor(from: NodeOrContext, options: SupervisorOptions): Promise<Pid> {
  assertFrom(from)
  const opts = normalizeOptions(options)
  const spawnOpts = opts.name === undefined ? undefined : { name: opts.name }
  const started = from instanceof Process ? from.startLink<Pid>(supervisor, [opts], spawnOpts) : from.start(supervisor, [opts], spawnOpts)
  return started.catch((e: unknown) => {
    throw unwrapStartFailure(e)
  })
}

/** @internal A supervisor whose init failed exits with `{ shutdown: ChildStartFailed }`: surface the child's error. */
export function unwrapStartFailure(e: unknown): unknown {
  if (!InitFailed.is(e)) return e
  const reason = e.reason as { shutdown?: unknown } | null
  if (typeof reason === 'object' && reason !== null && ChildStartFailed.is(reason.shutdown)) return reason.shutdown
  return e
}

/**
 * A child spec for a nested supervisor: `type: 'supervisor'`, `shutdown: 'infinity'` unless
 * overridden. Options are validated now.
 * @example
 * const root = await startSupervisor(node, {
 *   strategy: 'one_for_all',
 *   children: [supervisorChild('workers', { children: [{ id: 'w1', start: { actor: worker } }] })],
 * })
 */
export function supervisorChild(id: string, options: SupervisorOptions, overrides: Pick<ChildSpec, 'restart' | 'shutdown'> = {}): ChildSpec {
  return nestedSupervisorSpec(id, supervisor, normalizeOptions(options), overrides)
}

/**
 * Adds a child and starts it (OTP's `start_child/2`): resolves with its pid; rejects with
 * {@link ChildStartFailed} if it fails to start (the spec is then not kept), or with
 * {@link SupervisorError} `already_started` / `already_present` if the id is taken.
 * @example
 * const pid = await startChild(node, sup, { id: 'audit', start: { actor: audit }, restart: 'temporary' })
 */
export function startChild(from: NodeOrContext, sup: SupervisorRef, spec: ChildSpec): Promise<Pid> {
  assertFrom(from)
  const n = normalizeChildSpec(spec, 'spec', true)
  return callSupervisor(from, sup, { $supervisor: 'start_child', spec: n }, 'startChild', n.id)
}

/**
 * Stops a child by its shutdown rule and keeps its spec, except a temporary child's
 * (OTP's `terminate_child/2`). Rejects with {@link SupervisorError} `not_found`.
 * @example
 * await terminateChild(node, sup, 'worker')
 */
export function terminateChild(from: NodeOrContext, sup: SupervisorRef, id: string): Promise<void> {
  assertFrom(from)
  assertId(id)
  return callSupervisor(from, sup, { $supervisor: 'terminate_child', child: id }, 'terminateChild', id)
}

/**
 * Starts a stopped child again from its spec (OTP's `restart_child/2`). Rejects with
 * {@link SupervisorError} `running`, `restarting` or `not_found`, or with
 * {@link ChildStartFailed}.
 * @example
 * await terminateChild(node, sup, 'worker')
 * const pid = await restartChild(node, sup, 'worker')
 */
export function restartChild(from: NodeOrContext, sup: SupervisorRef, id: string): Promise<Pid> {
  assertFrom(from)
  assertId(id)
  return callSupervisor(from, sup, { $supervisor: 'restart_child', child: id }, 'restartChild', id)
}

/**
 * Forgets a stopped child's spec (OTP's `delete_child/2`). Rejects with
 * {@link SupervisorError} `running`, `restarting` or `not_found`.
 * @example
 * await terminateChild(node, sup, 'worker')
 * await deleteChild(node, sup, 'worker')
 */
export function deleteChild(from: NodeOrContext, sup: SupervisorRef, id: string): Promise<void> {
  assertFrom(from)
  assertId(id)
  return callSupervisor(from, sup, { $supervisor: 'delete_child', child: id }, 'deleteChild', id)
}

/**
 * Lists the children in start order (OTP's `which_children/1`). Works on dynamic
 * supervisors too.
 * @example
 * for (const c of await whichChildren(node, sup)) console.log(c.id, c.pid ?? 'stopped')
 */
export function whichChildren(from: NodeOrContext, sup: SupervisorRef): Promise<ChildInfo[]> {
  assertFrom(from)
  return callSupervisor(from, sup, { $supervisor: 'which_children' }, 'whichChildren', undefined)
}

/**
 * Counts the children (OTP's `count_children/1`). Works on dynamic supervisors too.
 * @example
 * const { active, specs } = await countChildren(node, sup)
 */
export function countChildren(from: NodeOrContext, sup: SupervisorRef): Promise<ChildCounts> {
  assertFrom(from)
  return callSupervisor(from, sup, { $supervisor: 'count_children' }, 'countChildren', undefined)
}

/**
 * Stops a supervisor (either kind) with `reason` (default `'shutdown'`) and resolves once
 * it has stopped all its children and exited, like `gen_server:stop/3`. Rejects with
 * `CallExited` (`noproc`) if it is not alive.
 * @example
 * await stopSupervisor(node, sup)
 */
export function stopSupervisor(from: NodeOrContext, sup: SupervisorRef, reason: ExitReason = 'shutdown'): Promise<void> {
  assertFrom(from)
  return callSupervisor<void>(from, sup, { $supervisor: 'stop', reason }, 'stopSupervisor', undefined).catch((e: unknown) => {
    // The expected outcome: the supervisor exited, with the reason asked for, without replying.
    if (CallExited.is(e) && e.reason === reason) return
    throw e
  })
}

function assertId(id: unknown): asserts id is string {
  if (typeof id !== 'string' || id.length === 0) throw new TypeError(`id must be a non-empty string, got ${describe(id)}`)
}
