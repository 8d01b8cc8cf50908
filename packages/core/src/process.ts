/**
 * A process: its mailbox, flags, links and monitors, plus the context API its code uses.
 * One object per process, with every optional table allocated lazily, because a million
 * idle processes must fit in a few hundred bytes each. The context methods live on the
 * prototype and delegate to the node.
 */
import type { Node, SpawnOptions, Actor, SpawnResult } from './node.js'
import type { Pid, Ref } from './pid.js'
import type { AnyBehaviour } from './behaviour.js'
import type { ExitReason, ReplyTo, TIMEOUT } from './messages.js'
import type { Name } from './name.js'
import { NotAlive } from './errors.js'
import type { PendingQueue } from './scheduling/pendingQueue.js'

/**
 * @internal The mailbox of a process that never got a message, and of a dead one. Never
 * written: `deliver` swaps in a real array first.
 */
export const NO_MAIL: unknown[] = []

/** @internal flag bits */
export const ALIVE = 1
export const SCHEDULED = 2
export const TRAP_EXIT = 4
/** Running an async init/handler/terminate: handles no message until it settles. */
export const BUSY = 8
/** Process-style: driven by promises, never put on the run queue. */
export const FN_STYLE = 16
export const NEEDS_START = 32
export const TERMINATING = 64

/** @internal Something told when a process exits (pending calls, pg scopes). */
export interface ExitWatcher {
  down(ref: Ref, pid: Pid, reason: ExitReason): void
}

/** @internal A process-style actor waiting in `receive`. */
export interface Receiver {
  match: ((m: unknown) => boolean) | undefined
  resolve: (m: unknown) => void
  timer: unknown
}

/** @internal Things that keep per-process tables and must forget a process when it exits. */
export interface ExitHook {
  onProcessExit(pid: Pid): void
}

/** Options of `send` and `cast`. */
export interface MessageOptions {
  /** Milliseconds from now by which the message should be handled; read by scheduling policies. */
  deadline?: number
}

/** Options of `call`. */
export interface CallOptions extends MessageOptions {
  /** Milliseconds to wait for the reply (default 5000; `Infinity` for none). */
  timeout?: number
}

export interface ReceiveOptions {
  /** Milliseconds to wait; on expiry `receive` resolves with {@link TIMEOUT}. */
  timeout?: number
}

export type ProcessStatus = 'starting' | 'runnable' | 'waiting' | 'running' | 'exiting' | 'exited'

export interface ProcessInfo {
  pid: Pid
  status: ProcessStatus
  mailboxLength: number
  messagesHandled: number
  links: Pid[]
  monitors: Ref[]
  monitoredBy: number
  trapExit: boolean
  registeredName: Name | undefined
}

/**
 * What an actor's code sees: `self`, messaging, selective receive, links, monitors, exits.
 * `Msg` is the type of message this process accepts.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export class Process<Msg = any> {
  /** @internal mailbox; the shared NO_MAIL until the first message, to keep idle processes small */
  q: unknown[] = NO_MAIL
  /** @internal read index into q (the head chunk) */ qh = 0
  /** @internal the tail chunk (q itself while there is one chunk) */ qtail: unknown[] = NO_MAIL
  /** @internal write index into qtail */ qt = 0
  /** @internal messages queued */ qn = 0
  /** @internal */ flags: number
  /** @internal user state of a behaviour */ state: unknown = undefined
  /** @internal */ links: Set<Pid> | null = null
  /** @internal monitors others hold on me: ref -> watcher pid or internal watcher */
  monitors: Map<Ref, Pid | ExitWatcher> | null = null
  /** @internal monitors I hold: ref -> target */ monitoring: Map<Ref, Pid> | null = null
  /** @internal */ nameKey: string | null = null
  /** @internal */ handled = 0
  /** @internal */ recv: Receiver | null = null
  /** @internal */ parent: Pid | null = null
  /** @internal */ capacity = 0
  /** @internal */ hooks: ExitHook[] | null = null
  /** @internal pending messages ordered by a scheduling policy; null for FIFO (the mailbox array) */
  pq: PendingQueue | null = null

  /** @internal */
  constructor(
    readonly self: Pid<Msg>,
    /** The node this process lives on. */
    readonly node: Node,
    /** @internal behaviour, or the process function */
    readonly actor: AnyBehaviour | ((ctx: Process, ...args: never[]) => unknown),
    /** @internal */
    public args: readonly unknown[],
    flags: number,
  ) {
    this.flags = flags
  }

  /** @internal */
  get alive(): boolean {
    return (this.flags & ALIVE) !== 0
  }

  /** @internal */
  assertAlive(): void {
    if ((this.flags & ALIVE) === 0) throw new NotAlive({ pid: this.self })
  }

  /**
   * Waits for the first message (in arrival order) that `match` accepts; others stay
   * queued in order. With `timeout`, resolves with {@link TIMEOUT} if none comes in time.
   * Only for process-style actors (behaviours get messages through their handlers).
   */
  receive<T = Msg>(match?: (m: unknown) => m is T, opts?: ReceiveOptions): Promise<T | TIMEOUT>
  receive<T = Msg>(match?: (m: unknown) => boolean, opts?: ReceiveOptions): Promise<T | TIMEOUT>
  receive(match?: (m: unknown) => boolean, opts?: ReceiveOptions): Promise<unknown> {
    return this.node._receive(this, match, opts)
  }

  /**
   * Sends `msg` to a pid or a registered name. Asynchronous; never waits. `deadline` (ms from
   * now) is read by the receiver's scheduling policy, if it has one.
   */
  send<M>(to: Pid<M> | { name: Name; node?: string }, msg: NoInfer<M>, opts?: MessageOptions): void {
    this.assertAlive()
    this.node._sendFrom(to, msg, this.self, opts)
  }

  /** gen_server call from this process. */
  call<Req, Rep>(to: Pid<never, Req, Rep> | { name: Name; node?: string }, request: NoInfer<Req>, opts?: CallOptions): Promise<Rep> {
    this.assertAlive()
    return this.node._call(to, request, opts, this.self)
  }

  /** gen_server cast from this process. */
  cast<M>(to: Pid<M> | { name: Name; node?: string }, msg: NoInfer<M>, opts?: MessageOptions): void {
    this.assertAlive()
    this.node.cast(to, msg, opts)
  }

  /** Answers a call received with `noreply`, or by a process-style actor. */
  reply(from: ReplyTo, value: unknown): void {
    this.node.reply(from, value)
  }

  spawn<P extends Pid>(actor: Actor, args?: readonly unknown[], opts?: SpawnOptions): P {
    this.assertAlive()
    return this.node._spawn(actor, args, opts, this, 0).pid as P
  }

  /** Spawns and links atomically: the link exists before the child runs. */
  spawnLink<P extends Pid>(actor: Actor, args?: readonly unknown[], opts?: SpawnOptions): P {
    this.assertAlive()
    return this.node._spawn(actor, args, opts, this, 1).pid as P
  }

  /**
   * Spawns a behaviour linked to this process and waits for its `init`: resolves with the
   * pid, or rejects with `InitFailed` (like `gen_server:start_link`). The link exists from
   * the start, so a failing init also sends this process an exit signal.
   */
  startLink<P extends Pid>(actor: AnyBehaviour, args?: readonly unknown[], opts?: SpawnOptions): Promise<P> {
    this.assertAlive()
    return this.node._start(actor, args, opts, this, 1) as Promise<P>
  }

  /** Like {@link startLink} without the link. */
  start<P extends Pid>(actor: AnyBehaviour, args?: readonly unknown[], opts?: SpawnOptions): Promise<P> {
    this.assertAlive()
    return this.node._start(actor, args, opts, this, 0) as Promise<P>
  }

  /** Spawns and monitors atomically. */
  spawnMonitor<P extends Pid>(actor: Actor, args?: readonly unknown[], opts?: SpawnOptions): SpawnResult<P> {
    this.assertAlive()
    return this.node._spawn(actor, args, opts, this, 2) as SpawnResult<P>
  }

  /** Links to `pid` (idempotent). A dead or unknown pid sends this process an exit signal `noproc`. */
  link(pid: Pid): void {
    this.assertAlive()
    this.node._link(this, pid)
  }

  unlink(pid: Pid): void {
    this.assertAlive()
    this.node._unlink(this, pid)
  }

  /** Monitors `pid`; a dead or unknown pid gives an immediate DOWN with `noproc`. */
  monitor(pid: Pid): Ref {
    this.assertAlive()
    return this.node._monitor(this, pid)
  }

  /** Removes a monitor; with `flush`, also removes its DOWN if already queued. Returns whether it was active. */
  demonitor(ref: Ref, opts?: { flush?: boolean }): boolean {
    this.assertAlive()
    return this.node._demonitor(this, ref, opts?.flush === true)
  }

  /** `exit(reason)` ends this process now; `exit(pid, reason)` sends an exit signal. */
  exit(reason: ExitReason): never
  exit(pid: Pid, reason: ExitReason): void
  exit(a: unknown, ...rest: unknown[]): void {
    this.assertAlive()
    if (rest.length === 0) {
      this.node._exitSelf(this, a)
    }
    this.node._exitSignal(a as Pid, rest[0], this.self)
  }

  /** Sets the trap-exit flag; returns the old value. */
  trapExit(on: boolean): boolean {
    const old = (this.flags & TRAP_EXIT) !== 0
    if (on) this.flags |= TRAP_EXIT
    else this.flags &= ~TRAP_EXIT
    return old
  }

  /** Registers this process under `name`. */
  register(name: Name): void {
    this.assertAlive()
    this.node.register(name, this.self)
  }

  info(): ProcessInfo {
    return this.node._info(this)
  }
}

/** The context an actor's code gets. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type ProcessContext<Msg = any> = Process<Msg>
