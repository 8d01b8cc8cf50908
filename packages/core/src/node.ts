/**
 * A node: one actor system on one thread. It owns the process table, the run queue, the
 * name table, pending calls and pg scopes.
 *
 * Hot path: `send` appends to the receiver's mailbox and, if the receiver is not already
 * queued, puts it on the run queue; the run queue is drained synchronously, each process
 * handling at most `budget` messages per turn (BEAM-like reductions) so one busy actor
 * cannot starve the others. The node awaits (one microtask) only when every mailbox is
 * empty; a promise per message would halve throughput.
 */
import { ALIVE, BUSY, FN_STYLE, NEEDS_START, Process, SCHEDULED, TERMINATING, TRAP_EXIT } from './process.js'
import type { CallOptions, ExitHook, ExitWatcher, MessageOptions, ProcessInfo, ProcessStatus, ReceiveOptions, Receiver } from './process.js'
import { PendingQueue } from './scheduling/pendingQueue.js'
import { NO_MATCH, clearMail, pushMail, removeMail, shiftMail, takeMatching } from './mailbox.js'
import { PendingMessage } from './pendingMessage.js'
import { validatePolicy, type Policy } from './scheduling/policy.js'
import { makePid, makeRef, nodeOf, validNodeName, type Pid, type Ref } from './pid.js'
import { decideExitSignal } from './exitSignal.js'
import { CallRequest, CastRequest, TIMEOUT, type ExitReason, type ReplyTo } from './messages.js'
import { NoReplyResult, ReplyResult, StopResult, type AnyBehaviour, type Behaviour, type PidOf } from './behaviour.js'
import { AlreadyRegistered, CallExited, CallTimeout, InitFailed, MailboxFull, NameTaken, NoProc } from './errors.js'
import { isName, nameKey, type Name } from './name.js'
import { systemClock, type Clock } from './clock.js'
import { assertKnownOptions, assertPid, assertPositiveInt, assertTimeout, describe } from './validate.js'
import type { InspectionEvent, InspectionListener } from './inspect.js'
import { PgScope } from './pg/scope.js'
import { isRemoteName, type RemoteRouter } from './cluster/remoteRouter.js'

/** A process-style actor: an async (or plain) function of its context and arguments. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type ProcessFn<Msg = any, Args extends unknown[] = any[]> = (ctx: Process<Msg>, ...args: Args) => unknown
export type Actor = AnyBehaviour | ProcessFn

export interface SpawnOptions {
  /** Start with the trap-exit flag set. Default false. */
  trapExit?: boolean
  /** Bound on queued messages; `send`/`cast`/`call` to a full mailbox throw `MailboxFull`. Default unbounded. */
  mailboxCapacity?: number
  /** Register the process under this name as it is created (atomically). */
  name?: Name
  /**
   * The policy that picks which pending message a behaviour handles next (overrides the
   * behaviour's own `scheduler`). Default FIFO, which uses the plain mailbox.
   */
  scheduler?: Policy<never, unknown>
}
const SPAWN_OPTIONS = ['trapExit', 'mailboxCapacity', 'name', 'scheduler'] as const
const MESSAGE_OPTIONS = ['deadline'] as const
const CALL_OPTIONS = ['deadline', 'timeout'] as const

export interface SpawnResult<P extends Pid = Pid> {
  pid: P
  ref: Ref
}

export interface NodeOptions {
  /** Node name, unique in a cluster. Default `'local'`. */
  name?: string
  /** Clock for every timeout on this node. Default the system clock. */
  clock?: Clock
  /** Messages a process may handle per turn before the next runnable process goes. Default 200. */
  budget?: number
}
const NODE_OPTIONS = ['name', 'clock', 'budget'] as const

/** Defaults, as data. */
export const nodeDefaults = {
  name: 'local',
  budget: 200,
  callTimeout: 5000,
  /** Messages handled in one synchronous drain before yielding to timers and I/O. */
  drainLimit: 65536,
  /** After a scheduling policy chose "nothing now", ask it again after this many ms (or on the next message). */
  policyRetry: 10,
} as const

const EMPTY: readonly unknown[] = Object.freeze([])
const NEVER = new Promise<never>(() => {})

/** Thrown by `ctx.exit(reason)` to unwind the process's own code; not a crash. */
class ExitNow {
  constructor(readonly reason: ExitReason) {}
}

class PendingCall implements ExitWatcher {
  timer: unknown = undefined
  constructor(
    readonly node: Node,
    readonly target: Pid,
    readonly resolve: (v: unknown) => void,
    readonly reject: (e: unknown) => void,
  ) {}
  down(ref: Ref, pid: Pid, reason: ExitReason): void {
    this.node._settleCall(ref, this)
    this.reject(new CallExited({ pid, reason }))
  }
}

interface Deferred {
  resolve(pid: Pid): void
  reject(e: unknown): void
}

export class Node {
  readonly name: string
  readonly clock: Clock
  /** This node's own pid: the sender of signals that come from outside any process. */
  readonly pid: Pid
  private readonly budget: number
  /** @internal */ readonly procs = new Map<string, Process>()
  private serial = 0
  private refSerial = 0
  private rq: (Process | undefined)[] = []
  private rqh = 0
  private drainPending = false
  private draining = false
  private readonly names = new Map<string, { name: Name; pid: Pid }>()
  private readonly calls = new Map<Ref, PendingCall>()
  private readonly initWaiters = new Map<Process, Deferred>()
  private readonly policyTimers = new Map<Process, unknown>()
  private pendingSeq = 0
  private readonly dying: unknown[] = []
  private reaping = false
  /** @internal */ inspectors: Set<InspectionListener> | null = null
  /** @internal Routes pids, names and replies of other nodes; null outside a cluster. */
  remote: RemoteRouter | null = null
  private readonly scopes = new Map<string, PgScope>()
  private readonly drainFn = () => this.drain()
  /** `<name.` — pids are this plus a serial plus `>`; built once. */
  private readonly pidPrefix: string
  /**
   * The last process `send` looked up. Repeated sends to one pid skip the table lookup;
   * cleared when that process exits.
   */
  private lastTo: string | null = null
  private lastProc: Process | null = null
  /** The last pid a message went to on another node (see `_send`). */
  private lastRemoteTo: string | null = null

  constructor(opts: NodeOptions = {}) {
    assertKnownOptions(opts, NODE_OPTIONS, 'options')
    const name = opts.name ?? nodeDefaults.name
    if (!validNodeName(name)) throw new TypeError(`options.name must match /^[A-Za-z0-9_@:.-]{1,200}$/, got ${describe(name)}`)
    if (opts.budget !== undefined) assertPositiveInt(opts.budget, 'options.budget')
    if (opts.clock !== undefined && (typeof opts.clock !== 'object' || typeof opts.clock.setTimeout !== 'function'))
      throw new TypeError('options.clock must be a Clock ({ now, setTimeout, clearTimeout })')
    this.name = name
    this.clock = opts.clock ?? systemClock
    this.budget = opts.budget ?? nodeDefaults.budget
    this.pid = makePid(name, 0)
    this.pidPrefix = `<${name}.`
  }

  // ---------------------------------------------------------------- spawning

  /**
   * Starts a process running `actor` (a behaviour or a process function) with `args`.
   * Returns its pid at once; the process starts on the node's next turn.
   */
  spawn<B extends AnyBehaviour>(actor: B, args?: BehaviourArgs<B>, opts?: SpawnOptions): PidOf<B>
  spawn<M = unknown, A extends unknown[] = []>(actor: ProcessFn<M, A>, args?: A, opts?: SpawnOptions): Pid<M>
  spawn(actor: Actor, args?: readonly unknown[], opts?: SpawnOptions): Pid {
    return this._spawn(actor, args, opts, null, 0).pid
  }

  /**
   * Spawns a behaviour and waits for its `init` to finish: resolves with the pid, or
   * rejects with `InitFailed` carrying the reason (like `gen_server:start`).
   */
  start<B extends AnyBehaviour>(actor: B, args?: BehaviourArgs<B>, opts?: SpawnOptions): Promise<PidOf<B>> {
    return this._start(actor, args, opts, null, 0) as Promise<PidOf<B>>
  }

  /** @internal */
  _start(actor: Actor, args: readonly unknown[] | undefined, opts: SpawnOptions | undefined, parent: Process | null, mode: 0 | 1): Promise<Pid> {
    return new Promise((resolve, reject) => {
      this._spawn(actor, args, opts, parent, mode, { resolve, reject })
    })
  }

  /** @internal mode 0 = spawn, 1 = link, 2 = monitor */
  _spawn(actor: Actor, args: readonly unknown[] | undefined, opts: SpawnOptions | undefined, parent: Process | null, mode: 0 | 1 | 2, waiter?: Deferred): SpawnResult {
    const fnStyle = typeof actor === 'function'
    if (!fnStyle && (typeof actor !== 'object' || actor === null || typeof actor.init !== 'function'))
      throw new TypeError(`actor must be a process function or a behaviour with init, got ${describe(actor)}`)
    if (args !== undefined && !Array.isArray(args)) throw new TypeError(`args must be an array, got ${describe(args)}`)
    let flags = ALIVE | NEEDS_START | SCHEDULED | (fnStyle ? FN_STYLE : 0)
    let key: string | null = null
    if (opts !== undefined) {
      assertKnownOptions(opts, SPAWN_OPTIONS, 'options')
      if (opts.trapExit !== undefined) {
        if (typeof opts.trapExit !== 'boolean') throw new TypeError(`options.trapExit must be a boolean, got ${describe(opts.trapExit)}`)
        if (opts.trapExit) flags |= TRAP_EXIT
      }
      if (opts.mailboxCapacity !== undefined) assertPositiveInt(opts.mailboxCapacity, 'options.mailboxCapacity')
      if (opts.scheduler !== undefined) {
        validatePolicy(opts.scheduler, 'options.scheduler')
        if (fnStyle) throw new TypeError('options.scheduler is for behaviours; a process function chooses with receive(match)')
      }
      if (opts.name !== undefined) {
        if (!isName(opts.name)) throw new TypeError(`options.name must be a non-empty string or tuple, got ${describe(opts.name)}`)
        key = nameKey(opts.name)
        const owner = this.names.get(key)
        if (owner !== undefined) throw new NameTaken({ wanted: opts.name, owner: owner.pid })
      }
    }
    if (fnStyle && waiter !== undefined) throw new TypeError('start() needs a behaviour; process functions have no init to wait for')
    const pid = (this.pidPrefix + ++this.serial + '>') as Pid
    const p = new Process(pid, this, actor, args ?? EMPTY, flags)
    if (opts?.mailboxCapacity !== undefined) p.capacity = opts.mailboxCapacity
    const policy = opts?.scheduler ?? (fnStyle ? undefined : (actor as AnyBehaviour).scheduler)
    if (policy !== undefined && policy.kind !== 'fifo') p.pq = new PendingQueue(policy as Policy<unknown, unknown>)
    this.procs.set(pid, p)
    if (key !== null) {
      this.names.set(key, { name: opts!.name!, pid })
      p.nameKey = key
    }
    if (waiter !== undefined) this.initWaiters.set(p, waiter)
    let ref = undefined as unknown as Ref
    if (parent !== null) {
      p.parent = parent.self
      if (mode === 1) {
        ;(parent.links ??= new Set()).add(pid)
        p.links = new Set([parent.self])
      } else if (mode === 2) {
        ref = this.newRef()
        ;(p.monitors = new Map()).set(ref, parent.self)
        ;(parent.monitoring ??= new Map()).set(ref, pid)
      }
    }
    this.enqueue(p)
    if (this.inspectors !== null) {
      this.emit({ type: 'spawn', pid, parent: parent?.self })
      if (mode === 1) this.emit({ type: 'link', from: parent!.self, to: pid })
      if (mode === 2) this.emit({ type: 'monitor', ref, watcher: parent!.self, target: pid })
    }
    return { pid, ref }
  }

  // ---------------------------------------------------------------- messaging

  /** Sends `msg` to a pid or registered name, from outside any process. */
  send<M>(to: Pid<M> | { name: Name; node?: string }, msg: NoInfer<M>, opts?: MessageOptions): void {
    this._sendFrom(to, msg, this.pid, opts)
  }

  /** @internal `send` from `from` (this node, or a process's context). */
  _sendFrom(to: unknown, msg: unknown, from: Pid, opts: MessageOptions | undefined): void {
    if (to === this.lastTo && opts === undefined && this.inspectors === null) {
      // Hot path: another message to the process last sent to.
      this.deliver(this.lastProc!, msg, true)
      return
    }
    this._send(to, msg, from, opts === undefined ? Infinity : this._deadline(opts))
  }

  /** @internal Validates message options; returns the absolute deadline. */
  _deadline(opts: MessageOptions, known: readonly string[] = MESSAGE_OPTIONS): number {
    assertKnownOptions(opts, known, 'options')
    if (opts.deadline === undefined) return Infinity
    assertTimeout(opts.deadline, 'options.deadline')
    return this.clock.now() + opts.deadline
  }

  /** @internal */
  _send(to: unknown, msg: unknown, from: Pid, deadlineAt = Infinity): void {
    if (typeof to === 'string') {
      // A stream to one remote pid: it was validated and found remote before, and a pid's
      // node never changes.
      if (to === this.lastRemoteTo && this.remote !== null) return this.remote.send(to as Pid, msg)
      const p = to === this.lastTo ? this.lastProc! : this.procs.get(to)
      if (p !== undefined) {
        this.lastTo = to
        this.lastProc = p
        this.deliver(p, msg, true, deadlineAt)
        if (this.inspectors !== null) this.emit({ type: 'send', from, to: p.self })
        return
      }
      // Dead, unknown, or on a node this one is not connected to: dropped, as in Erlang.
      assertPid(to, 'to')
      if (this.remote !== null && !this.isLocalPid(to)) {
        this.remote.send(to, msg)
        this.lastRemoteTo = to
      }
      return
    }
    if (this.remote !== null && isRemoteName(to, this.name)) return this.remote.sendNamed(to, msg)
    const pid = this.resolveName(to, 'send')
    if (pid !== undefined) this._send(pid, msg, from, deadlineAt)
  }

  /** Casts `msg` to a behaviour's `handleCast`. Never waits. */
  cast<M>(to: Pid<M> | { name: Name; node?: string }, msg: NoInfer<M>, opts?: MessageOptions): void {
    if (this.remote !== null && isRemoteName(to, this.name)) return this.remote.sendNamed(to, new CastRequest(msg))
    const pid = typeof to === 'string' ? to : this.resolveName(to, 'cast')
    if (pid === undefined) return
    this._send(pid, new CastRequest(msg), this.pid, opts === undefined ? Infinity : this._deadline(opts))
  }

  /**
   * Calls a behaviour and waits for its reply. Rejects with `CallTimeout` after `timeout`
   * ms (default 5000; `Infinity` for none), with `CallExited` if the callee is dead
   * (`noproc`) or dies before replying. A reply that arrives after a timeout is dropped.
   */
  call<Req, Rep>(to: Pid<never, Req, Rep> | { name: Name; node?: string }, request: NoInfer<Req>, opts?: CallOptions): Promise<Rep> {
    return this._call(to, request, opts, this.pid)
  }

  /** @internal */
  _call<Rep>(to: unknown, request: unknown, opts: CallOptions | undefined, caller: Pid): Promise<Rep> {
    let timeout: number = nodeDefaults.callTimeout
    let deadlineAt = Infinity
    if (opts !== undefined) {
      deadlineAt = this._deadline(opts, CALL_OPTIONS)
      if (opts.timeout !== undefined) {
        assertTimeout(opts.timeout, 'options.timeout')
        timeout = opts.timeout
      }
    }
    let pid: Pid | undefined
    if (typeof to === 'string') {
      assertPid(to, 'to')
      pid = to
    } else {
      if (typeof to !== 'object' || to === null || !isName((to as { name?: unknown }).name))
        throw new TypeError(`to must be a Pid or { name }, got ${describe(to)}`)
      if (this.remote !== null && isRemoteName(to, this.name)) return this.remote.call(to, request, timeout, caller) as Promise<Rep>
      pid = this.whereis((to as { name: Name }).name)
      if (pid === undefined) return Promise.reject(new CallExited({ pid: JSON.stringify((to as { name: Name }).name), reason: 'noproc' }))
    }
    const p = this.procs.get(pid)
    if (p === undefined) {
      const reason = nodeOf(pid) === this.name ? 'noproc' : 'noconnection'
      if (reason === 'noconnection' && this.remote !== null) return this.remote.call(pid, request, timeout, caller) as Promise<Rep>
      return Promise.reject(new CallExited({ pid, reason }))
    }
    const ref = this.newRef()
    return new Promise<Rep>((resolve, reject) => {
      const pc = new PendingCall(this, pid, resolve as (v: unknown) => void, reject)
      this.calls.set(ref, pc)
      ;(p.monitors ??= new Map()).set(ref, pc)
      if (timeout !== Infinity) {
        pc.timer = this.clock.setTimeout(() => {
          if (this.calls.get(ref) !== pc) return
          this._settleCall(ref, pc)
          reject(new CallTimeout({ pid, timeout }))
        }, timeout)
      }
      try {
        this.deliver(p, new CallRequest(request, { node: this.name, ref, caller }), true, deadlineAt)
      } catch (e) {
        this._settleCall(ref, pc)
        reject(e)
      }
    })
  }

  /** @internal forget a pending call: its timer, its monitor, its table entry */
  _settleCall(ref: Ref, pc: PendingCall): void {
    this.calls.delete(ref)
    if (pc.timer !== undefined) this.clock.clearTimeout(pc.timer)
    this.procs.get(pc.target)?.monitors?.delete(ref)
  }

  /** Answers a call. Replies to calls that timed out or whose caller is gone are dropped. */
  reply(from: ReplyTo, value: unknown): void {
    if (typeof from !== 'object' || from === null || typeof from.ref !== 'string')
      throw new TypeError(`from must be the ReplyTo a call was received with, got ${describe(from)}`)
    if (from.node !== this.name) return this.remote?.reply(from, value)
    const pc = this.calls.get(from.ref)
    if (pc === undefined) return
    this._settleCall(from.ref, pc)
    pc.resolve(value)
  }

  private resolveName(to: unknown, op: string): Pid | undefined {
    if (typeof to !== 'object' || to === null || !isName((to as { name?: unknown }).name))
      throw new TypeError(`to must be a Pid or { name, node? }, got ${describe(to)}`)
    const { name, node } = to as { name: Name; node?: string }
    if (node !== undefined && node !== this.name) return undefined
    const pid = this.whereis(name)
    if (pid === undefined) throw new NoProc({ target: name, operation: op })
    return pid
  }

  /** @internal Appends to a mailbox, or hands the message straight to a waiting `receive`. */
  deliver(p: Process, msg: unknown, bounded: boolean, deadlineAt = Infinity): void {
    // Kept small so it inlines into send; the rare branches are calls of their own.
    if (p.recv !== null && this.deliverToReceiver(p, p.recv, msg)) return
    if (p.pq !== null) return this.deliverPending(p, msg, bounded, deadlineAt)
    if (p.capacity !== 0 && bounded && p.qn >= p.capacity) throw new MailboxFull({ pid: p.self, capacity: p.capacity })
    pushMail(p, msg)
    if ((p.flags & (SCHEDULED | BUSY | FN_STYLE)) === 0) this.enqueue(p)
  }

  /** A process-style actor waits in `receive`: hand it `msg` if it matches. */
  private deliverToReceiver(p: Process, r: Receiver, msg: unknown): boolean {
    if (r.match !== undefined) {
      try {
        if (!r.match(msg)) return false
      } catch (e) {
        // A throwing match is the receiver's bug, not the sender's: the receiver crashes.
        this.terminate(p, e)
        return true
      }
    }
    p.recv = null
    if (r.timer !== undefined) this.clock.clearTimeout(r.timer)
    p.handled++
    r.resolve(msg)
    return true
  }


  /** A message for a behaviour with a scheduling policy: it waits in the policy's queue. */
  private deliverPending(p: Process, msg: unknown, bounded: boolean, deadlineAt: number): void {
    const pq = p.pq!
    if (bounded && p.capacity !== 0 && pq.size >= p.capacity) throw new MailboxFull({ pid: p.self, capacity: p.capacity })
    pq.push(new PendingMessage(msg, this.clock.now(), deadlineAt, ++this.pendingSeq))
    if ((p.flags & (SCHEDULED | BUSY)) === 0) this.enqueue(p)
  }

  private enqueue(p: Process): void {
    p.flags |= SCHEDULED
    this.rq.push(p)
    if (!this.draining && !this.drainPending) {
      this.drainPending = true
      queueMicrotask(this.drainFn)
    }
  }

  // ---------------------------------------------------------------- the drain loop

  private drain(): void {
    this.drainPending = false
    this.draining = true
    const rq = this.rq
    let total = 0
    try {
      while (this.rqh < rq.length) {
        const p = rq[this.rqh]!
        rq[this.rqh++] = undefined
        p.flags &= ~SCHEDULED
        if ((p.flags & ALIVE) === 0) continue
        total += this.run(p)
        if (total >= nodeDefaults.drainLimit) break
      }
    } finally {
      this.draining = false
      if (this.rqh >= rq.length) {
        rq.length = 0
        this.rqh = 0
      } else if (!this.drainPending) {
        // Yield to timers and I/O before going on: a node that always has work must not
        // starve the rest of the thread.
        this.drainPending = true
        setImmediate(this.drainFn)
      }
    }
  }

  private run(p: Process): number {
    if ((p.flags & NEEDS_START) !== 0) {
      p.flags &= ~NEEDS_START
      this.startProcess(p)
      if ((p.flags & (ALIVE | BUSY | FN_STYLE | SCHEDULED)) === ALIVE && hasMail(p)) this.enqueue(p)
      return 1
    }
    const beh = p.actor as AnyBehaviour
    if (p.pq !== null) return this.runPending(p, beh)
    const budget = this.budget
    let n = 0
    while (n < budget && p.qn !== 0 && (p.flags & (ALIVE | BUSY)) === ALIVE) {
      const m = shiftMail(p)
      n++
      p.handled++
      this.dispatch(p, beh, m)
    }
    if ((p.flags & (ALIVE | BUSY | SCHEDULED)) === ALIVE && p.qn !== 0) this.enqueue(p)
    return n
  }

  /**
   * Runs a behaviour whose policy picks the next message. The policy is consulted only after
   * init (it must never see an uninitialised state) and with the state as it is now.
   */
  private runPending(p: Process, beh: AnyBehaviour): number {
    const pq = p.pq!
    let n = 0
    while (n < this.budget && pq.size > 0 && (p.flags & (ALIVE | BUSY)) === ALIVE) {
      let item: PendingMessage | undefined
      try {
        item = pq.next(p.state, this.clock.now()) as PendingMessage | undefined
      } catch (e) {
        // A bad choice is a bug in the policy: the actor exits with it.
        this.crashed(p, e, true)
        return n
      }
      if (item === undefined) {
        // "Nothing now": ask again when a message arrives, or after a while.
        if (!this.policyTimers.has(p))
          this.policyTimers.set(
            p,
            this.clock.setTimeout(() => {
              this.policyTimers.delete(p)
              if ((p.flags & (ALIVE | SCHEDULED | BUSY)) === ALIVE && pq.size > 0) this.enqueue(p)
            }, nodeDefaults.policyRetry),
          )
        return n
      }
      n++
      p.handled++
      this.dispatch(p, beh, item.envelope)
    }
    if ((p.flags & (ALIVE | BUSY | SCHEDULED)) === ALIVE && pq.size > 0) this.enqueue(p)
    return n
  }

  private startProcess(p: Process): void {
    const args = p.args
    p.args = EMPTY
    if ((p.flags & FN_STYLE) !== 0) {
      let r: unknown
      try {
        r = (p.actor as (...a: unknown[]) => unknown)(p, ...args)
      } catch (e) {
        this.crashed(p, e, false)
        return
      }
      if (r instanceof Promise) {
        r.then(
          () => this.terminate(p, 'normal'),
          (e) => this.crashed(p, e, false),
        )
      } else this.terminate(p, 'normal')
      return
    }
    let r: unknown
    try {
      r = (p.actor as AnyBehaviour).init(p, ...args)
    } catch (e) {
      this.crashed(p, e, false)
      return
    }
    if (r instanceof Promise) {
      p.flags |= BUSY
      r.then(
        (s) => {
          p.flags &= ~BUSY
          this.initDone(p, s)
          if ((p.flags & (ALIVE | SCHEDULED)) === ALIVE && hasMail(p)) this.enqueue(p)
        },
        (e) => this.crashed(p, e, false),
      )
    } else this.initDone(p, r)
  }

  private initDone(p: Process, s: unknown): void {
    if ((p.flags & ALIVE) === 0) return
    if (s instanceof StopResult) {
      this.terminate(p, s.reason)
      return
    }
    p.state = s
    if (this.initWaiters.size !== 0) {
      const w = this.initWaiters.get(p)
      if (w !== undefined) {
        this.initWaiters.delete(p)
        w.resolve(p.self)
      }
    }
  }

  private dispatch(p: Process, beh: AnyBehaviour, m: unknown): void {
    let r: unknown
    try {
      // Most messages are plain data: test for the envelopes only when it is an object.
      if (typeof m !== 'object' || m === null) {
        if (beh.handleInfo === undefined) return
        r = beh.handleInfo(m, p.state, p)
      } else if (m instanceof CallRequest) {
        if (beh.handleCall === undefined) throw new TypeError(`behaviour of ${p.self} has no handleCall for call ${describe(m.request)}`)
        r = beh.handleCall(m.request, m.from, p.state, p)
        if (r instanceof Promise) this.await(p, r, m.from)
        else this.applyCall(p, r, m.from)
        return
      } else if (m instanceof CastRequest) {
        if (beh.handleCast === undefined) return
        r = beh.handleCast(m.message, p.state, p)
      } else {
        if (p.parent !== null && (p.flags & TRAP_EXIT) !== 0 && isExitFrom(m, p.parent)) {
          // gen_server: an EXIT from the parent, trapped, means "terminate with its reason".
          this.stopWith(p, (m as { reason: unknown }).reason)
          return
        }
        if (beh.handleInfo === undefined) return
        r = beh.handleInfo(m, p.state, p)
      }
    } catch (e) {
      this.crashed(p, e, true)
      return
    }
    if (typeof r === 'object' && r !== null) {
      if (r instanceof Promise) return this.await(p, r, undefined)
      if (r instanceof StopResult) return this.stopWith(p, r.reason, r)
    }
    if ((p.flags & ALIVE) !== 0) p.state = r
  }

  private applyCall(p: Process, r: unknown, from: ReplyTo): void {
    if (r instanceof ReplyResult) {
      p.state = r.state
      this.reply(from, r.value)
    } else if (r instanceof NoReplyResult) {
      p.state = r.state
    } else if (r instanceof StopResult) {
      if (r.hasReply) this.reply(from, r.value)
      this.stopWith(p, r.reason, r)
    } else {
      this.crashed(p, new TypeError(`handleCall of ${p.self} must return reply(), noreply() or stop(), got ${describe(r)}`), true)
    }
  }

  /** A handler returned a promise: the process handles nothing else until it settles. */
  private await(p: Process, r: Promise<unknown>, from: ReplyTo | undefined): void {
    p.flags |= BUSY
    r.then(
      (v) => {
        if ((p.flags & ALIVE) === 0) return
        p.flags &= ~BUSY
        if (from !== undefined) this.applyCall(p, v, from)
        else if (v instanceof StopResult) this.stopWith(p, v.reason, v)
        else p.state = v
        if ((p.flags & (ALIVE | BUSY | SCHEDULED)) === ALIVE && hasMail(p)) this.enqueue(p)
      },
      (e) => {
        if ((p.flags & ALIVE) === 0) return
        p.flags &= ~BUSY
        this.crashed(p, e, true)
      },
    )
  }

  /** The process's own code threw (or called `exit(reason)`). */
  private crashed(p: Process, e: unknown, runTerminate: boolean): void {
    if ((p.flags & ALIVE) === 0) return
    const reason = e instanceof ExitNow ? e.reason : e
    if (runTerminate) this.stopWith(p, reason)
    else this.terminate(p, reason)
  }

  /** Runs a behaviour's `terminate` (awaiting it if async), then exits with `reason`. */
  private stopWith(p: Process, reason: ExitReason, r?: StopResult<unknown, unknown>): void {
    if ((p.flags & ALIVE) === 0) return
    if (r !== undefined) p.state = r.state
    const beh = p.actor as AnyBehaviour
    if ((p.flags & FN_STYLE) === 0 && beh.terminate !== undefined) {
      let t: unknown
      try {
        t = beh.terminate(reason, p.state, p)
      } catch (e) {
        reason = e
      }
      if (t instanceof Promise) {
        p.flags |= BUSY | TERMINATING
        t.then(
          () => this.terminate(p, reason),
          (e) => this.terminate(p, e),
        )
        return
      }
    }
    this.terminate(p, reason)
  }

  /** @internal `ctx.exit(reason)` */
  _exitSelf(_p: Process, reason: ExitReason): never {
    throw new ExitNow(reason)
  }

  // ---------------------------------------------------------------- exit signals

  /** Sends an exit signal to `pid`, as `erlang:exit/2` from outside any process. */
  exit(pid: Pid, reason: ExitReason): void {
    this._exitSignal(pid, reason, this.pid)
  }

  /** @internal */
  _exitSignal(pid: Pid, reason: ExitReason, from: Pid): void {
    assertPid(pid, 'pid')
    const t = this.procs.get(pid)
    if (t !== undefined) this.signal(t, from, reason, false, false)
    else if (this.remote !== null && nodeOf(pid) !== this.name) this.remote.exit(pid, reason, from)
  }

  private signal(t: Process, from: Pid, reason: ExitReason, viaLink: boolean, linkActive: boolean): void {
    const a = decideExitSignal({
      trapExit: (t.flags & TRAP_EXIT) !== 0,
      viaLink,
      linkActive,
      reason,
      fromSelf: from === t.self,
    })
    if (a.action === 'deliver') this.deliver(t, { type: 'EXIT', from, reason }, false)
    else if (a.action === 'terminate') this.terminate(t, a.reason)
  }

  /**
   * Ends a process. Deaths are processed one at a time from a queue, so a cascade through a
   * long chain of links cannot overflow the stack; each process is marked dead at once.
   * @internal
   */
  terminate(p: Process, reason: ExitReason): void {
    if ((p.flags & ALIVE) === 0) return
    p.flags &= ~(ALIVE | SCHEDULED)
    this.procs.delete(p.self)
    if (this.lastProc === p) {
      this.lastTo = null
      this.lastProc = null
    }
    this.dying.push(p, reason)
    if (this.reaping) return
    this.reaping = true
    const dying = this.dying
    try {
      for (let i = 0; i < dying.length; i += 2) this.reap(dying[i] as Process, dying[i + 1])
    } finally {
      dying.length = 0
      this.reaping = false
    }
  }

  private reap(p: Process, reason: ExitReason): void {
    // Names and pg memberships go first: a DOWN handler may re-register the name at once.
    if (p.nameKey !== null) {
      this.names.delete(p.nameKey)
      p.nameKey = null
    }
    if (p.hooks !== null) for (const h of p.hooks) h.onProcessExit(p.self)
    if (p.recv !== null) {
      // A killed process-style actor is abandoned where it waits, like a killed Erlang process.
      if (p.recv.timer !== undefined) this.clock.clearTimeout(p.recv.timer)
      p.recv = null
    }
    clearMail(p)
    p.state = undefined
    if (p.pq !== null) {
      p.pq = null
      if (this.policyTimers.size !== 0) {
        const t = this.policyTimers.get(p)
        if (t !== undefined) {
          this.clock.clearTimeout(t)
          this.policyTimers.delete(p)
        }
      }
    }
    if (this.initWaiters.size !== 0) {
      const w = this.initWaiters.get(p)
      if (w !== undefined) {
        this.initWaiters.delete(p)
        w.reject(new InitFailed({ reason }))
      }
    }
    if (p.monitoring !== null) {
      for (const [ref, target] of p.monitoring)
        if (this.procs.get(target)?.monitors?.delete(ref) !== true && this.remote !== null && nodeOf(target) !== this.name) this.remote.demonitor(target, ref)
      p.monitoring = null
    }
    if (this.inspectors !== null) this.emit({ type: 'exit', pid: p.self, reason })
    if (p.links !== null) {
      const links = p.links
      p.links = null
      for (const other of links) {
        const q = this.procs.get(other)
        if (q === undefined) {
          if (this.remote !== null && nodeOf(other) !== this.name) this.remote.linkExit(other, p.self, reason)
          continue
        }
        const active = q.links !== null && q.links.delete(p.self)
        this.signal(q, p.self, reason, true, active)
      }
    }
    if (p.monitors !== null) {
      const mons = p.monitors
      p.monitors = null
      for (const [ref, w] of mons) {
        if (typeof w === 'string') {
          const wp = this.procs.get(w)
          if (wp === undefined) continue
          wp.monitoring?.delete(ref)
          this.deliver(wp, { type: 'DOWN', ref, pid: p.self, reason }, false)
          if (this.inspectors !== null) this.emit({ type: 'down', ref, watcher: w, target: p.self, reason })
        } else w.down(ref, p.self, reason)
      }
    }
  }

  // ---------------------------------------------------------------- links and monitors

  /** @internal */
  _link(p: Process, pid: Pid): void {
    assertPid(pid, 'pid')
    if (pid === p.self) return
    const q = this.procs.get(pid)
    if (q === undefined && this.remote !== null && nodeOf(pid) !== this.name && this.remote.link(p.self, pid)) {
      ;(p.links ??= new Set()).add(pid)
      return
    }
    if (q === undefined) {
      // Linking to a dead or unreachable process: an exit signal comes back, like OTP's.
      const reason = nodeOf(pid) === this.name ? 'noproc' : 'noconnection'
      queueMicrotask(() => {
        if ((p.flags & ALIVE) !== 0) this.signal(p, pid, reason, true, true)
      })
      return
    }
    ;(p.links ??= new Set()).add(pid)
    ;(q.links ??= new Set()).add(p.self)
    if (this.inspectors !== null) this.emit({ type: 'link', from: p.self, to: pid })
  }

  /** @internal */
  _unlink(p: Process, pid: Pid): void {
    assertPid(pid, 'pid')
    p.links?.delete(pid)
    this.procs.get(pid)?.links?.delete(p.self)
    if (this.remote !== null && nodeOf(pid) !== this.name) this.remote.unlink(p.self, pid)
    if (this.inspectors !== null) this.emit({ type: 'unlink', from: p.self, to: pid })
  }

  /** @internal */
  _monitor(p: Process, pid: Pid): Ref {
    assertPid(pid, 'pid')
    const ref = this.newRef()
    if (this.inspectors !== null) this.emit({ type: 'monitor', ref, watcher: p.self, target: pid })
    const t = this.procs.get(pid)
    if (t === undefined && this.remote !== null && nodeOf(pid) !== this.name && this.remote.monitor(p.self, pid, ref)) {
      ;(p.monitoring ??= new Map()).set(ref, pid)
      return ref
    }
    if (t === undefined) {
      const reason = nodeOf(pid) === this.name ? 'noproc' : 'noconnection'
      this.deliver(p, { type: 'DOWN', ref, pid, reason }, false)
      return ref
    }
    ;(t.monitors ??= new Map()).set(ref, p.self)
    ;(p.monitoring ??= new Map()).set(ref, pid)
    return ref
  }

  /** @internal */
  _demonitor(p: Process, ref: Ref, flush: boolean): boolean {
    if (typeof ref !== 'string') throw new TypeError(`ref must be a monitor Ref, got ${describe(ref)}`)
    const target = p.monitoring?.get(ref)
    if (target !== undefined) {
      p.monitoring!.delete(ref)
      this.procs.get(target)?.monitors?.delete(ref)
      if (this.remote !== null && nodeOf(target) !== this.name) this.remote.demonitor(target, ref)
    }
    if (flush) this._removeQueued(p, (m) => typeof m === 'object' && m !== null && (m as { ref?: unknown }).ref === ref)
    return target !== undefined
  }

  /** @internal Removes queued messages that `pred` accepts, keeping the others in order. */
  _removeQueued(p: Process, pred: (m: unknown) => boolean): void {
    if (p.pq !== null) p.pq.remove((item) => pred((item as PendingMessage).envelope))
    else removeMail(p, pred)
  }


  // ---------------------------------------------------------------- receive

  /** @internal */
  _receive(p: Process, match: ((m: unknown) => boolean) | undefined, opts: ReceiveOptions | undefined): Promise<unknown> {
    if ((p.flags & ALIVE) === 0) return NEVER
    if ((p.flags & FN_STYLE) === 0) throw new TypeError('receive is for process-style actors; a behaviour gets messages through its handlers')
    if (p.recv !== null) throw new Error(`${p.self} is already waiting in receive`)
    if (match !== undefined && typeof match !== 'function') throw new TypeError(`match must be a function, got ${describe(match)}`)
    let timeout = Infinity
    if (opts !== undefined) {
      assertKnownOptions(opts, ['timeout'], 'options')
      if (opts.timeout !== undefined) {
        assertTimeout(opts.timeout, 'options.timeout')
        timeout = opts.timeout
      }
    }
    const m = takeMatching(p, match)
    if (m !== NO_MATCH) {
      p.handled++
      return Promise.resolve(m)
    }
    if (timeout === 0) return Promise.resolve(TIMEOUT)
    return new Promise((resolve) => {
      const r: Receiver = { match, resolve, timer: undefined }
      if (timeout !== Infinity) {
        r.timer = this.clock.setTimeout(() => {
          if (p.recv !== r) return
          p.recv = null
          resolve(TIMEOUT)
        }, timeout)
      }
      p.recv = r
    })
  }

  // ---------------------------------------------------------------- names

  /** Registers `pid` under `name`. A name has one owner; a process has at most one name. */
  register(name: Name, pid: Pid): void {
    if (!isName(name)) throw new TypeError(`name must be a non-empty string or tuple, got ${describe(name)}`)
    assertPid(pid, 'pid')
    const key = nameKey(name)
    const owner = this.names.get(key)
    if (owner !== undefined) throw new NameTaken({ wanted: name, owner: owner.pid })
    const p = this.procs.get(pid)
    if (p === undefined) throw new NoProc({ target: pid, operation: 'register' })
    if (p.nameKey !== null) throw new AlreadyRegistered({ pid, current: this.names.get(p.nameKey)!.name })
    this.names.set(key, { name, pid })
    p.nameKey = key
  }

  /** Removes a name; false if it was not registered. */
  unregister(name: Name): boolean {
    if (!isName(name)) throw new TypeError(`name must be a non-empty string or tuple, got ${describe(name)}`)
    const key = nameKey(name)
    const e = this.names.get(key)
    if (e === undefined) return false
    this.names.delete(key)
    const p = this.procs.get(e.pid)
    if (p !== undefined) p.nameKey = null
    return true
  }

  whereis<P extends Pid = Pid>(name: Name): P | undefined {
    if (!isName(name)) throw new TypeError(`name must be a non-empty string or tuple, got ${describe(name)}`)
    return this.names.get(nameKey(name))?.pid as P | undefined
  }

  registered(): Name[] {
    return [...this.names.values()].map((e) => e.name)
  }

  // ---------------------------------------------------------------- introspection

  isAlive(pid: Pid): boolean {
    assertPid(pid, 'pid')
    return this.procs.has(pid)
  }

  processInfo(pid: Pid): ProcessInfo | undefined {
    assertPid(pid, 'pid')
    const p = this.procs.get(pid)
    return p === undefined ? undefined : this._info(p)
  }

  /** Pids of every live process on this node. */
  processes(): Pid[] {
    return [...this.procs.keys()] as Pid[]
  }

  /** @internal */
  _info(p: Process): ProcessInfo {
    const f = p.flags
    let status: ProcessStatus
    if ((f & ALIVE) === 0) status = 'exited'
    else if ((f & TERMINATING) !== 0) status = 'exiting'
    else if ((f & NEEDS_START) !== 0) status = 'starting'
    else if ((f & BUSY) !== 0) status = 'running'
    else if ((f & FN_STYLE) !== 0) status = p.recv !== null ? 'waiting' : 'running'
    else status = hasMail(p) ? 'runnable' : 'waiting'
    return {
      pid: p.self,
      status,
      mailboxLength: p.pq !== null ? p.pq.size : p.qn,
      messagesHandled: p.handled,
      links: p.links ? [...p.links] : [],
      monitors: p.monitoring ? [...p.monitoring.keys()] : [],
      monitoredBy: p.monitors ? [...p.monitors.values()].filter((w) => typeof w === 'string').length : 0,
      trapExit: (f & TRAP_EXIT) !== 0,
      registeredName: p.nameKey !== null ? this.names.get(p.nameKey)?.name : undefined,
    }
  }

  /**
   * Subscribes to this node's inspection stream (spawn, exit, link, monitor, down, send,
   * pg join/leave). Off, and free, while nobody listens. Returns the unsubscribe function.
   */
  inspect(listener: InspectionListener): () => void {
    if (typeof listener !== 'function') throw new TypeError(`listener must be a function, got ${describe(listener)}`)
    ;(this.inspectors ??= new Set()).add(listener)
    return () => {
      this.inspectors?.delete(listener)
      if (this.inspectors?.size === 0) this.inspectors = null
    }
  }

  /** @internal */
  emit(e: InspectionEvent): void {
    // A listener may unsubscribe the last listener while an exit is still being reported.
    const ls = this.inspectors
    if (ls !== null) for (const l of ls) l(e)
  }

  // ---------------------------------------------------------------- pg and internals

  /** The pg scope `scope` of this node (Erlang's `pg` with a scope name), created on first use. */
  pg(scope = 'default'): PgScope {
    if (typeof scope !== 'string' || scope.length === 0) throw new TypeError(`scope must be a non-empty string, got ${describe(scope)}`)
    let s = this.scopes.get(scope)
    if (s === undefined) this.scopes.set(scope, (s = new PgScope(this, scope)))
    return s
  }

  /** @internal Whether `pid` (a valid pid) names this node, without allocating its node part. */
  isLocalPid(pid: string): boolean {
    // Node names may contain '.', so the prefix must end exactly where the serial starts.
    return pid.startsWith(this.pidPrefix) && pid.lastIndexOf('.') === this.pidPrefix.length - 1
  }

  /** @internal */
  newRef(): Ref {
    return makeRef(this.name, ++this.refSerial)
  }

  /** @internal */
  _addHook(pid: Pid, hook: ExitHook): boolean {
    const p = this.procs.get(pid)
    if (p === undefined) return false
    const hooks = (p.hooks ??= [])
    if (!hooks.includes(hook)) hooks.push(hook)
    return true
  }

  /** @internal */
  _process(pid: Pid): Process | undefined {
    return this.procs.get(pid)
  }

  /** Ends every process with `reason` (default `shutdown`), rejecting their pending calls. */
  shutdown(reason: ExitReason = 'shutdown'): void {
    for (const p of [...this.procs.values()]) this.terminate(p, reason)
  }
}

function hasMail(p: Process): boolean {
  return p.pq !== null ? p.pq.size > 0 : p.qn !== 0
}

function isExitFrom(m: unknown, from: Pid): boolean {
  return typeof m === 'object' && m !== null && (m as { type?: unknown }).type === 'EXIT' && (m as { from?: unknown }).from === from
}

/** The argument tuple a behaviour's `init` takes after its context. */
export type BehaviourArgs<B> = B extends Behaviour<infer _S, infer _M, infer _Q, infer _R, infer A> ? A : never

/** Creates a node (one actor system on this thread). */
export function createNode(opts?: NodeOptions): Node {
  return new Node(opts)
}

