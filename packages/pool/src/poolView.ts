/**
 * A pool as one node sees it: the members in the pool's pg group, their loads, the tasks
 * this node placed and the queue of those waiting for a slot. Every node that sends work
 * to a pool opens its own view; views share nothing but pg and messages.
 *
 * Members on the view's own node are read and admitted in-thread (a function call per
 * task); members on other nodes are placed on from their latest load report and reached by
 * `call`. Either way the member admits or refuses, so a stale load never overloads it.
 */
import {
  CallExited,
  NotCloneable,
  PendingItem,
  PendingQueue,
  decodeError,
  defineBehaviour,
  encodeError,
  isPgNotification,
  nodeOf,
  type Clock,
  type EncodedError,
  type Node,
  type PgScope,
  type Pid,
  type Policy,
} from '@troupe/core'
import { ExecutionTimeout, PoolClosed, TaskAborted, TaskFailed, WaitTimeout, AllMembersAtCapacity, type RemoteError } from './errors.js'
import { taskName, type TaskRef } from './defineTask.js'
import { localPool, type LocalMember, type LocalPool, type LocalView } from './localRegistry.js'
import type { MemberLoad, Placement } from './placement.js'
import { retryDelay } from './retryDelay.js'
import {
  ABORTED,
  LOST,
  OK,
  PERMANENT,
  TASK_ERROR,
  TIMED_OUT,
  isLoadReport,
  memberGroup,
  viewGroup,
  type Job,
  type MemberInfo,
  type MemberRequest,
  type RunReply,
  type Status,
  isProgressMessage,
} from './protocol.js'

/** What `execute`'s client receives when a task is done (gascheduler's status message). */
export interface ExecuteStatus<R = unknown> {
  readonly pool: string
  readonly result:
    | { readonly ok: true; readonly value: R }
    | { readonly error: 'max_retries' | 'permanent_failure' | 'max_reschedules' | 'rejected'; readonly cause: unknown }
  /** The node whose member ran the last attempt (`undefined` if it never ran). */
  readonly node: string | undefined
  /** The id `execute` returned. */
  readonly task: string
}

/** What a waiting task looks like to a scheduling policy (`PendingItem.message`). */
export interface QueuedTask {
  readonly id: string
  readonly name: string
  readonly priority: number
}

/** @internal normalized view options */
export interface ViewSettings {
  readonly scope: string
  readonly whenFull: 'queue' | 'reject'
  readonly maxQueue: number
  readonly waitTimeout: number
  readonly timeout: number
  readonly maxAttempts: number
  readonly retryDelay: number
  readonly retryBackoff: number
  readonly maxRetryDelay: number
  readonly maxReschedules: number
  readonly maxBatch: number
  readonly policy: Policy<unknown, QueuedTask> | undefined
  readonly placement: Placement | undefined
  readonly client: Pid | undefined
  readonly direct: boolean
}

/** @internal per-task settings */
export interface TaskSettings {
  timeout: number
  waitTimeout: number
  maxAttempts: number
  maxReschedules: number
  deadlineAt: number
  priority: number
  signal: AbortSignal | undefined
  onProgress: ((value: unknown) => void) | undefined
}

export const CALL = 0
export const CAST = 1
export const EXECUTE = 2
export const BATCH = 3
type Kind = 0 | 1 | 2 | 3

const QUEUED = 0
const RUNNING = 1
const RETRY_WAIT = 2
const DONE = 3

/** One task this view placed, from submission to its single settlement. @internal */
export class Task implements QueuedTask {
  attempts = 0
  reschedules = 0
  /** Bumped at each placement: an outcome carrying an older token is a stale duplicate and is dropped. */
  token = 0
  state: 0 | 1 | 2 | 3 = QUEUED
  member: Pid | undefined = undefined
  timer: unknown = undefined
  lastError: unknown = undefined
  onAbort: (() => void) | undefined = undefined
  private _name: string | undefined = undefined

  constructor(
    readonly seq: number,
    readonly view: PoolView,
    readonly kind: Kind,
    readonly ref: TaskRef,
    readonly job: Job,
    readonly s: TaskSettings,
    readonly resolve: ((v: unknown) => void) | undefined,
    readonly reject: ((e: unknown) => void) | undefined,
    readonly client: Pid | undefined,
  ) {}

  get id(): string {
    return `${this.view.idPrefix}${this.seq}`
  }
  get name(): string {
    return (this._name ??= taskName(this.ref))
  }
  get priority(): number {
    return this.s.priority
  }
}

/** A task that has not finished, as `unfinished()` lists it. */
export interface UnfinishedTask {
  readonly id: string
  readonly name: string
  readonly state: 'queued' | 'running' | 'retry_wait'
  readonly attempts: number
  readonly reschedules: number
  readonly member: Pid | undefined
}

/** Counters and loads of a view, as `stats()` returns them. */
export interface PoolStats {
  readonly pool: string
  /** Waiting for a slot, or for a retry. */
  readonly pending: number
  readonly queued: number
  readonly running: number
  readonly completed: number
  readonly failed: number
  /** Attempts that failed and were tried again. */
  readonly retried: number
  /** Tasks re-placed because their thread or member died under them. */
  readonly rescheduled: number
  readonly members: readonly MemberLoad[]
}

const STATE_NAMES = ['queued', 'running', 'retry_wait', 'queued'] as const

/** @internal */
export class PoolView implements LocalView {
  readonly pid: Pid
  readonly idPrefix: string
  readonly direct: boolean
  readonly pg: PgScope
  readonly group: [string, string]
  private readonly local: LocalPool
  private readonly clock: Clock
  private readonly queue: PendingQueue<Task>
  /** Tasks that lost their member (or were refused after leaving the queue): first in line. */
  private readonly front: Task[] = []
  private queuedCount = 0
  private retryWaiting = 0
  private pushSeq = 0
  private rr = 0
  private draining = false
  closed = false
  readonly tasks = new Map<number, Task>()
  private readonly byMember = new Map<Pid, Set<Task>>()
  /** Loads of members this view does not read in-thread, from their reports plus its own placements since. */
  private readonly loads = new Map<Pid, { running: number; capacity: number }>()
  running = 0
  completed = 0
  failed = 0
  retried = 0
  rescheduled = 0

  constructor(
    readonly node: Node,
    readonly name: string,
    readonly settings: ViewSettings,
  ) {
    this.direct = settings.direct
    this.clock = node.clock
    this.pg = node.pg(settings.scope)
    this.group = memberGroup(name)
    this.local = localPool(node, name)
    this.queue = new PendingQueue<Task>(settings.policy as Policy<unknown, Task> | undefined)
    this.pid = node.spawn(viewBehaviour, [this]) as unknown as Pid
    this.idPrefix = `${this.pid}:`
    // However the view's process ends (closePool, kill, node.shutdown()), what it had not
    // finished fails with PoolClosed rather than waiting forever.
    node._addHook(this.pid, { onProcessExit: () => this.close() })
    this.local.views.set(this.pid, this)
    this.pg.join(viewGroup(name), this.pid)
    const { pids } = this.pg.monitor(this.pid, this.group)
    for (const p of pids) this.memberJoined(p)
  }

  // ---- submission ----------------------------------------------------------------------

  submit(t: Task): void {
    this.tasks.set(t.seq, t)
    if (this.closed) return this.fail(t, new PoolClosed({ pool: this.name }), 'rejected')
    const sig = t.s.signal
    if (sig !== undefined) {
      if (sig.aborted) return this.fail(t, new TaskAborted({ pool: this.name, task: t.name, reason: String(sig.reason) }), 'rejected')
      t.onAbort = () => this.aborted(t)
      sig.addEventListener('abort', t.onAbort, { once: true })
    }
    // Queued work goes first; a newcomer may only overtake it when nothing waits.
    if (this.queuedCount === 0 && this.place(t)) return
    if (this.settings.whenFull === 'reject' || this.queuedCount >= this.settings.maxQueue) {
      return this.fail(t, new AllMembersAtCapacity({ pool: this.name, members: this.pg.getMembers(this.group).length, queued: this.queuedCount }), 'rejected')
    }
    this.enqueue(t, true)
  }

  private enqueue(t: Task, withWaitTimer: boolean): void {
    t.state = QUEUED
    this.queuedCount++
    this.queue.push(new PendingItem(t, t.ref.export, this.clock.now(), t.s.deadlineAt, undefined, this.pushSeq++))
    if (withWaitTimer && t.s.waitTimeout !== Infinity) {
      t.timer = this.clock.setTimeout(() => {
        t.timer = undefined
        if (t.state !== QUEUED) return
        this.queuedCount--
        this.fail(t, new WaitTimeout({ pool: this.name, task: t.name, timeout: t.s.waitTimeout }), 'rejected')
      }, t.s.waitTimeout)
    }
  }

  private toFront(t: Task): void {
    t.state = QUEUED
    this.queuedCount++
    this.front.push(t)
  }

  /** Places what waits, in order, while members admit. */
  drain(): void {
    if (this.draining || this.closed) return
    this.draining = true
    try {
      while (this.queuedCount > 0) {
        let t: Task | undefined
        if (this.front.length > 0) t = this.front[0]!
        else {
          const item = this.queue.next(undefined, this.clock.now())
          if (item === undefined) break
          t = item.message
          // Timed out or aborted while it waited: already settled.
          if (t.state !== QUEUED) continue
          this.front.unshift(t)
        }
        if (t.state !== QUEUED) {
          this.front.shift()
          continue
        }
        this.queuedCount--
        if (!this.place(t)) {
          this.queuedCount++
          break
        }
        this.front.shift()
      }
    } finally {
      this.draining = false
    }
  }

  /** A task of this view reported progress: its caller's `onProgress` hears it. */
  progressed(seq: number, value: unknown): void {
    this.tasks.get(seq)?.s.onProgress?.(value)
  }

  slotFreed(): void {
    if (this.queuedCount > 0) this.drain()
  }

  // ---- placement -----------------------------------------------------------------------

  /** Tries members until one admits `t`; false when none does. */
  private place(t: Task): boolean {
    const members = this.pg.getMembers(this.group)
    const n = members.length
    if (n === 0) return false
    if (this.settings.placement !== undefined) return this.placeCustom(t, members)
    // Least loaded, inline over live loads: no array per task on the hot path.
    let refused: Pid[] | undefined
    for (;;) {
      let best: Pid | undefined
      let bestCore: LocalMember | undefined
      let bestLoad = Infinity
      const start = this.rr++ % n
      for (let k = 0; k < n; k++) {
        const pid = members[(start + k) % n]!
        if (refused !== undefined && refused.includes(pid)) continue
        const core = this.direct ? this.local.members.get(pid) : undefined
        let running: number
        let capacity: number
        if (core !== undefined) {
          running = core.running
          capacity = core.capacity
        } else {
          const l = this.loads.get(pid)
          running = l?.running ?? 0
          capacity = l?.capacity ?? 1
        }
        if (running >= capacity) continue
        const load = running / capacity
        if (load < bestLoad) {
          bestLoad = load
          best = pid
          bestCore = core
        }
      }
      if (best === undefined) return false
      if (this.dispatch(t, best, bestCore)) return true
      ;(refused ??= []).push(best)
    }
  }

  private placeCustom(t: Task, members: readonly Pid[]): boolean {
    const loads = members.map((pid) => this.loadOf(pid))
    const refused = new Set<Pid>()
    for (;;) {
      const pid = this.settings.placement!(
        loads.filter((l) => !refused.has(l.pid)),
        t,
      )
      if (pid === undefined || refused.has(pid) || !members.includes(pid)) return false
      if (this.dispatch(t, pid, this.direct ? this.local.members.get(pid) : undefined)) return true
      refused.add(pid)
    }
  }

  loadOf(pid: Pid): MemberLoad {
    const core = this.local.members.get(pid)
    if (core !== undefined) return { pid, node: this.node.name, running: core.running, capacity: core.capacity }
    const l = this.loads.get(pid)
    return { pid, node: nodeOf(pid), running: l?.running ?? 0, capacity: l?.capacity ?? 1 }
  }

  /** Hands `t` to a member. In-thread members answer at once; others are asked by `call`. */
  private dispatch(t: Task, pid: Pid, core: LocalMember | undefined): boolean {
    const token = ++t.token
    t.attempts++
    if (core !== undefined) {
      if (!core.admit(t.job, t.s.timeout, t.s.signal, (s, v) => this.finished(t, token, s, v))) {
        t.attempts--
        return false
      }
    } else {
      let l = this.loads.get(pid)
      if (l === undefined) this.loads.set(pid, (l = { running: 0, capacity: 1 }))
      l.running++
      const req: MemberRequest = { $pool: 'run', id: t.id, job: t.job, timeout: t.s.timeout }
      // Arguments that cannot cross a thread are the caller's error, not the member's: fail
      // the task with it rather than re-place it. (Core may throw it at the send site.)
      const notCloneable = (e: unknown) => (NotCloneable.is(e) || (e as Error | null)?.name === 'DataCloneError' ? PERMANENT : LOST)
      let reply: Promise<RunReply>
      try {
        reply = this.node.call(pid as Pid<never, MemberRequest, RunReply>, req, { timeout: Infinity })
      } catch (e) {
        reply = Promise.reject(e)
      }
      reply.then(
        (r) => {
          const l2 = this.loads.get(pid)
          if (l2 !== undefined && l2.running > 0) l2.running--
          if (r === 'busy') return this.refused(t, token, pid)
          this.finished(t, token, r.s, r.v)
          this.drain()
        },
        (e: unknown) => this.finished(t, token, notCloneable(e), encodeError(e)),
      )
    }
    t.state = RUNNING
    t.member = pid
    if (t.timer !== undefined) {
      this.clock.clearTimeout(t.timer)
      t.timer = undefined
    }
    this.running++
    let set = this.byMember.get(pid)
    if (set === undefined) this.byMember.set(pid, (set = new Set()))
    set.add(t)
    return true
  }

  /** A remote member refused (its load report was stale): the task goes first in line again. */
  private refused(t: Task, token: number, pid: Pid): void {
    if (t.token !== token || t.state !== RUNNING) return
    this.untrack(t)
    t.attempts--
    const l = this.loads.get(pid)
    if (l !== undefined) l.running = Math.max(l.running, l.capacity)
    this.toFront(t)
    this.drain()
  }

  private untrack(t: Task): void {
    this.running--
    if (t.member !== undefined) this.byMember.get(t.member)?.delete(t)
  }

  // ---- outcomes ------------------------------------------------------------------------

  /** The one place an attempt's outcome lands; stale and duplicate outcomes stop here. */
  finished(t: Task, token: number, s: Status, v: unknown): void {
    if (t.token !== token || t.state !== RUNNING) return
    this.untrack(t)
    switch (s) {
      case OK:
        return this.succeed(t, v)
      case TASK_ERROR:
        t.lastError = v
        return this.attemptFailed(t)
      case TIMED_OUT:
        t.lastError = encodeError(new ExecutionTimeout({ pool: this.name, task: t.name, timeout: t.s.timeout, attempts: t.attempts }))
        return this.attemptFailed(t)
      case PERMANENT:
        t.lastError = v
        return this.fail(t, this.taskFailed(t, 'permanent_failure'), 'permanent_failure')
      case ABORTED:
        return this.fail(t, new TaskAborted({ pool: this.name, task: t.name, reason: String(t.s.signal?.reason ?? 'aborted') }), 'rejected')
      case LOST:
        t.lastError = v
        return this.reschedule(t)
    }
  }

  private attemptFailed(t: Task): void {
    if (t.attempts >= t.s.maxAttempts) {
      const timedOut = (t.lastError as EncodedError | undefined)?.$error === 'ExecutionTimeout'
      return this.fail(t, timedOut ? decodeError(t.lastError) : this.taskFailed(t, 'max_retries'), 'max_retries')
    }
    this.retried++
    t.state = RETRY_WAIT
    this.retryWaiting++
    const s = this.settings
    t.timer = this.clock.setTimeout(() => {
      t.timer = undefined
      if (t.state !== RETRY_WAIT) return
      this.retryWaiting--
      // A retry was accepted once: it waits for a slot whatever `whenFull` says.
      if (this.queuedCount === 0 && this.place(t)) return
      this.enqueue(t, false)
    }, retryDelay(t.attempts, { delay: s.retryDelay, backoff: s.retryBackoff, max: s.maxRetryDelay }))
  }

  /** Its thread or member died under it: not the task's fault; first in line, within `maxReschedules`. */
  private reschedule(t: Task): void {
    t.attempts--
    if (++t.reschedules > t.s.maxReschedules) return this.fail(t, this.taskFailed(t, 'max_reschedules'), 'max_reschedules')
    this.rescheduled++
    this.toFront(t)
    this.drain()
  }

  private taskFailed(t: Task, reason: 'max_retries' | 'permanent_failure' | 'max_reschedules'): TaskFailed {
    return new TaskFailed({ pool: this.name, task: t.name, reason, attempts: t.attempts, remote: remoteError(t.lastError) })
  }

  private aborted(t: Task): void {
    if (t.state === QUEUED || t.state === RETRY_WAIT) {
      if (t.state === QUEUED) this.queuedCount--
      else this.retryWaiting--
      // A queued task may sit in `front`; drain skips it by its state.
      this.fail(t, new TaskAborted({ pool: this.name, task: t.name, reason: String(t.s.signal?.reason) }), 'rejected')
    } else if (t.state === RUNNING && t.member !== undefined && !(this.direct && this.local.members.has(t.member))) {
      // In-thread members got the signal itself; a remote one is told by message.
      this.node.cast(t.member as Pid<{ $pool: 'abort'; id: string }>, { $pool: 'abort', id: t.id })
    }
  }

  private succeed(t: Task, v: unknown): void {
    this.settle(t)
    this.completed++
    if (t.kind === EXECUTE) this.report(t, { ok: true, value: v })
    else if (t.resolve !== undefined) t.resolve(v)
  }

  private fail(t: Task, err: unknown, kind: 'max_retries' | 'permanent_failure' | 'max_reschedules' | 'rejected'): void {
    this.settle(t)
    this.failed++
    if (t.kind === EXECUTE) this.report(t, { error: kind, cause: encodeError(err) })
    else if (t.reject !== undefined) t.reject(err)
  }

  private settle(t: Task): void {
    t.state = DONE
    this.tasks.delete(t.seq)
    if (t.timer !== undefined) {
      this.clock.clearTimeout(t.timer)
      t.timer = undefined
    }
    if (t.onAbort !== undefined) t.s.signal!.removeEventListener('abort', t.onAbort)
  }

  private report(t: Task, result: ExecuteStatus['result']): void {
    if (t.client === undefined) return
    const m: ExecuteStatus = { pool: this.name, result, node: t.member === undefined ? undefined : nodeOf(t.member), task: t.id }
    this.node.send(t.client, m)
  }

  // ---- membership ----------------------------------------------------------------------

  memberJoined(pid: Pid): void {
    if (!(this.direct && this.local.members.has(pid)) && !this.loads.has(pid)) {
      this.loads.set(pid, { running: 0, capacity: 1 })
      // Seed the load of a member read by messages; reports keep it fresh afterwards.
      this.node.call(pid as Pid<never, MemberRequest, MemberInfo>, { $pool: 'info' }, { timeout: Infinity }).then(
        (info) => {
          const l = this.loads.get(pid)
          if (l !== undefined) l.capacity = info.capacity
          this.drain()
        },
        // The member died before answering: its pg leave follows.
        () => {},
      )
    }
    this.drain()
  }

  memberLeft(pid: Pid): void {
    this.loads.delete(pid)
    const set = this.byMember.get(pid)
    this.byMember.delete(pid)
    if (set === undefined) return
    for (const t of set) {
      if (t.state !== RUNNING) continue
      this.running--
      t.lastError = encodeError(new CallExited({ pid, reason: 'noconnection' }))
      this.reschedule(t)
    }
  }

  loadReported(member: Pid, running: number, capacity: number): void {
    if (this.direct && this.local.members.has(member)) return
    let l = this.loads.get(member)
    if (l === undefined) this.loads.set(member, (l = { running, capacity }))
    else {
      l.running = running
      l.capacity = capacity
    }
    this.drain()
  }

  // ---- introspection and shutdown ------------------------------------------------------

  stats(): PoolStats {
    return {
      pool: this.name,
      pending: this.queuedCount + this.retryWaiting,
      queued: this.queuedCount,
      running: this.running,
      completed: this.completed,
      failed: this.failed,
      retried: this.retried,
      rescheduled: this.rescheduled,
      members: this.pg.getMembers(this.group).map((p) => this.loadOf(p)),
    }
  }

  unfinished(): UnfinishedTask[] {
    return [...this.tasks.values()].map((t) => ({
      id: t.id,
      name: t.name,
      state: STATE_NAMES[t.state] as UnfinishedTask['state'],
      attempts: t.attempts,
      reschedules: t.reschedules,
      member: t.member,
    }))
  }

  /** Fails what has not finished with `PoolClosed`; running attempts finish on their members and are dropped. */
  close(): void {
    if (this.closed) return
    this.closed = true
    this.local.views.delete(this.pid)
    for (const t of [...this.tasks.values()]) this.fail(t, new PoolClosed({ pool: this.name }), 'rejected')
    this.queue.clear()
    this.front.length = 0
    this.queuedCount = 0
    this.retryWaiting = 0
    if (this.node.isAlive(this.pid)) this.node.exit(this.pid, 'shutdown')
  }
}

function remoteError(e: unknown): RemoteError {
  const enc = e as Partial<EncodedError> | undefined
  if (enc !== undefined && enc !== null && typeof enc === 'object' && typeof enc.$error === 'string')
    return { name: enc.$error, message: enc.message ?? '', stack: enc.stack }
  return { name: 'Error', message: String(e), stack: undefined }
}

/** The view's process: it receives pg notifications for the member group and load reports. */
const viewBehaviour = defineBehaviour<PoolView, unknown, never, never, [PoolView]>({
  init: (_ctx, view) => view,
  handleInfo(m, view) {
    if (isLoadReport(m)) view.loadReported(m.member, m.running, m.capacity)
    else if (isProgressMessage(m)) view.progressed(m.seq, m.value)
    else if (isPgNotification(m)) {
      if (m.type === 'pg_join') for (const p of m.pids) view.memberJoined(p)
      else for (const p of m.pids) if (!view.pg.getMembers(view.group).includes(p)) view.memberLeft(p)
    }
    return view
  },
})
