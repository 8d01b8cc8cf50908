/**
 * The pool API: open a view of a pool on a node, then `call`, `cast`, `map`, `execute`
 * and `placeChild` through it. Members (`startPoolMember`) may be on any node that shares
 * the pool's pg scope; the view finds them through pg.
 */
import { Node, decodeError, isPid, validatePolicy, type Actor, type Pid, type Policy, type ProcessContext } from '@troupe/core'
import { assertTask, type TaskArgs, type TaskInput, type TaskRef, type TaskResult } from './defineTask.js'
import { AllMembersAtCapacity } from './errors.js'
import { poolDefaults } from './poolDefaults.js'
import { BATCH, CALL, CAST, EXECUTE, PoolView, Task, type PoolStats, type QueuedTask, type TaskSettings, type UnfinishedTask } from './poolView.js'
import { leastLoaded, type Placement } from './placement.js'
import type { Job, MemberRequest, PlaceReply } from './protocol.js'
import { assertCount, assertKnownOptions, assertMs, assertOneOf, describe } from './validate.js'

export interface PoolOptions {
  /** pg scope of the pool. Default `'troupe.pool'`. */
  readonly scope?: string
  /** When every member is at capacity: `'queue'` (default) or `'reject'` with `AllMembersAtCapacity`. */
  readonly whenFull?: 'queue' | 'reject'
  /** Most waiting tasks; one more is refused with `AllMembersAtCapacity`. Default 100,000. */
  readonly maxQueue?: number
  /** Default wait timeout of tasks, ms. Default Infinity. */
  readonly waitTimeout?: number
  /** Default execution timeout of tasks, ms. Default Infinity. */
  readonly timeout?: number
  /** Default runs of a task that throws, the first included. Default 1 (no retry). */
  readonly maxAttempts?: number
  /** ms before the first retry. Default 100. */
  readonly retryDelay?: number
  /** Factor applied to the delay at each further retry. Default 2. */
  readonly retryBackoff?: number
  /** Cap on the retry delay, ms. Default 30,000. */
  readonly maxRetryDelay?: number
  /** Re-placements after the task's thread or member died under it. Default 3. */
  readonly maxReschedules?: number
  /** Largest batch of `map` inputs per thread task. Default 512. */
  readonly maxBatch?: number
  /** Order of waiting tasks (core's scheduling policies over {@link QueuedTask}). Default FIFO. */
  readonly policy?: Policy<unknown, QueuedTask>
  /** Member choice. Default least loaded ({@link leastLoaded}). */
  readonly placement?: Placement
  /** Default client of `execute` status messages. */
  readonly client?: Pid
  /**
   * Read members on this node in-thread (default true). `false` reaches them by messages,
   * exactly as members on other nodes: for tests of the cross-node path on one node.
   */
  readonly direct?: boolean
}
const POOL_OPTIONS = [
  'scope',
  'whenFull',
  'maxQueue',
  'waitTimeout',
  'timeout',
  'maxAttempts',
  'retryDelay',
  'retryBackoff',
  'maxRetryDelay',
  'maxReschedules',
  'maxBatch',
  'policy',
  'placement',
  'client',
  'direct',
] as const

/** Per-task options of `call`, `cast`, `map` and `execute`. */
export interface TaskOptions {
  /** Execution timeout, ms, from when the member hands the task to a thread. */
  readonly timeout?: number
  /** ms the task may wait for a slot. */
  readonly waitTimeout?: number
  /** Aborts the task: a waiting one is dropped, a running one's thread is stopped and replaced. */
  readonly signal?: AbortSignal
  /** ms from now by which it should run; orders the queue under `earliestDeadlineFirst`. */
  readonly deadline?: number
  /** Read by priority policies (`priorityBy((p) => p.message.priority)`). Default 0. */
  readonly priority?: number
  readonly maxAttempts?: number
  readonly maxReschedules?: number
  /**
   * Called with each value the running task reports with `progress(value)` (from
   * `@troupe/pool/task`), in order, before the task's result. Costs a message channel per
   * attempt, so it is off unless given.
   */
  readonly onProgress?: (value: unknown) => void
}
const TASK_OPTIONS = ['timeout', 'waitTimeout', 'signal', 'deadline', 'priority', 'maxAttempts', 'maxReschedules', 'onProgress'] as const

export interface ExecuteOptions extends TaskOptions {
  /** Who receives the status message. Default the pool's `client`. */
  readonly client?: Pid
}

/** A view of a pool from one node; pass it to `call`, `cast`, `map`, `execute`, `placeChild`. */
export interface Pool {
  readonly name: string
  readonly node: Node
  /** @internal */
  readonly view: PoolView
}

/**
 * Opens this node's view of `name`: it finds members through pg, keeps their loads, places
 * tasks and queues those that wait. Open one per node and pool, and close it when done.
 * @example
 * const pool = openPool(node, 'crunch', { whenFull: 'queue', waitTimeout: 1000 })
 * const n = await call(pool, fib, [30])
 */
export function openPool(node: Node, name: string, options: PoolOptions = {}): Pool {
  if (!(node instanceof Node)) throw new TypeError(`node must be a Node, got ${describe(node)}`)
  if (typeof name !== 'string' || name === '') throw new TypeError(`name must be a non-empty string, got ${describe(name)}`)
  assertKnownOptions(options, POOL_OPTIONS, 'options')
  const o = options
  const d = poolDefaults
  const settings = {
    scope: o.scope ?? d.scope,
    whenFull: o.whenFull ?? d.whenFull,
    maxQueue: o.maxQueue ?? d.maxQueue,
    waitTimeout: o.waitTimeout ?? d.waitTimeout,
    timeout: o.timeout ?? d.timeout,
    maxAttempts: o.maxAttempts ?? d.maxAttempts,
    retryDelay: o.retryDelay ?? d.retryDelay,
    retryBackoff: o.retryBackoff ?? d.retryBackoff,
    maxRetryDelay: o.maxRetryDelay ?? d.maxRetryDelay,
    maxReschedules: o.maxReschedules ?? d.maxReschedules,
    maxBatch: o.maxBatch ?? d.maxBatch,
    policy: o.policy,
    placement: o.placement,
    client: o.client,
    direct: o.direct ?? true,
  }
  if (typeof settings.scope !== 'string' || settings.scope === '') throw new TypeError(`options.scope must be a non-empty string, got ${describe(settings.scope)}`)
  assertOneOf(settings.whenFull, ['queue', 'reject'], 'options.whenFull')
  assertCount(settings.maxQueue, 'options.maxQueue', 0, true)
  assertMs(settings.waitTimeout, 'options.waitTimeout')
  assertMs(settings.timeout, 'options.timeout')
  assertCount(settings.maxAttempts, 'options.maxAttempts', 1)
  assertMs(settings.retryDelay, 'options.retryDelay')
  if (typeof settings.retryBackoff !== 'number' || !(settings.retryBackoff >= 1))
    throw new RangeError(`options.retryBackoff must be a number >= 1, got ${describe(settings.retryBackoff)}`)
  assertMs(settings.maxRetryDelay, 'options.maxRetryDelay')
  assertCount(settings.maxReschedules, 'options.maxReschedules', 0, true)
  assertCount(settings.maxBatch, 'options.maxBatch', 1)
  if (settings.policy !== undefined) validatePolicy(settings.policy, 'options.policy')
  if (settings.placement !== undefined && typeof settings.placement !== 'function')
    throw new TypeError(`options.placement must be a function, got ${describe(settings.placement)}`)
  if (settings.client !== undefined && !isPid(settings.client)) throw new TypeError(`options.client must be a Pid, got ${describe(settings.client)}`)
  if (typeof settings.direct !== 'boolean') throw new TypeError(`options.direct must be a boolean, got ${describe(settings.direct)}`)
  const view = new PoolView(node, name, settings)
  return Object.freeze({ name, node, view })
}

/** Closes this node's view: unfinished tasks fail with `PoolClosed`. Members are not affected. */
export function closePool(pool: Pool): void {
  pool.view.close()
}

function assertPool(pool: unknown): asserts pool is Pool {
  if (typeof pool !== 'object' || pool === null || !((pool as Pool).view instanceof PoolView))
    throw new TypeError(`pool must be a Pool from openPool, got ${describe(pool)}`)
}

function settingsOf(view: PoolView, opts: TaskOptions | undefined): TaskSettings {
  const d = view.settings
  if (opts === undefined)
    return { timeout: d.timeout, waitTimeout: d.waitTimeout, maxAttempts: d.maxAttempts, maxReschedules: d.maxReschedules, deadlineAt: Infinity, priority: 0, signal: undefined, onProgress: undefined }
  assertKnownOptions(opts, TASK_OPTIONS, 'options')
  const s: TaskSettings = {
    timeout: opts.timeout ?? d.timeout,
    waitTimeout: opts.waitTimeout ?? d.waitTimeout,
    maxAttempts: opts.maxAttempts ?? d.maxAttempts,
    maxReschedules: opts.maxReschedules ?? d.maxReschedules,
    deadlineAt: opts.deadline === undefined ? Infinity : view.node.clock.now() + opts.deadline,
    priority: opts.priority ?? 0,
    signal: opts.signal,
    onProgress: opts.onProgress,
  }
  if (s.onProgress !== undefined && typeof s.onProgress !== 'function') throw new TypeError(`options.onProgress must be a function, got ${describe(s.onProgress)}`)
  assertMs(s.timeout, 'options.timeout')
  assertMs(s.waitTimeout, 'options.waitTimeout')
  assertCount(s.maxAttempts, 'options.maxAttempts', 1)
  assertCount(s.maxReschedules, 'options.maxReschedules', 0, true)
  if (opts.deadline !== undefined) assertMs(opts.deadline, 'options.deadline')
  if (typeof s.priority !== 'number' || Number.isNaN(s.priority)) throw new TypeError(`options.priority must be a number, got ${describe(s.priority)}`)
  if (s.signal !== undefined && !(s.signal instanceof AbortSignal)) throw new TypeError(`options.signal must be an AbortSignal, got ${describe(s.signal)}`)
  return s
}

let seq = 0

/**
 * What `call`, `cast` and `execute` share: the checks, the settings, the task's number, and
 * its thread job (with a progress target when the caller listens).
 */
function prepare(pool: Pool, task: TaskRef, args: unknown, options: TaskOptions | undefined): { view: PoolView; s: TaskSettings; n: number; job: Job } {
  assertPool(pool)
  assertTask(task, 'task')
  if (!Array.isArray(args)) throw new TypeError(`args must be an array, got ${describe(args)}`)
  const view = pool.view
  const s = settingsOf(view, options)
  const n = seq++
  const job: Job = s.onProgress === undefined ? { u: task.url, e: task.export, a: args } : { u: task.url, e: task.export, a: args, p: { to: view.pid, seq: n } }
  return { view, s, n, job }
}

/**
 * Runs `task(...args)` on a member and resolves with its result. Rejects with
 * `TaskFailed` (the worker's error name, message and stack in `remote`),
 * `ExecutionTimeout`, `WaitTimeout`, `TaskAborted` or `AllMembersAtCapacity`.
 * @example
 * const n = await call(pool, fib, [30], { timeout: 1000, maxAttempts: 3 })
 */
export function call<T extends TaskRef>(pool: Pool, task: T, args: TaskArgs<T>, options?: TaskOptions): Promise<TaskResult<T>> {
  const { view, s, n, job } = prepare(pool, task, args, options)
  return new Promise((resolve, reject) => {
    view.submit(new Task(n, view, CALL, task, job, s, resolve as (v: unknown) => void, reject, undefined))
  })
}

/**
 * Runs `task(...args)` and forgets it: it holds a slot like any task, its failures only
 * count in `stats().failed`. Returns the task id.
 */
export function cast<T extends TaskRef>(pool: Pool, task: T, args: TaskArgs<T>, options?: TaskOptions): string {
  const { view, s, n, job } = prepare(pool, task, args, options)
  const t = new Task(n, view, CAST, task, job, s, undefined, undefined, undefined)
  view.submit(t)
  return t.id
}

/**
 * gascheduler's `execute`: returns the task id at once; when the task is done, `client`
 * receives an {@link ExecuteStatus} message `{ pool, result, node, task }`, with `result`
 * `{ ok: true, value }` or `{ error: 'max_retries' | 'permanent_failure' | 'max_reschedules' | 'rejected', cause }`.
 * @example
 * const id = execute(pool, resize, [image], { client: ctx.self, maxAttempts: 5 })
 * const status = await ctx.receive((m) => (m as ExecuteStatus).task === id)
 */
export function execute<T extends TaskRef>(pool: Pool, task: T, args: TaskArgs<T>, options?: ExecuteOptions): string {
  let client: Pid | undefined
  let rest: TaskOptions | undefined = options
  if (options !== undefined && 'client' in options) {
    const { client: c, ...others } = options
    client = c
    rest = others
  }
  const { view, s, n, job } = prepare(pool, task, args, rest)
  client ??= view.settings.client
  if (!isPid(client)) throw new TypeError(`options.client must be a Pid (or set the pool's client), got ${describe(client)}`)
  const t = new Task(n, view, EXECUTE, task, job, s, undefined, undefined, client)
  view.submit(t)
  return t.id
}

/**
 * Runs `task(input)` for every input, several inputs per thread task (up to `maxBatch`),
 * and resolves with the results in input order. Rejects with the first batch's failure.
 * @example
 * const squares = await map(pool, square, [1, 2, 3]) // [1, 4, 9]
 */
export function map<T extends TaskRef>(pool: Pool, task: T, inputs: readonly TaskInput<T>[], options?: TaskOptions): Promise<TaskResult<T>[]> {
  assertPool(pool)
  assertTask(task, 'task')
  if (!Array.isArray(inputs)) throw new TypeError(`inputs must be an array, got ${describe(inputs)}`)
  const view = pool.view
  const s = settingsOf(view, options)
  if (s.onProgress !== undefined) throw new TypeError('options.onProgress is not supported by map: its thread tasks are batches of inputs')
  const n = inputs.length
  if (n === 0) return Promise.resolve([])
  let capacity = 0
  for (const m of view.stats().members) capacity += m.capacity
  // Enough batches to keep every slot busy a few times over, so a slow batch does not hold up the end.
  const size = Math.max(1, Math.min(view.settings.maxBatch, Math.ceil(n / (Math.max(1, capacity) * 4))))
  const out = new Array<TaskResult<T>>(n)
  return new Promise((resolve, reject) => {
    let left = Math.ceil(n / size)
    let failed = false
    for (let i = 0; i < n; i += size) {
      const at = i
      const batch = inputs.slice(i, i + size)
      const done = (v: unknown) => {
        const r = v as TaskResult<T>[]
        for (let k = 0; k < r.length; k++) out[at + k] = r[k]!
        if (--left === 0) resolve(out)
      }
      const fail = (e: unknown) => {
        if (failed) return
        failed = true
        reject(e)
      }
      view.submit(new Task(seq++, view, BATCH, task, { u: task.url, e: task.export, b: batch }, s, done, fail, undefined))
    }
  })
}

/** An actor a member can start: a module URL plus export (any node), or the actor itself (members on this node only). */
export type PlacedActor = { readonly url: string; readonly export: string } | Actor

export interface ChildPlacement {
  readonly actor: PlacedActor
  readonly args?: readonly unknown[]
  /** How the member's dynamic supervisor stops it (core's child `shutdown`). */
  readonly shutdown?: number | 'brutal_kill' | 'infinity'
}

export interface PlaceChildOptions {
  /** Link the child to this process once it has started. */
  readonly link?: ProcessContext
}

/**
 * Starts a long-lived actor on the least-loaded member's node, as a temporary child of
 * that member's dynamic supervisor. It holds one capacity slot until it exits. Rejects
 * with `AllMembersAtCapacity` when no member has a slot (children do not queue).
 * @example
 * const pid = await placeChild(pool, { actor: { url: new URL('./session.ts', import.meta.url).href, export: 'session' }, args: [user] })
 */
export async function placeChild(pool: Pool, child: ChildPlacement, options: PlaceChildOptions = {}): Promise<Pid> {
  assertPool(pool)
  assertKnownOptions(child, ['actor', 'args', 'shutdown'], 'child')
  assertKnownOptions(options, ['link'], 'options')
  const a = child.actor as { url?: unknown; init?: unknown }
  if (typeof child.actor !== 'function' && typeof a?.init !== 'function' && typeof a?.url !== 'string')
    throw new TypeError(`child.actor must be { url, export }, a behaviour or a process function, got ${describe(child.actor)}`)
  if (child.args !== undefined && !Array.isArray(child.args)) throw new TypeError(`child.args must be an array, got ${describe(child.args)}`)
  const view = pool.view
  const tried = new Set<Pid>()
  for (;;) {
    const loads = view.stats().members.filter((m) => !tried.has(m.pid))
    const pick = view.settings.placement
    const pid = pick === undefined ? leastLoaded(loads) : pick(loads, { id: `${view.idPrefix}child`, name: 'placeChild' })
    if (pid === undefined) throw new AllMembersAtCapacity({ pool: pool.name, members: view.stats().members.length, queued: view.stats().queued })
    tried.add(pid)
    const req: MemberRequest = { $pool: 'place', actor: child.actor, args: child.args ?? [], shutdown: child.shutdown }
    const r = await pool.node.call(pid as Pid<never, MemberRequest, PlaceReply>, req, { timeout: Infinity }).catch(() => 'busy' as const)
    if (r === 'busy') continue
    if (!r.ok) throw decodeError(r.error)
    if (options.link !== undefined) options.link.link(r.pid)
    return r.pid
  }
}

/** Counters, queue and per-member loads of this node's view. */
export function stats(pool: Pool): PoolStats {
  assertPool(pool)
  return pool.view.stats()
}

/** The tasks this view has not finished (queued, running, or waiting to retry). */
export function unfinished(pool: Pool): UnfinishedTask[] {
  assertPool(pool)
  return pool.view.unfinished()
}
