/**
 * A pool member: the actor through which a node lends its Piscina threads to a pool. It
 * owns the threads, joins the pool's pg group, admits or refuses each task against its
 * `maxConcurrency` (so two views racing for its last slot can never push it over), runs
 * placed children under its own dynamic supervisor, and reports its load to the views of
 * other nodes.
 */
import {
  Node,
  defineBehaviour,
  encodeError,
  isDownMessage,
  noreply,
  reply,
  startDynamicChild,
  startDynamicSupervisor,
  type Actor,
  type Pid,
  type ProcessContext,
  type Ref,
} from '@troupe/core'
import { MessageChannel, receiveMessageOnPort, type MessagePort, type ResourceLimits } from 'node:worker_threads'
import { MemberThreads, type ThreadLimits } from './memberThreads.js'
import { poolDefaults } from './poolDefaults.js'
import { localPool, type Done, type LocalMember, type LocalPool } from './localRegistry.js'
import {
  ABORTED,
  LOST,
  OK,
  PERMANENT,
  TASK_ERROR,
  TIMED_OUT,
  memberGroup,
  viewGroup,
  type AbortMessage,
  type Job,
  type LoadReport,
  type MemberInfo,
  type MemberRequest,
  type PlaceReply,
  type RunReply,
} from './protocol.js'
import type { TaskRef } from './defineTask.js'
import { assertCount, assertKnownOptions, assertMs, describe } from './validate.js'

export interface PoolMemberOptions {
  /** pg scope of the pool. Default `poolDefaults.scope`. */
  readonly scope?: string
  /** Threads always kept. Default 1. */
  readonly min?: number
  /** Most threads. Default the machine's parallelism. */
  readonly max?: number
  /** Spare threads kept started beyond `min`. Default 0. */
  readonly warm?: number
  /** Tasks (and placed children) admitted at once. Default `max`. */
  readonly maxConcurrency?: number
  /** ms before an idle thread above `min + warm` exits. Default 30 s. */
  readonly idleTimeout?: number
  /** Failures within `errorWindow` after which a thread is recycled. Default 10. */
  readonly errorKill?: number
  readonly errorWindow?: number
  /** ms between health pings of idle threads (`Infinity`: off). Default 5 s. */
  readonly healthInterval?: number
  /** ms an idle thread may stay silent before it is replaced. Default 10 s. */
  readonly healthTimeout?: number
  /** Per-thread memory limits (Node's `resourceLimits`); a thread over them dies and only its task is re-placed. */
  readonly resourceLimits?: ResourceLimits
  /** Task modules each thread imports while it starts, so first calls are not slowed by loading. */
  readonly preload?: readonly TaskRef[]
}
const OPTIONS = [
  'scope',
  'min',
  'max',
  'warm',
  'maxConcurrency',
  'idleTimeout',
  'errorKill',
  'errorWindow',
  'healthInterval',
  'healthTimeout',
  'resourceLimits',
  'preload',
] as const

/** What can change at run time with {@link configureMember}; takes effect at once. */
export interface MemberSettings {
  readonly maxConcurrency?: number
  readonly min?: number
  readonly max?: number
  readonly warm?: number
  readonly idleTimeout?: number
}

interface NormalizedMember {
  readonly scope: string
  readonly maxConcurrency: number | undefined
  readonly limits: ThreadLimits
  readonly errorKill: number
  readonly errorWindow: number
  readonly healthInterval: number
  readonly healthTimeout: number
  readonly resourceLimits: ResourceLimits | undefined
  readonly preload: readonly string[]
}

function checkLimits(l: ThreadLimits, arg: string): void {
  assertCount(l.min, `${arg}.min`)
  assertCount(l.max, `${arg}.max`, 1)
  assertCount(l.warm, `${arg}.warm`)
  assertMs(l.idleTimeout, `${arg}.idleTimeout`)
  if (l.min > l.max) throw new RangeError(`${arg}.min must be <= ${arg}.max, got min ${l.min} and max ${l.max}`)
}

function normalize(o: PoolMemberOptions): NormalizedMember {
  assertKnownOptions(o, OPTIONS, 'options')
  const limits: ThreadLimits = {
    min: o.min ?? Math.min(poolDefaults.min, o.max ?? poolDefaults.max),
    max: o.max ?? Math.max(poolDefaults.max, o.min ?? 0),
    warm: o.warm ?? poolDefaults.warm,
    idleTimeout: o.idleTimeout ?? poolDefaults.idleTimeout,
  }
  checkLimits(limits, 'options')
  if (o.maxConcurrency !== undefined) assertCount(o.maxConcurrency, 'options.maxConcurrency', 1)
  const n: NormalizedMember = {
    scope: o.scope ?? poolDefaults.scope,
    maxConcurrency: o.maxConcurrency,
    limits,
    errorKill: o.errorKill ?? poolDefaults.errorKill,
    errorWindow: o.errorWindow ?? poolDefaults.errorWindow,
    healthInterval: o.healthInterval ?? poolDefaults.healthInterval,
    healthTimeout: o.healthTimeout ?? poolDefaults.healthTimeout,
    resourceLimits: o.resourceLimits,
    preload: (o.preload ?? []).map((t, i) => {
      if (typeof t?.url !== 'string') throw new TypeError(`options.preload[${i}] must be a task made by defineTask, got ${describe(t)}`)
      return t.url
    }),
  }
  if (typeof n.scope !== 'string' || n.scope === '') throw new TypeError(`options.scope must be a non-empty string, got ${describe(n.scope)}`)
  assertCount(n.errorKill, 'options.errorKill', 1)
  assertMs(n.errorWindow, 'options.errorWindow')
  assertMs(n.healthInterval, 'options.healthInterval')
  assertMs(n.healthTimeout, 'options.healthTimeout')
  if (n.resourceLimits !== undefined && (typeof n.resourceLimits !== 'object' || n.resourceLimits === null))
    throw new TypeError(`options.resourceLimits must be an object, got ${describe(n.resourceLimits)}`)
  return n
}

/** The member's working parts, shared with local views through the registry. @internal */
export class MemberCore implements LocalMember {
  running = 0
  peak = 0
  completed = 0
  failed = 0
  children = 0
  closed = false
  capacity: number
  readonly threads: MemberThreads
  /** Remote runs by task id, so that an abort message can stop them. */
  readonly remoteRuns = new Map<string, AbortController>()
  private reportQueued = false
  private readonly local: LocalPool

  constructor(
    readonly pid: Pid,
    readonly pool: string,
    readonly node: Node,
    readonly scope: string,
    opts: NormalizedMember,
  ) {
    this.capacity = opts.maxConcurrency ?? opts.limits.max
    this.threads = new MemberThreads({
      ...opts.limits,
      errorKill: opts.errorKill,
      errorWindow: opts.errorWindow,
      healthInterval: opts.healthInterval,
      healthTimeout: opts.healthTimeout,
      clock: node.clock,
      resourceLimits: opts.resourceLimits,
      preload: opts.preload,
    })
    this.local = localPool(node, pool)
    this.local.members.set(pid, this)
  }

  /**
   * Admits the job if a slot is free and runs it; `done` gets its outcome once. The
   * execution timeout starts here, when the job is handed to the threads: with the default
   * `maxConcurrency` (= `max` threads) that is when it starts running, or its thread starts.
   */
  admit(job: Job, timeout: number, signal: AbortSignal | undefined, done: Done, id?: string): boolean {
    if (this.closed || this.running >= this.capacity) return false
    if (++this.running > this.peak) this.peak = this.running
    let sig = signal
    let timer: unknown = undefined
    let timedOut = false
    if (timeout !== Infinity || id !== undefined) {
      const ac = new AbortController()
      if (signal !== undefined) {
        if (signal.aborted) ac.abort(signal.reason)
        else signal.addEventListener('abort', () => ac.abort(signal.reason), { once: true })
      }
      if (timeout !== Infinity)
        timer = this.node.clock.setTimeout(() => {
          timedOut = true
          ac.abort('timeout')
        }, timeout)
      if (id !== undefined) this.remoteRuns.set(id, ac)
      sig = ac.signal
    }
    const progress = job.p === undefined ? undefined : this.progressPort(job)
    const run = progress === undefined ? this.threads.run(job, sig) : this.threads.run({ ...job, port: progress.thread }, sig, [progress.thread])
    run.then(
      (v) => {
        if (progress !== undefined) progress.close()
        if (timer !== undefined) this.node.clock.clearTimeout(timer)
        if (id !== undefined) this.remoteRuns.delete(id)
        this.completed++
        this.release()
        done(OK, v)
        this.freed()
      },
      (e: unknown) => {
        if (progress !== undefined) progress.close()
        if (timer !== undefined) this.node.clock.clearTimeout(timer)
        if (id !== undefined) this.remoteRuns.delete(id)
        this.failed++
        this.release()
        if (typeof e === 'object' && e !== null && '$task' in e) {
          const te = e as { $task: unknown; permanent: boolean; t: number }
          this.threads.taskFailed(te.t)
          done(te.permanent ? PERMANENT : TASK_ERROR, te.$task)
        } else if ((e as { name?: unknown } | null)?.name === 'AbortError') done(timedOut ? TIMED_OUT : ABORTED, undefined)
        // Arguments Piscina could not post to the thread: the caller's error, never retried.
        else if ((e as { name?: unknown } | null)?.name === 'DataCloneError') done(PERMANENT, encodeError(e))
        else done(LOST, encodeError(e))
        this.freed()
      },
    )
    this.report()
    return true
  }

  /**
   * A channel for one attempt's `progress()` reports: the thread posts on one end, the member
   * forwards to the view. `close` forwards what is still queued first, because the result
   * comes back on Piscina's own port, which is not ordered with this one.
   */
  private progressPort(job: Job): { thread: MessagePort; close(): void } {
    const { port1, port2 } = new MessageChannel()
    const target = job.p!
    // A direct view gets outcomes in-thread, so it must get progress in-thread too, or an
    // outcome could overtake the reports queued in its mailbox. Others get both by message.
    const view = this.local.views.get(target.to)
    const forward =
      view !== undefined && view.direct
        ? (value: unknown) => view.progressed(target.seq, value)
        : (value: unknown) => this.node.send(target.to, { $pool: 'progress', seq: target.seq, value })
    port1.on('message', forward)
    return {
      thread: port2,
      close: () => {
        for (let m = receiveMessageOnPort(port1); m !== undefined; m = receiveMessageOnPort(port1)) forward(m.message)
        port1.close()
      },
    }
  }

  release(): void {
    this.running--
    this.report()
  }

  /** A slot is free: local views may place what they queued. */
  freed(): void {
    for (const v of this.local.views.values()) v.slotFreed()
  }

  /** Sends this member's load to the views that do not read it in-thread, at most once per turn. */
  report(): void {
    if (this.reportQueued) return
    this.reportQueued = true
    queueMicrotask(() => {
      this.reportQueued = false
      if (this.closed) return
      const views = this.node.pg(this.scope).getMembers(viewGroup(this.pool))
      if (views.length === 0) return
      const m: LoadReport = { $pool: 'load', member: this.pid, running: this.running, capacity: this.capacity }
      for (const v of views) if (this.local.views.get(v)?.direct !== true) this.node.send(v, m)
    })
  }

  info(): MemberInfo {
    return {
      pid: this.pid,
      node: this.node.name,
      running: this.running,
      capacity: this.capacity,
      peak: this.peak,
      threads: this.threads.threadCount,
      limits: this.threads.limits,
      children: this.children,
      completed: this.completed,
      failed: this.failed,
      recycled: this.threads.recycled,
      stuck: this.threads.stuck,
    }
  }

  /** The member is gone (stopped, crashed or killed): its threads go, and what ran on them fails as lost. */
  close(): void {
    if (this.closed) return
    this.closed = true
    this.local.members.delete(this.pid)
    void this.threads.close()
  }
}

interface MemberState {
  readonly core: MemberCore
  readonly sup: Pid
  readonly children: Map<Ref, Pid>
}

const memberCores = new WeakMap<Node, Map<Pid, MemberCore>>()

async function loadActor(actor: unknown): Promise<Actor> {
  const ref = actor as { url?: unknown; export?: unknown; init?: unknown }
  if (typeof actor === 'function' || typeof ref.init === 'function') return actor as Actor
  const m = (await import(ref.url as string)) as Record<string, unknown>
  const a = m[ref.export as string]
  if (typeof a !== 'function' && (typeof a !== 'object' || a === null)) throw new TypeError(`export ${String(ref.export)} of ${String(ref.url)} is not an actor`)
  return a as Actor
}

const member = defineBehaviour<MemberState, AbortMessage, MemberRequest, unknown, [string, NormalizedMember]>({
  async init(ctx, pool, opts) {
    const core = new MemberCore(ctx.self, pool, ctx.node, opts.scope, opts)
    let cores = memberCores.get(ctx.node)
    if (cores === undefined) memberCores.set(ctx.node, (cores = new Map()))
    cores.set(ctx.self, core)
    // Core's exit hook (the seam pg uses) runs when the member dies for any reason, `kill`
    // and node.shutdown() included, where `terminate` does not run: its threads go with it.
    ctx.node._addHook(ctx.self, { onProcessExit: () => core.close() })
    const sup = await startDynamicSupervisor(ctx)
    ctx.node.pg(opts.scope).join(memberGroup(pool), ctx.self)
    // Local views learn of the new capacity at once (the pg join notification follows).
    core.freed()
    return { core, sup, children: new Map() }
  },

  handleCall(req, from, state, ctx) {
    const core = state.core
    switch (req.$pool) {
      case 'run': {
        const ok = core.admit(req.job, req.timeout, undefined, (s, v) => ctx.reply(from, { s, v } satisfies RunReply), req.id)
        return ok ? noreply(state) : reply('busy' satisfies RunReply, state)
      }
      case 'place':
        if (core.closed || core.running >= core.capacity) return reply('busy' satisfies PlaceReply, state)
        return place(ctx, state, req.actor, req.args, req.shutdown)
      case 'configure':
        configure(core, req.maxConcurrency, req.threads)
        return reply(core.info(), state)
      case 'info':
        return reply(core.info(), state)
    }
  },

  handleCast(m, state) {
    if (m.$pool === 'abort') state.core.remoteRuns.get(m.id)?.abort('aborted')
    return state
  },

  handleInfo(m, state) {
    if (isDownMessage(m) && state.children.delete(m.ref)) {
      state.core.children--
      state.core.release()
      state.core.freed()
    }
    return state
  },

  terminate(_reason, state) {
    state.core.close()
  },
})

async function place(
  ctx: ProcessContext,
  state: MemberState,
  actor: unknown,
  args: readonly unknown[],
  shutdown: number | 'brutal_kill' | 'infinity' | undefined,
) {
  const core = state.core
  if (++core.running > core.peak) core.peak = core.running
  core.children++
  try {
    const a = await loadActor(actor)
    const pid = await startDynamicChild(ctx, state.sup, {
      start: { actor: a, args },
      restart: 'temporary',
      ...(shutdown === undefined ? {} : { shutdown }),
    })
    state.children.set(ctx.monitor(pid), pid)
    core.report()
    return reply({ ok: true, pid } satisfies PlaceReply, state)
  } catch (e) {
    core.children--
    core.release()
    core.freed()
    return reply({ ok: false, error: encodeError(e) } satisfies PlaceReply, state)
  }
}

function configure(core: MemberCore, maxConcurrency: number | undefined, threads: Partial<ThreadLimits> | undefined): void {
  if (threads !== undefined && Object.keys(threads).length > 0) {
    const next = { ...core.threads.limits, ...threads }
    checkLimits(next, 'settings')
    core.threads.reconfigure(next)
    if (maxConcurrency === undefined && threads.max !== undefined) core.capacity = next.max
  }
  if (maxConcurrency !== undefined) core.capacity = maxConcurrency
  core.report()
  // A raised capacity is usable at once.
  core.freed()
}

/**
 * Joins `pool` from this node: starts a member that owns its own Piscina threads and joins
 * the pool's pg group. From a process context the member is linked to it. Resolves once
 * the member is in the group.
 * @example
 * const member = await startPoolMember(node, 'crunch', { min: 2, max: 4, warm: 1 })
 */
export function startPoolMember(from: Node | ProcessContext, pool: string, options: PoolMemberOptions = {}): Promise<Pid> {
  if (typeof pool !== 'string' || pool === '') throw new TypeError(`pool must be a non-empty string, got ${describe(pool)}`)
  const opts = normalize(options)
  return from instanceof Node ? from.start(member, [pool, opts]) : from.startLink(member, [pool, opts])
}

/**
 * Stops a member: it leaves the pool at once; the tasks running on its threads fail as lost
 * and are re-placed on other members by their views.
 */
export function stopPoolMember(node: Node, pid: Pid, reason: unknown = 'shutdown'): void {
  node.exit(pid, reason)
}

const SETTINGS = ['maxConcurrency', 'min', 'max', 'warm', 'idleTimeout'] as const

/**
 * Changes a member's capacity or thread limits; both apply at once (new thread limits start
 * a fresh set of threads for new tasks while running ones finish on the old). Resolves with
 * the member's info.
 * @example
 * await configureMember(node, member, { maxConcurrency: 8, max: 8 })
 */
export function configureMember(from: Node | ProcessContext, pid: Pid, settings: MemberSettings): Promise<MemberInfo> {
  assertKnownOptions(settings, SETTINGS, 'settings')
  if (settings.maxConcurrency !== undefined) assertCount(settings.maxConcurrency, 'settings.maxConcurrency', 1)
  const threads: { -readonly [K in keyof ThreadLimits]?: number } = {}
  for (const k of ['min', 'max', 'warm', 'idleTimeout'] as const) if (settings[k] !== undefined) threads[k] = settings[k]
  const req: MemberRequest = { $pool: 'configure', threads, ...(settings.maxConcurrency === undefined ? {} : { maxConcurrency: settings.maxConcurrency }) }
  return from.call(pid as Pid<never, MemberRequest, MemberInfo>, req, { timeout: Infinity })
}

/** A member's load, threads and counters. */
export function memberInfo(from: Node | ProcessContext, pid: Pid): Promise<MemberInfo> {
  return from.call(pid as Pid<never, MemberRequest, MemberInfo>, { $pool: 'info' }, { timeout: Infinity })
}

/** @internal for tests: the in-thread core of a local member. */
export function _memberCore(node: Node, pid: Pid): MemberCore | undefined {
  return memberCores.get(node)?.get(pid)
}
