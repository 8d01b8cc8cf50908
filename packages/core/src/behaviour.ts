/**
 * gen_server-style actors: a behaviour is a set of handlers over a state. Handlers run
 * synchronously inside the node's drain loop (no promise per message); a handler may
 * return a promise, and the process then handles nothing else until it settles, like a
 * gen_server blocked in a callback.
 */
import type { ProcessContext } from './process.js'
import type { ExitReason, ReplyTo } from './messages.js'
import type { Pid } from './pid.js'
import type { ExitMessage, DownMessage } from './messages.js'
import type { PgNotification } from './pg/notification.js'
import { validatePolicy, type Policy } from './scheduling/policy.js'

/** @internal */
export class ReplyResult<R, S> {
  constructor(
    readonly value: R,
    readonly state: S,
  ) {}
}
/** @internal */
export class NoReplyResult<S> {
  constructor(readonly state: S) {}
}
/** @internal */
export class StopResult<S, R = never> {
  constructor(
    readonly reason: ExitReason,
    readonly state: S,
    readonly hasReply: boolean,
    readonly value: R | undefined,
  ) {}
}

/** From `handleCall`: answer the caller now and continue with `state`. */
export function reply<R, S>(value: R, state: S): ReplyResult<R, S> {
  return new ReplyResult(value, state)
}
/** From `handleCall`: answer later with `ctx.reply(from, value)`; continue with `state`. */
export function noreply<S>(state: S): NoReplyResult<S> {
  return new NoReplyResult(state)
}
/** From any handler: run `terminate` and exit with `reason` (after replying, if `reply` is given). */
export function stop<S, R = never>(reason: ExitReason, state: S, ...replyValue: [] | [R]): StopResult<S, R> {
  return new StopResult<S, R>(reason, state, replyValue.length > 0, replyValue[0])
}

type MaybeAsync<T> = T | Promise<T>

export interface Behaviour<S, Msg = unknown, Req = never, Rep = unknown, Args extends unknown[] = []> {
  /** Builds the initial state. Throwing (or returning `stop`) ends the process with that reason. */
  init(ctx: ProcessContext<NoInfer<Msg>>, ...args: Args): MaybeAsync<S | StopResult<S>>
  handleCall?(request: Req, from: ReplyTo, state: S, ctx: ProcessContext<NoInfer<Msg>>): MaybeAsync<
    ReplyResult<Rep, S> | NoReplyResult<S> | StopResult<S, Rep>
  >
  handleCast?(message: Msg, state: S, ctx: ProcessContext<NoInfer<Msg>>): MaybeAsync<S | StopResult<S>>
  /** Plain messages, and system messages (`EXIT` when trapping, `DOWN`, pg notifications). */
  handleInfo?(message: Msg | SystemMessage, state: S, ctx: ProcessContext<NoInfer<Msg>>): MaybeAsync<S | StopResult<S>>
  /**
   * The default scheduling policy of this behaviour's processes (`spawn`'s `scheduler` option
   * overrides it). Default FIFO.
   */
  scheduler?: Policy<S, unknown>
  /** Runs when the process stops itself, crashes in a handler, or its parent's exit is trapped. */
  terminate?(reason: ExitReason, state: S, ctx: ProcessContext<NoInfer<Msg>>): void | Promise<void>
}

/** Any behaviour, whatever its types (for containers like supervisors). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyBehaviour = Behaviour<any, any, any, any, any>

export type SystemMessage = ExitMessage | DownMessage | PgNotification

/** The Pid type a behaviour's process gets from `spawn`. */
export type PidOf<B> = B extends Behaviour<infer _S, infer M, infer Q, infer R, infer _A> ? Pid<M, Q, R> : Pid

/**
 * Declares a behaviour with its types inferred from the handlers.
 * @example
 * const counter = defineBehaviour({
 *   init: () => 0,
 *   handleCall: (req: 'get', _from, n: number) => reply(n, n),
 *   handleCast: (by: number, n: number) => n + by,
 * })
 */
export function defineBehaviour<S, Msg = unknown, Req = unknown, Rep = unknown, Args extends unknown[] = []>(
  b: Behaviour<S, Msg, Req, Rep, Args>,
): Behaviour<S, Msg, Req, Rep, Args> {
  if (typeof b !== 'object' || b === null || typeof b.init !== 'function')
    throw new TypeError('behaviour must be an object with an init function')
  for (const k of ['handleCall', 'handleCast', 'handleInfo', 'terminate'] as const) {
    if (b[k] !== undefined && typeof b[k] !== 'function') throw new TypeError(`behaviour.${k} must be a function`)
  }
  if (b.scheduler !== undefined) validatePolicy(b.scheduler, 'behaviour.scheduler')
  return b
}
